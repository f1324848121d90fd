"""Writes that span several models: scoring, correcting, reviewing and disputing."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import formats, timezone

from core.api import CONFLICT
from rubrics import notices, rollups, selectors
from rubrics.models import (
    CoachingComment,
    Dispute,
    Evaluation,
    Interaction,
    Rating,
    Rubric,
    is_low_rating,
    low_rating_comment_error,
)
from rubrics.signals import breach_rated, reviews_seen
from teams import audit
from teams.models import Membership

COMMENT_MAX_LENGTH = 1000
DUPLICATE_REFERENCE = (
    "You have already scored %(reference)s (of %(date)s). Scoring "
    "it again would count it twice: open that interaction and correct its score instead."
)
REVIEWED_BEFORE_SELF_SCORE = (
    "Your supervisor recorded %(reference)s (of %(date)s) and has "
    "already reviewed it, so it can no longer be self-scored: a score given after reading the "
    "review would not be your own judgement. Open the interaction to read the review."
)
TOKEN_USED = (
    "This form has already been used to record another interaction. Nothing was saved: "
    "reload the page and score the interaction again."
)


def _check_comments(rubric: Rubric, ratings: dict, comments: dict) -> None:
    """A rating of 1 or 2 must say why, so the agent (and later a coach) knows what to fix."""
    errors = {}
    for criterion in rubric.criteria.all():
        rating = ratings.get(criterion.key)
        if is_low_rating(rating) and not (comments.get(criterion.key) or "").strip():
            errors[criterion.key] = low_rating_comment_error(criterion.name, rating)
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
    new_interaction: bool = False,
) -> Evaluation:
    result = rubric.score(ratings)
    _check_comments(rubric, ratings, comments)
    with rollups.tracking(interaction.pk, new=new_interaction):
        if supersedes is not None:
            supersedes.is_current = False
            supersedes.save(update_fields=["is_current"])
        evaluation = _evaluation_save(
            interaction=interaction,
            rubric=rubric,
            kind=kind,
            author=author,
            ratings=ratings,
            comments=comments,
            comment=comment,
            revision=revision,
            supersedes=supersedes,
            revision_reason=revision_reason,
            result=result,
        )
        if supersedes is not None and kind == Evaluation.Kind.REVIEW:
            # A review's root causes stay with it through a dispute's revision.
            tags = list(supersedes.root_causes.all())
            if tags:
                evaluation.root_causes.add(*tags)
        return evaluation


def _evaluation_save(*, interaction, rubric, kind, author, ratings, comments, result, **fields):
    evaluation = Evaluation(
        interaction=interaction,
        rubric=rubric,
        kind=kind,
        author=author,
        score=result.score,
        percent=result.percent,
        critical_fail=result.critical_fail,
        **fields,
        flagged=Evaluation.is_flagged(result, ratings),
    )
    # The check constraints (score and rating ranges) are left to the database here: the
    # engine computed the score, and the fields' own validators already say what is wrong
    # with a rating. Checking them in full_clean would cost a query each.
    evaluation.full_clean(
        exclude=["interaction", "rubric", "author", "supersedes"], validate_constraints=False
    )
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
        row.full_clean(exclude=["evaluation", "criterion"], validate_constraints=False)
    Rating.objects.bulk_create(rows)
    audit.log_created(rows)
    breaches = [row for row in rows if row.value == 1 and row.criterion.breach_when_one]
    if breaches and kind == Evaluation.Kind.REVIEW:
        breach_rated.send(sender=Evaluation, evaluation=evaluation, ratings=breaches)
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

    The same submission token twice (a double-clicked submit, or the same form saved again)
    returns the first evaluation, marked `already_saved`. A ticket the agent has scored before
    with another form is refused (see `_check_not_scored_before`).
    """
    try:
        with transaction.atomic():
            membership = Membership.objects.filter(user_id=agent.pk).first()
            if membership is None:
                raise ValidationError(
                    "You are not in a team yet, so there is nowhere to record this."
                )
            _lock_ticket(agent, interaction_fields.get("reference"))
            if submission_token is not None:
                existing = _self_evaluation_for_token(submission_token)
                if existing is not None:
                    return _already_saved(existing, agent)
            recorded = _check_not_scored_before(
                agent, interaction_fields.get("reference"), submission_token
            )
            if recorded is not None:
                return _self_score_recorded(
                    recorded, agent, rubric, interaction_fields, ratings, comments
                )
            interaction = Interaction(
                agent=agent,
                team_id=membership.team_id,
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
                new_interaction=True,
            )
    except IntegrityError as error:
        # A concurrent twin of this submission won the race for the token. Any other conflict
        # is a fault to report, not a reused form.
        if submission_token is None or not _is_token_clash(error):
            raise
        # The twin has committed (PostgreSQL reports the conflict only then), so it is seen.
        existing = _self_evaluation_for_token(submission_token)
        if existing is None:
            raise ValidationError(TOKEN_USED) from None
        return _already_saved(existing, agent)


def _self_score_recorded(interaction, agent, rubric, interaction_fields, ratings, comments):
    """The agent's self-score of an interaction a supervisor recorded and has not reviewed yet:
    it joins that interaction, which keeps what the supervisor recorded; the agent's own
    request for a review is kept too. Marked `joined_recorded` for the page's message."""
    if interaction_fields.get("review_requested") and not interaction.review_requested:
        interaction.review_requested = True
        interaction.save(update_fields=["review_requested"])
    evaluation = _evaluation_create(
        interaction=interaction,
        rubric=rubric,
        kind=Evaluation.Kind.SELF,
        author=agent,
        ratings=ratings,
        comments=comments,
    )
    evaluation.joined_recorded = True
    return evaluation


# Names the advisory locks below (two-key form, apart from the one-key rubric version lock).
TICKET_LOCK_CLASS = 0x5449434B


def _lock_ticket(agent, reference) -> None:
    """Submissions of one ticket by one agent take turns until the transaction ends, so the
    second sees the first (its form token and its reference); other tickets go side by side."""
    key = f"{agent.pk}:{(reference or '').strip().lower()}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [TICKET_LOCK_CLASS, key])


def _already_saved(existing: Evaluation, agent) -> Evaluation:
    """The first evaluation saved with a reused form, for the same agent only."""
    if existing.interaction.agent_id != agent.pk:
        # Not this agent's token: a tampered or copied form, never a double click.
        raise ValidationError(TOKEN_USED)
    existing.already_saved = True
    return existing


def earlier_interaction(agent, reference, submission_token=None) -> Interaction | None:
    """The agent's first interaction under this ticket reference (ignoring case and surrounding
    spaces), other than the one this very form (`submission_token`) saved."""
    if not (reference or "").strip():
        return None  # the interaction's own validation names the missing reference
    earlier = selectors.interactions_with_reference(
        Interaction.objects.filter(agent=agent), reference
    )
    if submission_token is not None:
        # This very form's interaction is the token's business: a twin still in flight.
        earlier = earlier.exclude(submission_token=submission_token)
    return earlier.order_by("occurred_at", "id").first()


def reference_error(message: str, code: str, earlier: Interaction, **params) -> ValidationError:
    """An error on the reference field naming the earlier interaction of the same ticket."""
    return ValidationError(
        {
            "reference": ValidationError(
                message,
                code=code,
                params={
                    "reference": earlier.reference,
                    "interaction": earlier.pk,
                    "date": formats.date_format(timezone.localtime(earlier.occurred_at), "j M Y"),
                    **params,
                },
            )
        }
    )


def _check_not_scored_before(agent, reference, submission_token) -> Interaction | None:
    """One ticket, one self-score per agent: scoring it twice would count it twice in every
    average. References match ignoring case and surrounding spaces. A change of mind is a
    correction of the earlier score (a new revision), never a second interaction.

    A ticket a supervisor recorded for review and the agent has not self-scored is returned
    (locked): the self-score joins it. Once a supervisor has reviewed it, it is refused: a
    self-score written after reading the review would not be the agent's own judgement.

    Without a unique index over (agent, lower(btrim(reference))) the database does not enforce
    this; the ticket lock (`_lock_ticket`) makes the agent's submissions of one ticket take
    turns, and the index `interaction_agent_reference` makes the look-up quick.
    """
    earlier = earlier_interaction(agent, reference, submission_token)
    if earlier is None:
        return None
    self_scored = earlier.evaluations.filter(kind=Evaluation.Kind.SELF).exists()
    if earlier.recorded_by_id is not None and not self_scored:
        # The interaction row is the lock a review takes: a review and this self-score cannot
        # cross, whichever comes second sees the first.
        earlier = Interaction.objects.select_for_update().get(pk=earlier.pk)
        if not earlier.evaluations.filter(kind=Evaluation.Kind.REVIEW).exists():
            return earlier
        raise reference_error(REVIEWED_BEFORE_SELF_SCORE, "reviewed_first", earlier)
    raise reference_error(DUPLICATE_REFERENCE, "duplicate", earlier)


def _is_token_clash(error: IntegrityError) -> bool:
    """Whether the conflict was on the interactions' unique submission token."""
    diag = getattr(error.__cause__, "diag", None)
    return "submission_token" in (getattr(diag, "constraint_name", None) or "")


