"""Writes that span several models: scoring, correcting, reviewing and disputing."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, Value, Window
from django.db.models.functions import Cast, Concat, Random, RowNumber
from django.utils import timezone

from ethicskit import pagecache
from rubrics import rollups
from rubrics.models import (
    RATING_MAX,
    RATING_MIN,
    CoachingComment,
    Dispute,
    DisputeItem,
    Evaluation,
    Interaction,
    Rating,
    ReviewSample,
    Rubric,
)
from teams import audit

LOW_RATING_NEEDS_COMMENT = 2
COMMENT_MAX_LENGTH = 1000
TOKEN_USED = (
    "This form has already been used to record another interaction. Nothing was saved: "
    "reload the page and score the interaction again."
)


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
    new_interaction: bool = False,
) -> Evaluation:
    result = rubric.score(ratings)
    _check_comments(rubric, ratings, comments)
    with rollups.tracking(interaction.pk, new=new_interaction):
        if supersedes is not None:
            supersedes.is_current = False
            supersedes.save(update_fields=["is_current"])
        return _evaluation_save(
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
        flagged=result.critical_fail
        or any(
            value is not None and value <= LOW_RATING_NEEDS_COMMENT for value in ratings.values()
        ),
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
        # One read: with two (this agent's evaluation, then any interaction with the token),
        # a twin that commits between them looked like somebody else's use of the form.
        existing = _self_evaluation_for_token(submission_token)
        if existing is not None:
            if existing.interaction.agent_id != agent.pk:
                # Not this agent's token: a tampered or copied form, never a double click.
                raise ValidationError(TOKEN_USED)
            return existing
    try:
        with transaction.atomic():
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
        if existing is None or existing.interaction.agent_id != agent.pk:
            raise ValidationError(TOKEN_USED) from None
        return existing


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


REVIEW_SAMPLE_DAYS = 7


def review_sample(*, teams, per_agent: int, sampled_by=None, now=None) -> int:
    """Pick up to `per_agent` random unreviewed, self-scored interactions per agent from the
    last 7 days for review. An interaction is never picked twice. Returns how many were picked.
    """
    if type(per_agent) is not int or per_agent < 1:
        raise ValidationError("Pick at least 1 interaction per agent.")
    now = now or timezone.now()
    self_scored = Evaluation.objects.filter(
        interaction=OuterRef("pk"), kind=Evaluation.Kind.SELF, is_current=True
    )
    reviewed = Evaluation.objects.filter(interaction=OuterRef("pk"), kind=Evaluation.Kind.REVIEW)
    picked = list(
        Interaction.objects.filter(
            team__in=teams,
            occurred_at__gte=now - timedelta(days=REVIEW_SAMPLE_DAYS),
            occurred_at__lte=now,
            review_sample__isnull=True,
        )
        .filter(Exists(self_scored))
        .exclude(Exists(reviewed))
        .annotate(pick=Window(RowNumber(), partition_by=[F("agent_id")], order_by=Random()))
        .filter(pick__lte=per_agent)
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        # A concurrent sampling may have picked some of these meanwhile; they stay picked once.
        before = ReviewSample.objects.filter(interaction_id__in=picked).count()
        ReviewSample.objects.bulk_create(
            [ReviewSample(interaction_id=pk, sampled_by=sampled_by) for pk in picked],
            ignore_conflicts=True,
        )
    return len(picked) - before


def review_submit(
    *,
    interaction: Interaction,
    reviewer,
    ratings: dict[str, int | None],
    comments: dict[str, str],
    comment: str = "",
) -> Evaluation:
    """A supervisor's blind review, on the rubric version the agent scored themselves on."""
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
        if self_evaluation is None:
            raise ValidationError(
                "This interaction has no self-score yet, so it cannot be reviewed."
            )
        if locked.evaluations.filter(kind=Evaluation.Kind.REVIEW).exists():
            raise ValidationError("This interaction has already been reviewed.")
        return _evaluation_create(
            interaction=locked,
            rubric=self_evaluation.rubric,
            kind=Evaluation.Kind.REVIEW,
            author=reviewer,
            ratings=ratings,
            comments=comments,
            comment=comment.strip(),
        )


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
    """The agent opened the interaction: its reviews are no longer unread."""
    if interaction.agent_id != agent.id:
        return 0
    unseen = list(interaction.evaluations.filter(kind=Evaluation.Kind.REVIEW, seen_at__isnull=True))
    if not unseen:
        return 0
    before = {review.pk: audit.snapshot(review, ["seen_at"]) for review in unseen}
    now = timezone.now()
    with transaction.atomic():
        Evaluation.objects.filter(pk__in=before, seen_at__isnull=True).update(seen_at=now)
        pagecache.invalidate(pagecache.home_key(agent.pk))  # its unread badge
        for review in unseen:
            review.seen_at = now
            review.interaction = interaction
        audit.log_updated(unseen, before)
    return len(unseen)


