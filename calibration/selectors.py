"""Reads of calibration: whose sessions, the blind view before the reveal, the table after it."""

import statistics
from collections import defaultdict

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from calibration.agreement import as_text, interval_alpha
from calibration.models import AgreedRating, CalibrationRating, CalibrationScore, CalibrationSession
from rubrics.models import Evaluation, Interaction, Rubric
from rubrics.worked_examples import WorkedExample

EXAMPLES_PER_CRITERION = 3
TREND_SESSIONS = 5


def get_session_for_user(user, pk) -> CalibrationSession:
    """A session `user` facilitates or takes part in; for anyone else it does not exist."""
    sessions = CalibrationSession.objects.visible_to(user).select_related(
        "facilitator", "benchmark"
    )
    return get_object_or_404(sessions, pk=pk)


def sessions_of(user):
    return (
        CalibrationSession.objects.visible_to(user)
        .select_related("facilitator")
        .annotate(
            interaction_count=Count("interactions", distinct=True),
            participant_count=Count("participants", distinct=True),
            score_count=Count("scores", distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def rubric_for(interaction: Interaction) -> Rubric:
    """The rubric version the agent self-scored on; the current one if there is no self-score."""
    own = (
        Evaluation.objects.filter(
            interaction=interaction, kind=Evaluation.Kind.SELF, is_current=True
        )
        .select_related("rubric")
        .first()
    )
    rubric = own.rubric if own else Rubric.objects.current()
    return Rubric.objects.prefetch_related("criteria").get(pk=rubric.pk)


def interactions_of(session: CalibrationSession) -> list[Interaction]:
    return list(session.interactions.order_by("occurred_at", "id"))


def progress(session: CalibrationSession) -> dict:
    """Who has finished (scored every interaction): names only, never a rating."""
    total = session.interactions.count()
    counts = dict(
        session.scores.values("participant").annotate(n=Count("id")).values_list("participant", "n")
    )
    participants = list(session.participants.order_by("username"))
    return {
        "participants": [
            {"user": p, "scored": counts.get(p.pk, 0), "finished": counts.get(p.pk, 0) >= total}
            for p in participants
        ],
        "total": total,
    }


def scores_by(session: CalibrationSession, participant) -> dict[int, CalibrationScore]:
    """The participant's own scores in the session, by interaction id."""
    scores = session.scores.filter(participant=participant).prefetch_related(
        Prefetch("ratings", queryset=CalibrationRating.objects.select_related("criterion"))
    )
    return {score.interaction_id: score for score in scores}


def _all_ratings(session: CalibrationSession):
    return (
        CalibrationRating.objects.filter(score__session=session)
        .select_related("criterion", "score", "score__participant")
        .order_by("score__interaction_id", "criterion__position", "score__participant__username")
    )


def units_of(session: CalibrationSession) -> tuple[dict, list]:
    """({(interaction id, criterion key): {participant id: value}}, participant ids)."""
    coders = list(session.participants.order_by("pk").values_list("pk", flat=True))
    units: dict = defaultdict(dict)
    for rating in _all_ratings(session):
        units[(rating.score.interaction_id, rating.criterion.key)][rating.score.participant_id] = (
            rating.value
        )
    return dict(units), coders


def units_by_criterion(units: dict) -> dict[str, dict]:
    grouped: dict[str, dict] = defaultdict(dict)
    for (interaction_id, key), unit in units.items():
        grouped[key][(interaction_id, key)] = unit
    return dict(grouped)


def compute_agreement(session: CalibrationSession) -> tuple:
    """(alpha over all units, {criterion key: "0.812" or None}) from the session's ratings."""
    units, coders = units_of(session)
    by_criterion = {
        key: as_text(interval_alpha(criterion_units, coders))
        for key, criterion_units in units_by_criterion(units).items()
    }
    return interval_alpha(units, coders), by_criterion


def agreement(session: CalibrationSession) -> tuple:
    """The stored figures once the reveal is recorded; computed, not stored, in the minutes
    between the deadline and the periodic task that records it."""
    if session.revealed_at is not None:
        return session.alpha, session.alpha_by_criterion
    return compute_agreement(session)


def ratings_list(session: CalibrationSession) -> list[dict]:
    """Every rating after the reveal: {interaction, participant, criterion, value}."""
    return [
        {
            "interaction": rating.score.interaction_id,
            "participant": rating.score.participant.username,
            "criterion": rating.criterion.key,
            "value": rating.value,
        }
        for rating in _all_ratings(session)
    ]


def revealed_table(session: CalibrationSession) -> dict:
    """Per interaction and criterion: each participant's rating side by side, the spread, the
    reference (benchmark's rating, else the median) and each rating's deviation from it."""
    participants = list(session.participants.order_by("username"))
    interactions = interactions_of(session)
    cells: dict = defaultdict(dict)
    criteria_of: dict[int, dict] = defaultdict(dict)
    for rating in _all_ratings(session):
        key = (rating.score.interaction_id, rating.criterion.key)
        cells[key][rating.score.participant_id] = rating.value
        criteria_of[rating.score.interaction_id].setdefault(rating.criterion.key, rating.criterion)
    agreed = {
        (each.interaction_id, each.criterion.key): each
        for each in session.agreed.select_related("criterion")
    }
    deviations: dict[int, list[float]] = defaultdict(list)
    blocks = []
    for interaction in interactions:
        rows = []
        for key, criterion in criteria_of.get(interaction.pk, {}).items():
            unit = cells[(interaction.pk, key)]
            values = [v for v in unit.values() if v is not None]
            if session.benchmark_id is not None and unit.get(session.benchmark_id) is not None:
                reference, reference_kind = unit[session.benchmark_id], "benchmark"
            elif values:
                reference, reference_kind = statistics.median(values), "median"
            else:
                reference, reference_kind = None, ""
            row_cells = []
            for participant in participants:
                value = unit.get(participant.pk)
                deviation = None if value is None or reference is None else value - reference
                if deviation is not None:
                    deviations[participant.pk].append(abs(deviation))
                row_cells.append({"value": value, "deviation": deviation})
            rows.append(
                {
                    "criterion": criterion,
                    "cells": row_cells,
                    "min": min(values) if values else None,
                    "max": max(values) if values else None,
                    "sd": round(statistics.stdev(values), 2) if len(values) >= 2 else None,
                    "reference": reference,
                    "reference_kind": reference_kind,
                    "agreed": agreed.get((interaction.pk, key)),
                }
            )
        blocks.append({"interaction": interaction, "rows": rows})
    return {
        "participants": participants,
        "blocks": blocks,
        "mean_deviation": [
            (p, round(statistics.mean(deviations[p.pk]), 2) if deviations[p.pk] else None)
            for p in participants
        ],
    }


def alpha_trend(user, *, limit: int = TREND_SESSIONS) -> dict:
    """Alpha per criterion over the user's last revealed sessions, oldest first."""
    sessions = list(
        CalibrationSession.objects.visible_to(user)
        .filter(revealed_at__isnull=False)
        .order_by("-revealed_at", "-id")[:limit]
    )[::-1]
    keys = sorted({key for session in sessions for key in session.alpha_by_criterion})
    return {
        "sessions": sessions,
        "rows": [
            {"key": key, "values": [session.alpha_by_criterion.get(key) for session in sessions]}
            for key in keys
        ],
    }


def worked_examples(keys: list[str]) -> list[WorkedExample]:
    """The newest agreed ratings per criterion key, for the scoring and review pages."""
    agreed = (
        AgreedRating.objects.filter(criterion__key__in=keys)
        .select_related("interaction", "criterion")
        .order_by("-recorded_at", "-id")[: EXAMPLES_PER_CRITERION * max(len(keys), 1)]
    )
    examples, per_key = [], defaultdict(int)
    for each in agreed:
        if per_key[each.criterion.key] >= EXAMPLES_PER_CRITERION:
            continue
        per_key[each.criterion.key] += 1
        examples.append(
            WorkedExample(
                criterion_key=each.criterion.key,
                level=each.value,
                reference=each.interaction.reference,
                topic=each.interaction.topic,
                note=each.note,
            )
        )
    return examples
