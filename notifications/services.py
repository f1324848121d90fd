"""Telling people about events: `notify` is the one way in for every app above this floor."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications import tasks
from notifications.models import Delivery, Kind, Notification, Preference
from notifications.signals import inbox_changed


def notify(recipients: Iterable, kind: Kind, text: str, url: str = "") -> list[Notification]:
    """Put `text` in each recipient's inbox (users or user ids; duplicates count once).

    Call it inside the transaction that records the event: the rows commit with it, and so do
    the jobs that e-mail those who chose "at once" (the worker sees a job only once it commits,
    so a rolled-back event tells nobody, and a committed one cannot lose its e-mail). `text`
    must not name a customer nor give away a self-score the recipient may not see yet.
    """
    ids = sorted({getattr(person, "pk", person) for person in recipients if person is not None})
    if not ids:
        return []
    with transaction.atomic():
        created = Notification.objects.bulk_create(
            [Notification(recipient_id=pk, kind=kind, text=text[:300], url=url) for pk in ids]
        )
        deliveries = Preference.objects.deliveries(ids)
        for notification in created:
            if deliveries[notification.recipient_id][kind] == Delivery.EMAIL:
                tasks.send_notification_email.defer(notification_id=notification.pk)
        inbox_changed.send(sender=Notification, user_ids=ids)
    return created


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of `user`'s own notifications read; anyone else's is not found."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(recipient=user, pk=notification_id)
            .first()
        )
        if notification is None:
            raise Notification.DoesNotExist
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            inbox_changed.send(sender=Notification, user_ids=[user.pk])
    return notification


def notifications_mark_read_for_url(*, user, url: str) -> int:
    """Mark `user`'s unread notifications that lead to `url` read: what they told of is read."""
    with transaction.atomic():
        marked = Notification.objects.filter(recipient=user, url=url, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if marked:
            inbox_changed.send(sender=Notification, user_ids=[user.pk])
    return marked


def notification_mark_all_read(*, user) -> int:
    with transaction.atomic():
        marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if marked:
            inbox_changed.send(sender=Notification, user_ids=[user.pk])
    return marked


def preferences_set(*, user, choices: dict[str, str]) -> None:
    """Record how `user` wants each kind delivered (kinds left out keep their setting)."""
    errors = {}
    for kind, delivery in choices.items():
        if kind not in Kind.values:
            errors[kind] = "There is no such kind of notification."
        elif delivery not in Delivery.values:
            errors[kind] = "Choose inbox only, e-mail at once or the daily digest."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for kind, delivery in choices.items():
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )
