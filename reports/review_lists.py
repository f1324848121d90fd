"""The leaders' own lists: the reviews they gave and the disputes waiting for them to settle."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from core.forms import DateRangeForm
from rubrics.models import Dispute, Evaluation, Interaction
from teams.access import is_admin, teams_led_by
from teams.models import Role


class ReviewsGivenFilterForm(DateRangeForm):
    ACKNOWLEDGEMENT = [("", "Any"), ("waiting", "Not acknowledged yet"), ("done", "Acknowledged")]
    DISPUTE = [
        ("", "Any"),
        ("none", "Not disputed"),
        ("open", "Dispute open"),
        ("settled", "Dispute settled"),
    ]

    agent = forms.TypedChoiceField(label="Agent", required=False, coerce=int, empty_value=None)
    acknowledgement = forms.ChoiceField(
        label="Acknowledgement", required=False, choices=ACKNOWLEDGEMENT
    )
    dispute = forms.ChoiceField(label="Dispute", required=False, choices=DISPUTE)

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = [("", "Everyone")] + [
            (agent.pk, agent.get_full_name() or agent.get_username()) for agent in agents
        ]
        self.fields["date_from"].label = "Reviewed from"
        self.fields["date_to"].label = "Reviewed to"
        self.order_fields(["agent", "date_from", "date_to", "acknowledgement", "dispute"])


def reviewed_agents(user):
    """The agents the filter offers: those of the teams the leader leads now and any whose
    interactions the leader reviewed (an admin: anyone reviewed), by name."""
    return (
        get_user_model()
        .objects.filter(
            Q(membership__team__in=teams_led_by(user), groups__name=Role.AGENT)
            | Q(interactions__in=_reviews_given(user).values("interaction"))
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _reviews_given(user):
    """Current reviews in the teams the user leads; a supervisor's own, an admin's all of them."""
    reviews = Evaluation.objects.filter(
        kind=Evaluation.Kind.REVIEW,
        is_current=True,
        interaction__in=Interaction.objects.led_by(user),
    )
    return reviews if is_admin(user) else reviews.filter(author=user)


def reviews_given(user, filters: dict):
    """The reviews `user` gave, newest first, narrowed by the form's valid `filters`."""
    reviews = _reviews_given(user).select_related(
        "interaction__agent", "interaction__team", "interaction__dispute", "author"
    )
    if filters.get("agent") is not None:
        reviews = reviews.filter(interaction__agent_id=filters["agent"])
    if filters.get("date_from"):
        reviews = reviews.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        reviews = reviews.filter(created_at__date__lte=filters["date_to"])
    acknowledgement = filters.get("acknowledgement")
    if acknowledgement:
        reviews = reviews.filter(acknowledged_at__isnull=acknowledgement == "waiting")
    dispute = filters.get("dispute")
    if dispute == "none":
        reviews = reviews.filter(interaction__dispute__isnull=True)
    elif dispute == "open":
        reviews = reviews.filter(interaction__dispute__status=Dispute.Status.OPEN)
    elif dispute == "settled":
        reviews = reviews.filter(
            Q(interaction__dispute__isnull=False)
            & ~Q(interaction__dispute__status=Dispute.Status.OPEN)
        )
    return reviews.order_by("-created_at", "-id")


def disputes_to_settle(user):
    """Open disputes in the teams the user leads that they may settle: those on their own
    reviews, or every one for an admin (see `Dispute.may_be_resolved_by`), oldest first."""
    disputes = Dispute.objects.open().filter(interaction__in=Interaction.objects.led_by(user))
    if not is_admin(user):
        disputes = disputes.filter(review__author=user)
    return disputes.select_related(
        "interaction__agent", "interaction__team", "review__author"
    ).order_by("created_at", "id")
