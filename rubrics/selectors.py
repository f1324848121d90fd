"""Reads for scoring and reviews that are more than a filter."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, OuterRef, Subquery, Value, When
from django.db.models.functions import Lower, Trim
from django.shortcuts import get_object_or_404

from rubrics.models import Dispute, Evaluation, Interaction
from teams.access import teams_supervised_by
from teams.models import Role

# Which interactions a person may reach, by what they want to do with one. Outside the scope
# an interaction is not found (404), whoever it belongs to; the role is checked before.
INTERACTION_SCOPES = {
    "view": lambda interactions, user: interactions.visible_to(user),
    "own": lambda interactions, user: interactions.filter(agent=user),
    "review": lambda interactions, user: interactions.reviewable_by(user),
    "lead": lambda interactions, user: interactions.led_by(user),
}


def get_interaction_for_user(user, pk, *, scope: str = "view", queryset=None) -> Interaction:
    """The interaction `pk` if it is in `user`'s `scope` (see INTERACTION_SCOPES), else 404."""
    interactions = Interaction.objects.all() if queryset is None else queryset
    return get_object_or_404(INTERACTION_SCOPES[scope](interactions, user), pk=pk)


def interactions_with_reference(interactions, reference: str):
    """Those of `interactions` recorded under this ticket reference. Ticket ids are matched
    ignoring case and surrounding spaces: "ZD-9 " and "zd-9" are one ticket."""
    return interactions.alias(reference_key=Lower(Trim("reference"))).filter(
        reference_key=Lower(Value(reference.strip()))
    )


def agents_recordable_by(user):
    """The agents whose interactions `user` may record for review: current members of the
    teams they review (see `teams.access.teams_supervised_by`), never `user` themselves."""
    return (
        get_user_model()
        .objects.filter(membership__team__in=teams_supervised_by(user), groups__name=Role.AGENT)
        .exclude(pk=user.pk)
        .select_related("membership__team")
        .order_by("membership__team__name", "first_name", "last_name", "username")
    )


def scored_before(agent, pk) -> Interaction | None:
    """The agent's own interaction `pk` that a new self-score repeated, with `reviewed`: once
    reviewed, its self-score can no longer be corrected."""
    return (
        Interaction.objects.filter(agent=agent, pk=pk)
        .annotate(
            reviewed=Exists(
                Evaluation.objects.filter(interaction=OuterRef("pk"), kind=Evaluation.Kind.REVIEW)
            )
        )
        .first()
    )


def get_dispute_for_resolving(user, pk) -> Dispute:
    """A dispute `user` settles: 404 outside the teams they lead, 403 for a leader who did not
    write the disputed review (only its author or an admin settles it)."""
    dispute = get_object_or_404(
        Dispute.objects.filter(interaction__in=Interaction.objects.led_by(user))
        .select_related("interaction__agent", "review__author", "raised_by")
        .prefetch_related("items__criterion"),
        pk=pk,
    )
    if not dispute.may_be_resolved_by(user):
        raise PermissionDenied(
            "Only the supervisor who wrote the review, or an admin, can settle this dispute."
        )
    return dispute


def _current(kind: str):
    return Evaluation.objects.filter(interaction=OuterRef("pk"), kind=kind, is_current=True)


def interactions_with_scores(queryset):
    """Annotate each interaction with its current self and review score, percent and flag."""
    self_eval, review = _current(Evaluation.Kind.SELF), _current(Evaluation.Kind.REVIEW)
    return queryset.annotate(
        self_score=Subquery(self_eval.values("score")[:1]),
        self_percent=Subquery(self_eval.values("percent")[:1]),
        self_critical=Subquery(self_eval.values("critical_fail")[:1]),
        self_revision=Subquery(self_eval.values("revision")[:1]),
        review_score=Subquery(review.values("score")[:1]),
        review_percent=Subquery(review.values("percent")[:1]),
        review_critical=Subquery(review.values("critical_fail")[:1]),
    )


# My reviews' order: what needs the agent's attention first (see reviews_for_agent).
MY_REVIEW_UNREAD, MY_REVIEW_WAITING, MY_REVIEW_DISPUTED, MY_REVIEW_DONE = range(4)


def reviews_for_agent(agent):
    """The agent's reviews (current revisions), with the interaction and any dispute, what
    needs their attention first (`attention`):

    1. unread: not opened yet;
    2. waiting for the agent: not acknowledged and not under an open dispute. A review whose
       dispute is settled is here too: the page asks the agent to acknowledge it;
    3. disputed, waiting on the supervisor: under an open dispute;
    4. done: acknowledged.

    Within each, the newest review first (then the newest row).
    """
    attention = Case(
        When(seen_at__isnull=True, then=Value(MY_REVIEW_UNREAD)),
        When(acknowledged_at__isnull=False, then=Value(MY_REVIEW_DONE)),
        When(interaction__dispute__status=Dispute.Status.OPEN, then=Value(MY_REVIEW_DISPUTED)),
        default=Value(MY_REVIEW_WAITING),
    )
    return (
        Evaluation.objects.filter(
            interaction__agent=agent, kind=Evaluation.Kind.REVIEW, is_current=True
        )
        .select_related("interaction", "author", "interaction__dispute")
        .annotate(attention=attention)
        .order_by("attention", "-created_at", "-id")
    )


