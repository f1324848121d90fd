"""Telling people about events: `notify` is the one way in for every app above this floor."""

from collections.abc import Iterable

from notifications.models import Kind, Notification


def notify(recipients: Iterable, kind: Kind, text: str, url: str = "") -> list[Notification]:
    """Put `text` in each recipient's inbox (users or user ids; duplicates count once).

    Call it inside the transaction that records the event: the rows commit with it, and the
    e-mails of those who chose "at once" are handed to the background worker only after the
    commit, so a rolled-back event tells nobody. `text` must not name a customer nor give away
    a self-score the recipient may not see yet.
    """
    ids = sorted({getattr(person, "pk", person) for person in recipients if person is not None})
    return Notification.objects.bulk_create(
        [Notification(recipient_id=pk, kind=kind, text=text[:300], url=url) for pk in ids]
    )
