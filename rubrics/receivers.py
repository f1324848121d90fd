"""How rubrics answers what the floors below it announce."""

from django.urls import Resolver404, resolve

from notifications.models import Kind
from rubrics.models import Interaction
from rubrics.services import review_mark_seen


def review_notification_opened(sender, *, notification, user, **kwargs) -> None:
    """The agent opened a review's notification from the inbox: the review is read too."""
    if notification.kind not in (Kind.REVIEW_SUBMITTED, Kind.DISPUTE_SETTLED):
        return
    try:
        match = resolve(notification.url)
    except Resolver404:
        return
    if match.url_name != "interaction_detail":
        return
    interaction = Interaction.objects.filter(pk=match.kwargs["pk"], agent=user).first()
    if interaction is not None:
        review_mark_seen(interaction=interaction, agent=user)
