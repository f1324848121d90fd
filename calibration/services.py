"""Writes of calibration: opening a session, scoring in it, the reveal and agreed ratings."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from calibration import selectors
from calibration.models import AgreedRating, CalibrationRating, CalibrationScore, CalibrationSession
from core.api import CONFLICT
from notifications.models import Kind
from notifications.services import notify
from rubrics.models import RATING_MAX, RATING_MIN, Criterion, Interaction
from teams.access import has_role
from teams.models import Role


def _leaders(usernames: list[str]) -> list:
    """The named users, each a supervisor or an admin; anyone else is refused by name."""
    names = list(dict.fromkeys(name.strip() for name in usernames if name and name.strip()))
    found = {user.username: user for user in get_user_model().objects.filter(username__in=names)}
    unknown = [name for name in names if name not in found]
    if unknown:
        raise ValidationError({"participants": f"No such people: {', '.join(unknown)}."})
    not_leaders = [name for name in names if not has_role(found[name], Role.SUPERVISOR, Role.ADMIN)]
    if not_leaders:
        raise ValidationError(
            {"participants": f"Only supervisors and admins calibrate: {', '.join(not_leaders)}."}
        )
    return [found[name] for name in names]


def calibration_session_open(
    *,
    facilitator,
    interaction_ids: list[int],
    participant_usernames: list[str],
    deadline,
    benchmark_username: str = "",
) -> CalibrationSession:
    """A supervisor or admin opens a session on interactions of teams they lead (admins: any)."""
    if not has_role(facilitator, Role.SUPERVISOR, Role.ADMIN):
        raise ValidationError("Only supervisors and admins open calibration sessions.")
    errors = {}
    if deadline is None or deadline <= timezone.now():
        errors["deadline"] = "The deadline must be in the future."
    ids = list(dict.fromkeys(interaction_ids))
    interactions = list(Interaction.objects.led_by(facilitator).filter(pk__in=ids))
    if not ids:
        errors["interactions"] = "Choose at least one interaction."
    elif len(interactions) != len(ids):
        missing = sorted(set(ids) - {each.pk for each in interactions})
        errors["interactions"] = (
            "Only interactions of the teams you lead can be calibrated (not your own); "
            f"not among them: {', '.join(map(str, missing))}."
        )
    try:
        participants = _leaders(participant_usernames)
        if len(participants) < 2:
            errors["participants"] = "Calibration needs at least two participants."
    except ValidationError as error:
        errors.update(error.message_dict)
        participants = []
    benchmark = None
    if benchmark_username:
        benchmark = next((p for p in participants if p.username == benchmark_username), None)
        if benchmark is None:
            errors["benchmark"] = "The benchmark reviewer must be one of the participants."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = CalibrationSession.objects.create(
            facilitator=facilitator, deadline=deadline, benchmark=benchmark
        )
        session.interactions.set(interactions)
        session.participants.set(participants)
        notify(
            participants,
            Kind.CALIBRATION_WAITING,
            f"Calibration session {session.pk} awaits your scores "
            f"({len(interactions)} interaction(s)).",
            reverse("calibration_detail", args=[session.pk]),
        )
    return session


def calibration_score_submit(
    *,
    session: CalibrationSession,
    participant,
    interaction: Interaction,
    ratings: dict[str, int | None],
    comments: dict[str, str] | None = None,
    comment: str = "",
) -> CalibrationScore:
    """A participant's blind scoring of one interaction of the session; once, before the reveal."""
    comments = comments or {}
    with transaction.atomic():
        locked = CalibrationSession.objects.select_for_update().get(pk=session.pk)
        if not locked.participants.filter(pk=participant.pk).exists():
            raise ValidationError("Only the session's participants score in it.")
        if not locked.interactions.filter(pk=interaction.pk).exists():
            raise ValidationError({"interaction": "That interaction is not in this session."})
        if locked.is_revealed:
            raise ValidationError(
                "This session is closed: its scores have been revealed.", code=CONFLICT
            )
        if CalibrationScore.objects.filter(
            session=locked, interaction=interaction, participant=participant
        ).exists():
            raise ValidationError(
                "You have already scored this interaction in this session.", code=CONFLICT
            )
        rubric = selectors.rubric_for(interaction)
        criteria = {criterion.key: criterion for criterion in rubric.criteria.all()}
        _check_ratings(criteria, ratings)
        for key in comments:
            if key not in criteria:
                raise ValidationError(
                    {"ratings": f"Not a criterion of rubric v{rubric.version}: {key}."}
                )
        score = CalibrationScore(
            session=locked,
            interaction=interaction,
            participant=participant,
            rubric=rubric,
            comment=comment.strip(),
        )
        score.full_clean()
        score.save()
        rows = [
            CalibrationRating(
                score=score,
                criterion=criteria[key],
                value=value,
                comment=(comments.get(key) or "").strip(),
            )
            for key, value in ratings.items()
        ]
        for row in rows:
            row.full_clean(exclude=["score"])
        CalibrationRating.objects.bulk_create(rows)
        calibration_reveal_if_due(session=locked)
        return score


