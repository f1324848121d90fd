"""Reads of the inbox."""

from notifications.models import DEFAULT_DELIVERY, Kind, Notification, Preference, kinds_for_roles
from teams.access import user_roles


def inbox_for(user):
    """The person's notifications, newest first (the `notification_inbox` index)."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """The bell's number: one count on the partial index of unread rows."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def get_notification_for_user(user, pk) -> Notification:
    """One of the person's own notifications; anyone else's does not exist for them."""
    return Notification.objects.get(recipient=user, pk=pk)


def preferences_for(user) -> list[tuple[str, str, str]]:
    """(kind, label, delivery) for each kind that can reach the person (by their roles), with
    their choice or the default."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    labels = dict(Kind.choices)
    return [
        (kind, labels[kind], chosen.get(kind, DEFAULT_DELIVERY[kind]))
        for kind in kinds_for_roles(user_roles(user))
    ]
