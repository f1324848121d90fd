"""Writes that span several models: scoring an interaction and correcting a score."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rubrics.models import RATING_MIN, Evaluation, Interaction, Rating, Rubric

LOW_RATING_NEEDS_COMMENT = 2


def _check_comments(rubric: Rubric, ratings: dict, comments: dict) -> None:
    """A rating of 1 or 2 must say why, so the agent (and later a coach) knows what to fix."""
    errors = {}
    for criterion in rubric.criteria.all():
        rating = ratings.get(criterion.key)
        if rating is not None and rating <= LOW_RATING_NEEDS_COMMENT:
            if not (comments.get(criterion.key) or "").strip():
                errors[criterion.key] = (
                    f"Say briefly why {criterion.name} is rated {rating}: a rating of "
                    f"{RATING_MIN} or {LOW_RATING_NEEDS_COMMENT} needs a comment."
                )
    if errors:
        raise ValidationError(errors)


def _evaluation_create(
    *,
    interaction: Interaction,
    rubric: Rubric,
    kind: str,
    author,
    ratings: dict[str, int | None],
    comments: dict[str, str],
    comment: str = "",
    revision: int = 1,
    supersedes: Evaluation | None = None,
    revision_reason: str = "",
) -> Evaluation:
    result = rubric.score(ratings)
    _check_comments(rubric, ratings, comments)
    evaluation = Evaluation(
        interaction=interaction,
        rubric=rubric,
        kind=kind,
        author=author,
        score=result.score,
        percent=result.percent,
        critical_fail=result.critical_fail,
        revision=revision,
        supersedes=supersedes,
        revision_reason=revision_reason,
        comment=comment,
    )
    evaluation.full_clean(exclude=["interaction", "rubric", "author", "supersedes"])
    evaluation.save()
    criteria = {criterion.key: criterion for criterion in rubric.criteria.all()}
    rows = [
        Rating(
            evaluation=evaluation,
            criterion=criteria[key],
            value=value,
            comment=(comments.get(key) or "").strip(),
        )
        for key, value in ratings.items()
    ]
    for row in rows:
        row.full_clean(exclude=["evaluation", "criterion"])
    Rating.objects.bulk_create(rows)
    return evaluation


def interaction_self_score(
    *,
    agent,
    rubric: Rubric,
    interaction_fields: dict,
    ratings: dict[str, int | None],
    comments: dict[str, str],
    submission_token: uuid.UUID | None = None,
) -> Evaluation:
    """Save an interaction and the agent's self-evaluation together, or nothing at all.

    The same submission token twice (a double-clicked submit) returns the first evaluation.
    """
    membership = getattr(agent, "membership", None)
    if membership is None:
        raise ValidationError("You are not in a team yet, so there is nowhere to record this.")
    if submission_token is not None:
        existing = _self_evaluation_for_token(agent, submission_token)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            interaction = Interaction(
                agent=agent,
                team=membership.team,
                submission_token=submission_token,
                **interaction_fields,
            )
            interaction.full_clean(exclude=["agent", "team", "submission_token"])
            interaction.save()
            return _evaluation_create(
                interaction=interaction,
                rubric=rubric,
                kind=Evaluation.Kind.SELF,
                author=agent,
                ratings=ratings,
                comments=comments,
            )
    except IntegrityError:
        # A concurrent twin of this submission won the race for the token.
        existing = _self_evaluation_for_token(agent, submission_token) if submission_token else None
        if existing is None:
            raise
        return existing


def _self_evaluation_for_token(agent, token) -> Evaluation | None:
    return (
        Evaluation.objects.filter(
            interaction__submission_token=token,
            interaction__agent=agent,
            kind=Evaluation.Kind.SELF,
            revision=1,
        )
        .select_related("interaction")
        .first()
    )


def evaluation_revise(
    *,
    evaluation: Evaluation,
    author,
    ratings: dict[str, int | None],
    comments: dict[str, str],
    reason: str,
) -> Evaluation:
    """Correct a stored evaluation by adding a new revision; the old one is kept unchanged."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are correcting this score."})
    with transaction.atomic():
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if not current.is_current:
            raise ValidationError(
                "This score has already been corrected; open the latest version and correct that."
            )
        current.is_current = False
        current.save(update_fields=["is_current"])
        return _evaluation_create(
            interaction=current.interaction,
            rubric=current.rubric,
            kind=current.kind,
            author=author,
            ratings=ratings,
            comments=comments,
            comment=current.comment,
            revision=current.revision + 1,
            supersedes=current,
            revision_reason=reason.strip(),
        )
