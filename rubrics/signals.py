from django.dispatch import Signal

# An agent read their new reviews (a bulk update, which sends no model signal): `agent`.
reviews_seen = Signal()

# A review rated 1 on criteria marked "a breach when rated 1", sent inside the review's
# transaction: `evaluation` and `ratings` (its Rating rows for those criteria). Self-scores never
# send it: a case would show a supervisor the self-score before the review. `cases` listens.
breach_rated = Signal()