def _check_ratings(criteria: dict[str, Criterion], ratings: dict) -> None:
    unknown = sorted(set(ratings) - set(criteria))
    if unknown:
        raise ValidationError({"ratings": f"Not criteria of this rubric: {', '.join(unknown)}."})
    missing = sorted(set(criteria) - set(ratings))
    if missing:
        raise ValidationError(
            {"ratings": f"Every criterion needs a rating; missing: {', '.join(missing)}."}
        )
    for key, value in ratings.items():
        if value is None:
            continue
        if type(value) is not int or not RATING_MIN <= value <= RATING_MAX:
            raise ValidationError(
                {
                    "ratings": f"{criteria[key].name} must be rated from {RATING_MIN} to {RATING_MAX}, or null for N/A."
                }
            )
    if all(value is None for value in ratings.values()):
        raise ValidationError({"ratings": "Rate at least one criterion: everything can't be N/A."})


def calibration_reveal_if_due(*, session: CalibrationSession) -> bool:
    """Reveal the session when every participant has scored every interaction, or the deadline
    has passed: compute its agreement once and tell the participants. Returns whether it did."""
    if session.revealed_at is not None:
        return False
    with transaction.atomic():
        locked = CalibrationSession.objects.select_for_update().get(pk=session.pk)
        if locked.revealed_at is not None:
            return False
        expected = locked.participants.count() * locked.interactions.count()
        if not locked.deadline_passed and locked.scores.count() < expected:
            return False
        locked.alpha, locked.alpha_by_criterion = selectors.compute_agreement(locked)
        locked.revealed_at = timezone.now()
        locked.save(update_fields=["alpha", "alpha_by_criterion", "revealed_at"])
        notify(
            [*locked.participants.all(), locked.facilitator],
            Kind.CALIBRATION_WAITING,
            f"Calibration session {locked.pk} is revealed: see everyone's ratings and the agreement.",
            reverse("calibration_detail", args=[locked.pk]),
        )
    session.refresh_from_db()
    return True


def calibration_agree(
    *,
    session: CalibrationSession,
    facilitator,
    interaction: Interaction,
    criterion_key: str,
    value: int,
    note: str,
) -> AgreedRating:
    """The facilitator records the agreed rating of one criterion, after the reveal."""
    if session.facilitator_id != facilitator.pk:
        raise ValidationError("Only the session's facilitator records agreed ratings.")
    if not session.is_revealed:
        raise ValidationError("Agree on ratings after the reveal.")
    if not session.interactions.filter(pk=interaction.pk).exists():
        raise ValidationError({"interaction": "That interaction is not in this session."})
    rubric = selectors.rubric_for(interaction)
    criterion = rubric.criteria.filter(key=criterion_key).first()
    if criterion is None:
        raise ValidationError({"criterion": f"Not a criterion of rubric v{rubric.version}."})
    if type(value) is not int or not RATING_MIN <= value <= RATING_MAX:
        raise ValidationError({"value": f"Agree on a rating from {RATING_MIN} to {RATING_MAX}."})
    if not note.strip():
        raise ValidationError(
            {"note": "Say in a line why this rating: it becomes a worked example."}
        )
    with transaction.atomic():
        agreed, _ = AgreedRating.objects.get_or_create(
            session=session,
            interaction=interaction,
            criterion=criterion,
            defaults={"value": value, "note": note.strip(), "recorded_by": facilitator},
        )
        agreed.value, agreed.note, agreed.recorded_by = value, note.strip(), facilitator
        agreed.full_clean()
        agreed.save()
    return agreed


def calibration_reveal_due() -> int:
    """Reveal every unrevealed session whose deadline has passed (the periodic task)."""
    due = CalibrationSession.objects.filter(revealed_at__isnull=True, deadline__lte=timezone.now())
    return sum(calibration_reveal_if_due(session=session) for session in due)