def unread_review_count(agent) -> int:
    """The agent's current reviews not yet read. A superseded revision never counts; the
    corrected revision a settled dispute adds is new to the agent, so it counts until read."""
    return Evaluation.objects.filter(
        interaction__agent=agent, kind=Evaluation.Kind.REVIEW, is_current=True, seen_at__isnull=True
    ).count()


def interaction_overview(interaction: Interaction, viewer) -> dict:
    """Everything `viewer` may see of one interaction they may open: scores side by side,
    coaching, the dispute and a time-ordered history of every step. Under blind review
    (`self_hidden`), the self-score and its history are left out."""
    evaluations = list(
        interaction.evaluations.select_related("author", "rubric")
        .prefetch_related("ratings__criterion", "root_causes")
        .order_by("kind", "-revision")
    )
    self_history = [e for e in evaluations if e.kind == Evaluation.Kind.SELF]
    review_history = [e for e in evaluations if e.kind == Evaluation.Kind.REVIEW]
    self_evaluation = next((e for e in self_history if e.is_current), None)
    review = next((e for e in review_history if e.is_current), None)
    self_hidden = review is None and interaction.self_score_hidden_from(viewer)
    if self_hidden:
        self_evaluation, self_history = None, []
    dispute = (
        Dispute.objects.filter(interaction=interaction)
        .select_related("raised_by", "resolved_by", "review__author")
        .prefetch_related("items__criterion")
        .first()
    )
    coaching = list(interaction.coaching_comments.select_related("author"))
    return {
        "self_hidden": self_hidden,
        "self_evaluation": self_evaluation,
        "self_history": self_history,
        "review": review,
        "review_history": review_history,
        "comparison": _side_by_side(self_evaluation, review),
        "dispute": dispute,
        "coaching_comments": coaching,
        "history": _history(self_history, review_history, dispute, coaching),
    }


def _side_by_side(self_evaluation, review) -> list[dict]:
    """Per criterion of the review, the self-rating beside it. Without a self-score (an
    interaction a supervisor recorded), the self and gap columns stay empty: never a 0."""
    if review is None:
        return []
    self_ratings = (
        {}
        if self_evaluation is None
        else {r.criterion.key: r for r in self_evaluation.ratings.all()}
    )
    rows = []
    for rating in review.ratings.all():
        mine = self_ratings.get(rating.criterion.key)
        self_value = mine.value if mine else None
        rows.append(
            {
                "criterion": rating.criterion,
                "self": self_value,
                "self_comment": mine.comment if mine else "",
                "review": rating.value,
                "review_comment": rating.comment,
                "gap": self_value - rating.value
                if self_value is not None and rating.value is not None
                else None,
            }
        )
    return rows


def _history(self_history, review_history, dispute, coaching) -> list[dict]:
    """Who did what and when, oldest first."""
    events = []
    for evaluation in [*self_history, *review_history]:
        if evaluation.kind == Evaluation.Kind.SELF:
            what = "Self-scored" if evaluation.revision == 1 else "Corrected the self-score"
        else:
            what = "Reviewed" if evaluation.revision == 1 else "Corrected the review"
        events.append(
            {
                "at": evaluation.created_at,
                "who": evaluation.author,
                "what": f"{what} (revision {evaluation.revision}): "
                f"{evaluation.score} · {evaluation.percent}%"
                + ("" if evaluation.is_current else ", since superseded"),
                "detail": evaluation.revision_reason,
            }
        )
        if evaluation.kind == Evaluation.Kind.REVIEW and evaluation.acknowledged_at:
            events.append(
                {
                    "at": evaluation.acknowledged_at,
                    "who": evaluation.interaction.agent,
                    "what": f"Acknowledged the review (revision {evaluation.revision})",
                    "detail": "",
                }
            )
    for comment in coaching:
        events.append(
            {
                "at": comment.created_at,
                "who": comment.author,
                "what": "Added coaching",
                "detail": "",
            }
        )
    if dispute is not None:
        changes = "; ".join(
            f"{item.criterion.name} {item.original_value} → proposed {item.proposed_value}"
            for item in dispute.items.all()
        )
        events.append(
            {
                "at": dispute.created_at,
                "who": dispute.raised_by,
                "what": f"Disputed the review: {changes}",
                "detail": dispute.reason,
            }
        )
        if not dispute.is_open:
            outcome = "; ".join(
                f"{item.criterion.name} {item.original_value} → {item.final_value}"
                for item in dispute.items.all()
            )
            events.append(
                {
                    "at": dispute.resolved_at,
                    "who": dispute.resolved_by,
                    "what": f"{dispute.get_status_display()} the dispute: {outcome}",
                    "detail": dispute.resolution_reason,
                }
            )
    return sorted(events, key=lambda event: event["at"])
