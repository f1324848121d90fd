"""What rubrics tells people through the inbox. The texts name the interaction by channel and
day only (never its reference, topic or summary, which may come from a customer's words) and
carry no rating: a supervisor must not learn a self-score from them."""

from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind
from notifications.services import notifications_mark_read_for_url, notify


def _name(person) -> str:
    return person.get_full_name() or person.get_username()


def _interaction(interaction) -> str:
    day = timezone.localtime(interaction.occurred_at)
    return f"{interaction.get_channel_display().lower()} interaction of {day:%-d %b %Y}"


def _url(interaction) -> str:
    return reverse("interaction_detail", args=[interaction.pk])


def review_submitted(review) -> None:
    """To the agent: their interaction was reviewed."""
    interaction = review.interaction
    notify(
        [interaction.agent_id],
        Kind.REVIEW_SUBMITTED,
        f"{_name(review.author)} reviewed your {_interaction(interaction)}.",
        _url(interaction),
    )


def dispute_raised(dispute) -> None:
    """To the reviewer: the agent disputed their review."""
    interaction = dispute.interaction
    notify(
        [dispute.review.author_id],
        Kind.DISPUTE_RAISED,
        f"{_name(dispute.raised_by)} disputed your review of their {_interaction(interaction)}.",
        _url(interaction),
    )


def dispute_settled(dispute) -> None:
    """To the agent: their dispute was settled, and how."""
    interaction = dispute.interaction
    notify(
        [dispute.raised_by_id],
        Kind.DISPUTE_SETTLED,
        f"Your dispute of the review of your {_interaction(interaction)} was "
        f"{dispute.get_status_display().lower()} by {_name(dispute.resolved_by)}.",
        _url(interaction),
    )


def reviews_read(interaction, agent) -> None:
    """The agent read the interaction's review: the notifications that told of it are read too."""
    notifications_mark_read_for_url(user=agent, url=_url(interaction))
