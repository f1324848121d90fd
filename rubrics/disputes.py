"""Disputes: an agent appeals a review once; the reviewer or an admin settles it. Settling
never changes the review: accepting (wholly or partly) adds a corrected revision."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rubrics import notices, rollups
from rubrics.models import RATING_MAX, RATING_MIN, Dispute, DisputeItem, Interaction
from rubrics.services import COMMENT_MAX_LENGTH, current_review, evaluation_revise
from teams import audit


def dispute_raise(
    *, interaction: Interaction, agent, reason: str, proposed: dict[str, int]
) -> Dispute:
    """The agent appeals some criteria of the review, proposing the ratings they think fair."""
    if interaction.agent_id != agent.id:
        raise ValidationError("Only the agent who handled the interaction can dispute its review.")
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Say why you disagree with the review."
    if not proposed:
        errors["criteria"] = "Pick at least one criterion you disagree with."
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            review = current_review(interaction, lock=True)
            if Dispute.objects.filter(interaction=interaction).exists():
                raise ValidationError(
                    "You have already disputed this review; each review can be disputed once."
                )
            if review.acknowledged_at is not None:
                raise ValidationError(
                    "You have acknowledged this review, so it can no longer be disputed."
                )
            current = {
                rating.criterion.key: rating
                for rating in review.ratings.select_related("criterion")
            }
            for key, value in proposed.items():
                if key not in current:
                    errors[key] = f"'{key}' is not a criterion of this review."
                elif type(value) is not int or not RATING_MIN <= value <= RATING_MAX:
                    errors[key] = f"Propose a rating from {RATING_MIN} to {RATING_MAX}."
                elif value == current[key].value:
                    errors[key] = (
                        f"{current[key].criterion.name} is already rated {value}; "
                        "propose a different rating or leave it out."
                    )
            if errors:
                raise ValidationError(errors)
            dispute = Dispute(
                interaction=interaction, review=review, raised_by=agent, reason=reason.strip()
            )
            dispute.full_clean(exclude=["interaction", "review", "raised_by"])
            with rollups.tracking(interaction.pk):
                dispute.save()
            items = DisputeItem.objects.bulk_create(
                DisputeItem(
                    dispute=dispute,
                    criterion=current[key].criterion,
                    original_value=current[key].value,
                    proposed_value=value,
                )
                for key, value in proposed.items()
            )
            audit.log_created(items)
            notices.dispute_raised(dispute)
            return dispute
    except IntegrityError:
        # The same dispute sent twice at once: the first one stands.
        raise ValidationError(
            "You have already disputed this review; each review can be disputed once."
        ) from None


def dispute_resolve(
    *,
    dispute: Dispute,
    resolver,
    decision: str,
    reason: str,
    ratings: dict[str, int] | None = None,
) -> Dispute:
    """Accept, partly accept (with the resolver's ratings) or reject a dispute.

    Accepting adds a corrected review revision; the disputed review is kept as it was.
    """
    Status = Dispute.Status
    if decision not in (Status.ACCEPTED, Status.PARTLY_ACCEPTED, Status.REJECTED):
        raise ValidationError({"decision": "Choose accept, partly accept or reject."})
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why you decided this way; the agent will read it."})
    with transaction.atomic():
        locked = (
            Dispute.objects.select_for_update()
            .select_related("review", "interaction")
            .get(pk=dispute.pk)
        )
        if not locked.may_be_resolved_by(resolver):
            raise ValidationError(
                "Only the supervisor who wrote the review, or an admin, can settle this dispute."
            )
        if not locked.is_open:
            raise ValidationError("This dispute has already been settled.")
        with rollups.tracking(locked.interaction_id):
            return _dispute_settle(locked, resolver, decision, reason, ratings)


def _dispute_settle(locked: Dispute, resolver, decision, reason, ratings) -> Dispute:
    """Record the outcome of a locked, open dispute (and the corrected review, if any)."""
    Status = Dispute.Status
    items = list(locked.items.select_related("criterion"))
    final = _dispute_outcome(items, decision, ratings or {})
    before = {item.pk: audit.snapshot(item, ["final_value"]) for item in items}
    for item in items:
        item.final_value = final[item.criterion.key]
    DisputeItem.objects.bulk_update(items, ["final_value"])
    audit.log_updated(items, before)
    if decision != Status.REJECTED:
        locked.corrected_review = _dispute_correct_review(locked, resolver, final, reason)
    locked.status = decision
    locked.resolved_by = resolver
    locked.resolved_at = timezone.now()
    locked.resolution_reason = reason.strip()
    locked.full_clean(
        exclude=["interaction", "review", "raised_by", "resolved_by", "corrected_review"]
    )
    locked.save()
    notices.dispute_settled(locked)
    return locked


def _dispute_outcome(items: list[DisputeItem], decision: str, ratings: dict) -> dict[str, int]:
    """The rating each disputed criterion ends with."""
    if decision == Dispute.Status.ACCEPTED:
        return {item.criterion.key: item.proposed_value for item in items}
    if decision == Dispute.Status.REJECTED:
        return {item.criterion.key: item.original_value for item in items}
    errors = {}
    final = {}
    for item in items:
        value = ratings.get(item.criterion.key)
        # A partial acceptance meets the agent part way: never below what the review said.
        (low, _), (high, _) = item.partial_range()
        if type(value) is not int or not low <= value <= high:
            errors[item.criterion.key] = item.partial_range_error()
        final[item.criterion.key] = value
    if errors:
        raise ValidationError(errors)
    if all(final[item.criterion.key] == item.original_value for item in items):
        raise ValidationError(
            "These ratings change nothing: reject the dispute instead, with your reason."
        )
    return final


def _dispute_correct_review(dispute: Dispute, resolver, final: dict[str, int], reason: str):
    review = dispute.review
    ratings, comments = {}, {}
    for rating in review.ratings.select_related("criterion"):
        key = rating.criterion.key
        ratings[key] = final.get(key, rating.value)
        comments[key] = rating.comment
        if key in final and final[key] != rating.value:
            note = f"Changed from {rating.value} to {final[key]} after the agent's dispute."
            kept = rating.comment[: COMMENT_MAX_LENGTH - len(note) - 1]
            comments[key] = f"{kept} {note}".strip()
    return evaluation_revise(
        evaluation=review,
        author=resolver,
        ratings=ratings,
        comments=comments,
        reason=f"Settling the agent's dispute: {reason.strip()}",
    )