def _current_review(interaction: Interaction, *, lock: bool = False) -> Evaluation:
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
        review = _current_review(interaction, lock=True)
        if review.acknowledged_at is not None:
            raise ValidationError("You have already acknowledged this review.")
        if Dispute.objects.open().filter(interaction=interaction).exists():
            raise ValidationError("You have disputed this review; wait for the outcome first.")
        now = timezone.now()
        review.acknowledged_at = now
        review.seen_at = review.seen_at or now
        with rollups.tracking(interaction.pk):
            review.save(update_fields=["acknowledged_at", "seen_at"])
        return review


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
            review = _current_review(interaction, lock=True)
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
        low, high = sorted([item.original_value or RATING_MIN, item.proposed_value])
        if type(value) is not int or not low <= value <= high:
            errors[item.criterion.key] = (
                f"Give {item.criterion.name} a rating from {low} (the review) "
                f"to {high} (the agent's proposal)."
            )
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


# --- Retention ------------------------------------------------------------------------------------

RETENTION_MINIMUM_DAYS = 30
# Required text fields get this note instead of nothing, so the record still reads sensibly.
PURGED_TEXT = "Removed after the retention period."


def _purge_specs():
    """What the purge clears, per model: the path to the interaction, the cleared values, and
    the relations its description needs (descriptions of some rows quote the reference)."""
    from checklists.models import ChecklistAnswer

    return [
        (Interaction, "pk", {"reference": None, "topic": PURGED_TEXT, "summary": ""}, []),
        (Evaluation, "interaction", {"comment": "", "revision_reason": ""}, ["interaction"]),
        (Rating, "evaluation__interaction", {"comment": ""}, ["criterion"]),
        (CoachingComment, "interaction", {"body": PURGED_TEXT}, ["interaction", "author"]),
        (Dispute, "interaction", {"reason": PURGED_TEXT, "resolution_reason": ""}, ["interaction"]),
        # A "no" answer must keep a note (a database constraint), so it gets the marker.
        (ChecklistAnswer, "run__interaction", {"note": PURGED_TEXT}, []),
    ]


@dataclass
class PurgeReport:
    cutoff: datetime
    applied: bool = False
    cleared: dict[str, int] = field(default_factory=dict)  # model label -> rows with text

    @property
    def total(self) -> int:
        return sum(self.cleared.values())


def interactions_purge(*, older_than_days: int, apply: bool = False, now=None) -> PurgeReport:
    """Clear the free text and helpdesk references of interactions that happened more than
    `older_than_days` ago, keeping every score, rating value, status and date.

    Without `apply` nothing changes: the report counts what would be cleared. With it, all of
    it is cleared in one transaction, the same text is blanked out of the audit log's earlier
    entries about those rows, and the purge itself is logged without the text.
    """
    if type(older_than_days) is not int or older_than_days < RETENTION_MINIMUM_DAYS:
        raise ValidationError(
            f"Keep at least {RETENTION_MINIMUM_DAYS} days: disputes and reviews of recent "
            "interactions still need their notes."
        )
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    report = PurgeReport(cutoff=cutoff, applied=apply)
    old = Interaction.objects.filter(occurred_at__lt=cutoff)
    newly_purged: list[int] = []
    with transaction.atomic():
        for model, path, cleared, related in _purge_specs():
            values = {name: _cleared_expression(value) for name, value in cleared.items()}
            rows = model.objects.filter(**{f"{path}__in": old})
            holding_text = Q()
            for name, value in values.items():
                holding_text |= ~Q(**{name: ""}) & ~Q(**{name: value})
            if model is Interaction:
                rows = rows.filter(holding_text).select_for_update()
            else:
                # Their descriptions quote the reference, so their audit entries are redone too.
                rows = rows.filter(holding_text | Q(**{f"{path}__in": newly_purged}))
            before = {
                pk: dict(zip(cleared, texts, strict=True))
                for pk, *texts in rows.values_list("pk", *cleared)
            }
            changed = {
                pk: [
                    name
                    for name, text in texts.items()
                    if text and text != _cleared_value(cleared, name, pk)
                ]
                for pk, texts in before.items()
            }
            changed = {pk: names for pk, names in changed.items() if names}
            if model is Interaction:
                newly_purged = list(changed)
            report.cleared[model._meta.label] = len(changed)
            if not apply or not before:
                continue
            for name, value in values.items():
                # Empty text stays empty; only text that was there is replaced.
                model.objects.filter(pk__in=changed).exclude(**{name: ""}).update(**{name: value})
            audit.redact(model, before, fields=list(cleared), related=related)
            audit.log_changes(
                model.objects.filter(pk__in=changed).select_related(*related).order_by("pk"),
                {
                    pk: {
                        name: [audit.REDACTED, _cleared_value(cleared, name, pk)] for name in names
                    }
                    for pk, names in changed.items()
                },
            )
    return report


def _cleared_expression(value):
    return Concat(Value("purged-"), Cast("pk", CharField())) if value is None else value


def _cleared_value(cleared: dict, name: str, pk: int) -> str:
    return f"purged-{pk}" if cleared[name] is None else cleared[name]