def _self_evaluation_for_token(token) -> Evaluation | None:
    """The first self-evaluation of the interaction saved with this submission token. The
    interaction and it are saved together, so a committed interaction always has one."""
    return (
        Evaluation.objects.filter(
            interaction__submission_token=token, kind=Evaluation.Kind.SELF, revision=1
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
        # The interaction row is the lock a review takes too, so a correction and a review
        # cannot cross: whichever comes second sees the first.
        Interaction.objects.select_for_update().get(pk=evaluation.interaction_id)
        current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if (
            current.kind == Evaluation.Kind.SELF
            and Evaluation.objects.filter(
                interaction_id=current.interaction_id, kind=Evaluation.Kind.REVIEW
            ).exists()
        ):
            raise ValidationError(
                "Your supervisor has reviewed this interaction, so the self-score is final. "
                "If you disagree with the review, dispute it instead."
            )
        if not current.is_current:
            raise ValidationError(
                "This score has already been corrected; open the latest version and correct that."
            )
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


def review_submit(
    *,
    interaction: Interaction,
    reviewer,
    ratings: dict[str, int | None],
    comments: dict[str, str],
    comment: str = "",
    root_causes=(),
) -> Evaluation:
    """A supervisor's blind review, on the rubric version the agent scored themselves on, or
    the current version when the agent has not self-scored the interaction. Submitted twice
    (a double click, two supervisors at once), it is stored once: the second is refused."""
    with transaction.atomic():
        # Two supervisors of one team reviewing at once: the second waits, then is refused.
        locked = Interaction.objects.select_for_update().get(pk=interaction.pk)
        if not Interaction.objects.reviewable_by(reviewer).filter(pk=locked.pk).exists():
            raise ValidationError("You can review only interactions of the teams you supervise.")
        self_evaluation = (
            locked.evaluations.filter(kind=Evaluation.Kind.SELF, is_current=True)
            .select_related("rubric")
            .first()
        )
        if locked.evaluations.filter(kind=Evaluation.Kind.REVIEW).exists():
            raise ValidationError("This interaction has already been reviewed.", code=CONFLICT)
        review = _evaluation_create(
            interaction=locked,
            rubric=review_rubric(self_evaluation),
            kind=Evaluation.Kind.REVIEW,
            author=reviewer,
            ratings=ratings,
            comments=comments,
            comment=comment.strip(),
        )
        if root_causes:
            review.root_causes.add(*root_causes)
        notices.review_submitted(review)
        return review


def review_rubric(self_evaluation: Evaluation | None) -> Rubric:
    """The version a review is scored on: the self-score's, so both compare criterion by
    criterion, or the current version for an interaction the agent has not self-scored."""
    if self_evaluation is not None:
        return self_evaluation.rubric
    return Rubric.objects.prefetch_related("criteria").current()


def coaching_comment_add(*, interaction: Interaction, author, body: str) -> CoachingComment:
    if not Interaction.objects.led_by(author).filter(pk=interaction.pk).exists():
        raise ValidationError("You can coach only the agents of the teams you lead.")
    if not interaction.evaluations.filter(kind=Evaluation.Kind.REVIEW).exists():
        raise ValidationError("Review the interaction first, then add coaching.")
    comment = CoachingComment(interaction=interaction, author=author, body=body.strip())
    if not comment.body:
        raise ValidationError({"body": "Write the coaching comment first."})
    comment.full_clean()
    with transaction.atomic():  # the comment and its audit entry, or neither
        comment.save()
    return comment


def review_mark_seen(*, interaction: Interaction, agent) -> int:
    """The agent marked the interaction's reviews read: they no longer count as unread."""
    if interaction.agent_id != agent.id:
        return 0
    unseen = list(
        interaction.evaluations.filter(
            kind=Evaluation.Kind.REVIEW, is_current=True, seen_at__isnull=True
        )
    )
    if not unseen:
        return 0
    before = {review.pk: audit.snapshot(review, ["seen_at"]) for review in unseen}
    now = timezone.now()
    with transaction.atomic():
        Evaluation.objects.filter(pk__in=before, seen_at__isnull=True).update(seen_at=now)
        reviews_seen.send(sender=Evaluation, agent=agent)
        for review in unseen:
            review.seen_at = now
            review.interaction = interaction
        audit.log_updated(unseen, before)
        notices.reviews_read(interaction, agent)
    return len(unseen)


def current_review(interaction: Interaction, *, lock: bool = False) -> Evaluation:
    reviews = interaction.evaluations.filter(kind=Evaluation.Kind.REVIEW, is_current=True)
    if lock:
        reviews = reviews.select_for_update()
    review = reviews.first()
    if review is None:
        raise ValidationError("This interaction has not been reviewed yet.")
    return review


def review_acknowledge(*, interaction: Interaction, agent) -> Evaluation:
    """The agent confirms they have read the review and accept it."""
    if interaction.agent_id != agent.id:
        raise ValidationError(
            "Only the agent who handled the interaction can acknowledge its review."
        )
    with transaction.atomic():
        review = current_review(interaction, lock=True)
        if review.acknowledged_at is not None:
            raise ValidationError("You have already acknowledged this review.")
        if Dispute.objects.open().filter(interaction=interaction).exists():
            raise ValidationError("You have disputed this review; wait for the outcome first.")
        now = timezone.now()
        unseen = review.seen_at is None
        review.acknowledged_at = now
        review.seen_at = review.seen_at or now
        with rollups.tracking(interaction.pk):
            review.save(update_fields=["acknowledged_at", "seen_at"])
        if unseen:
            reviews_seen.send(sender=Evaluation, agent=agent)
        notices.reviews_read(interaction, agent)
        return review
