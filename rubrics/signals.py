from django.dispatch import Signal

# An agent read their new reviews (a bulk update, which sends no model signal): `agent`.
reviews_seen = Signal()
