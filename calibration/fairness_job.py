"""The nightly fairness audit: reads the current reviews of each period once and stores the
table (`FairnessRow`) that the page and the CSV read, so no request scans the evaluations."""

import statistics
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from calibration import selectors
from calibration.fairness import Review, compare
from calibration.models import CalibrationSession, FairnessRow
from rubrics.models import Channel, Dispute, Evaluation
from teams.models import Team

PERIODS = (30, 90, 365)
ACCEPTED = (Dispute.Status.ACCEPTED, Dispute.Status.PARTLY_ACCEPTED)


def _reviews(since) -> list[Review]:
    own = Evaluation.objects.filter(
        interaction=OuterRef("interaction"), kind=Evaluation.Kind.SELF, is_current=True
    ).values("percent")[:1]
    rows = (
        Evaluation.objects.filter(
            kind=Evaluation.Kind.REVIEW, is_current=True, interaction__occurred_at__gte=since
        )
        .annotate(self_percent=Subquery(own))
        .values_list(
            "author_id",
            "interaction__agent_id",
            "interaction__team_id",
            "interaction__channel",
            "percent",
            "self_percent",
        )
    )
    return [
        Review(a, b, c, d, float(e), None if f is None else float(f))
        for a, b, c, d, e, f in rows.iterator(chunk_size=5000)
    ]


def _disputes(since, team=None) -> dict[int, tuple[int, int, int]]:
    """Per reviewer: (disputed reviews, disputes settled, settled by accepting wholly or partly)."""
    disputes = Dispute.objects.filter(interaction__occurred_at__gte=since)
    if team is not None:
        disputes = disputes.filter(interaction__team=team)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for author, status in disputes.values_list("review__author_id", "status"):
        counts[author][0] += 1
        counts[author][1] += status != Dispute.Status.OPEN
        counts[author][2] += status in ACCEPTED
    return {author: tuple(each) for author, each in counts.items()}


def _calibration_deviation(since) -> dict[int, float]:
    """Per participant: the mean distance from the reference over sessions revealed since."""
    distances: dict[int, list[float]] = defaultdict(list)
    for session in CalibrationSession.objects.filter(revealed_at__gte=since):
        for person, value in selectors.revealed_table(session)["mean_deviation"]:
            if value is not None:
                distances[person.pk].append(value)
    return {pk: statistics.mean(values) for pk, values in distances.items()}


def _one_place(value) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 1)))


def fairness_refresh(*, now=None) -> int:
    """Recompute and store the audit for every period and scope. Returns the rows stored."""
    now = now or timezone.now()
    names = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.all()
    }
    teams = {team.pk: team for team in Team.objects.all()}
    stored = []
    for days in PERIODS:
        since = now - timedelta(days=days)
        reviews = _reviews(since)
        deviation = _calibration_deviation(since)
        scopes = [(None, reviews)] + [
            (team, [r for r in reviews if r.team == team.pk]) for team in teams.values()
        ]
        labels = {("team", pk): each.name for pk, each in teams.items()}
        labels |= {(kind, pk): name for pk, name in names.items() for kind in ("reviewer", "agent")}
        labels |= {("channel", value): label for value, label in Channel.choices}
        for team, scoped in scopes:
            disputes = _disputes(since, team)
            for comparison in compare(scoped, labels):
                count = comparison.extra["reviews"]
                disputed = overturned = calibration = None
                if comparison.kind == "reviewer":
                    reviewer = int(comparison.key)
                    raised, settled, accepted = disputes.get(reviewer, (0, 0, 0))
                    disputed = Decimal(raised / count).quantize(Decimal("0.001")) if count else None
                    overturned = (
                        Decimal(accepted / settled).quantize(Decimal("0.001")) if settled else None
                    )
                    calibration = deviation.get(reviewer)
                stored.append(
                    FairnessRow(
                        team=team,
                        days=days,
                        kind=comparison.kind,
                        key=comparison.key,
                        label=comparison.label[:200],
                        reviews=count,
                        mean_percent=_one_place(comparison.extra["mean_percent"]),
                        difference=_one_place(comparison.difference),
                        p_adjusted=comparison.p_adjusted,
                        flagged=comparison.flagged,
                        words=comparison.words[:400],
                        self_review_gap=_one_place(comparison.extra.get("gap")),
                        disputed_share=disputed,
                        overturned_share=overturned,
                        calibration_deviation=None
                        if calibration is None
                        else Decimal(str(round(calibration, 2))),
                        computed_at=now,
                    )
                )
    with transaction.atomic():
        FairnessRow.objects.all().delete()
        FairnessRow.objects.bulk_create(stored, batch_size=1000)
    return len(stored)
