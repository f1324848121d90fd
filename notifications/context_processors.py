from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count


def bell(request):
    """The unread count for the nav's bell, counted only if the page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
