"""The dashboards' rollups as the writes keep them equal a rebuild from scratch, and any date
window adds up from them.

The stored rows and the rebuild come from the same SQL (`rubrics.rollups`): comparing them
catches a write that changes what an interaction contributes without `tracking`, not a wrong
sum, band or day in that SQL. The figures themselves are held to plain Python in
tests/test_oracles.py and tests/test_oracles_pages.py."""

import random
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.dates import date_window
from reports.rollups import (
    LONG_PERIODS,
    WEEKS_AND_DAYS,
    _buckets,
    _period_start,
    rollup_window,
)
from rubrics import rollups
from rubrics.disputes import dispute_raise, dispute_resolve
from rubrics.models import Dispute, Evaluation, Period, Rubric, ScoreRollup
from rubrics.services import evaluation_revise, review_acknowledge
from tests.conftest import RATINGS, low_comments, make_user, review, self_score

pytestmark = pytest.mark.django_db

KEYS = list(RATINGS)


def random_ratings(rng):
    ratings = {key: rng.randint(1, 5) for key in KEYS}
    optional = Rubric.objects.current().criteria.filter(allows_na=True)
    if optional and rng.random() < 0.2:
        ratings[rng.choice(optional).key] = None  # not applicable
    return ratings


def test_random_writes_keep_rollups_equal_to_a_rebuild(north, south, supervisor, other_supervisor):
    rng = random.Random(20261125)
    agents = [make_user(f"agent{n}", "Agent", team=north if n % 2 else south) for n in range(4)]
    reviewer_of = {north.pk: supervisor, south.pk: other_supervisor}
    interactions = []
    for step in range(120):
        action = rng.random()
        if action < 0.45 or not interactions:
            agent = rng.choice(agents)
            evaluation = self_score(
                agent, random_ratings(rng), days_ago=rng.randint(0, 20), reference=f"R-{step}"
            )
            interactions.append(evaluation.interaction)
            continue
        interaction = rng.choice(interactions)
        current = {e.kind: e for e in interaction.evaluations.filter(is_current=True)}
        reviewer = reviewer_of[interaction.team_id]
        if "review" not in current and action < 0.7:
            review(interaction, reviewer, random_ratings(rng))
        elif "review" not in current:
            ratings = random_ratings(rng)
            evaluation_revise(
                evaluation=current["self"],
                author=interaction.agent,
                ratings=ratings,
                comments=low_comments(ratings),
                reason="Misclicked",
            )
        elif not hasattr(interaction, "dispute") and action < 0.85:
            ratings = random_ratings(rng)
            evaluation_revise(
                evaluation=current["review"],
                author=reviewer,
                ratings=ratings,
                comments=low_comments(ratings),
                reason="Second listen",
            )
        elif current["review"].acknowledged_at is None and action < 0.9:
            if not Dispute.objects.filter(interaction=interaction, status="open").exists():
                review_acknowledge(interaction=interaction, agent=interaction.agent)
        elif (
            current["review"].acknowledged_at is None
            and not Dispute.objects.filter(interaction=interaction).exists()
        ):
            given = current["review"].ratings.select_related("criterion")
            low = next(
                (r.criterion.key for r in given if r.value is not None and r.value < 5), None
            )
            if low is None:
                continue
            dispute = dispute_raise(
                interaction=interaction,
                agent=interaction.agent,
                reason="Listen again",
                proposed={low: 5},
            )
            if rng.random() < 0.5:
                continue  # left open
            dispute_resolve(
                dispute=dispute,
                resolver=reviewer,
                decision=Dispute.Status.ACCEPTED,
                reason="Fair point",
            )
        interaction.refresh_from_db()

    # Whatever the dice said, one dispute is left open and one review acknowledged.
    waiting = [
        i
        for i in interactions
        if i.evaluations.filter(kind="review", acknowledged_at__isnull=True).exists()
        and not Dispute.objects.filter(interaction=i).exists()
    ]
    first_review = waiting[0].evaluations.get(kind="review", is_current=True)
    low = first_review.ratings.filter(value__lt=5).select_related("criterion").first()
    dispute_raise(
        interaction=waiting[0],
        agent=waiting[0].agent,
        reason="Listen again",
        proposed={low.criterion.key: 5},
    )
    review_acknowledge(interaction=waiting[1], agent=waiting[1].agent)

    assert Evaluation.objects.filter(is_current=False).exists()  # revisions happened
    assert Dispute.objects.filter(status=Dispute.Status.ACCEPTED).exists()
    assert Dispute.objects.filter(status=Dispute.Status.OPEN).exists()
    assert Evaluation.objects.filter(acknowledged_at__isnull=False).exists()
    assert rollups.stored() == rollups.expected()
    assert rollups.stored()["ScoreRollup"], "the rollups are not empty"


def test_windows_add_up_months_weeks_and_edge_days(agent, supervisor):
    """Any window, mid-week or mid-month, counts each evaluation once, for the agent and for
    the team, and the weekly trend (no months) agrees."""
    for days_ago in range(0, 130):
        self_score(agent, days_ago=days_ago, reference=f"W-{days_ago}")
    today = timezone.localdate()
    windows = [(0, 1), (1, 10), (3, 40), (5, 70), (0, 90), (12, 100), (2, 127)]
    # Windows reaching past today (which may end with the month: nothing is in the future).
    windows += [(-30, 100), (-400, 500), (-10, 5)]
    for since, length in windows:
        start, end = date_window(
            today - timedelta(days=since + length - 1), today - timedelta(days=since)
        )
        raw = Evaluation.objects.filter(
            interaction__occurred_at__gte=start, interaction__occurred_at__lt=end
        ).count()
        for options in [{}, {"per_agent": True}, {"months": False}]:
            rows = rollup_window(ScoreRollup, start, end, **options)
            assert (length, options, sum(rows.values_list("n", flat=True))) == (
                length,
                options,
                raw,
            )
        assert raw == len(range(max(since, 0), since + length))


def test_a_year_to_the_end_of_this_year_is_a_few_rows():
    D, M, Y = Period.DAY, Period.MONTH, Period.YEAR
    assert _buckets(date(2025, 11, 26), date(2027, 1, 1), LONG_PERIODS) == [
        (D, date(2025, 11, 26), date(2025, 12, 1)),
        (M, date(2025, 12, 1), date(2026, 1, 1)),
        (Y, date(2026, 1, 1), date(2027, 1, 1)),
    ]


@pytest.mark.parametrize("periods", [LONG_PERIODS, WEEKS_AND_DAYS])
def test_buckets_tile_any_window_with_whole_periods(periods):
    rng = random.Random(7)
    for _ in range(500):
        first = date(2024, 1, 1) + timedelta(days=rng.randint(0, 800))
        last = first + timedelta(days=rng.randint(0, 800))
        buckets = _buckets(first, last, periods)
        covered = first
        for period, since, until in buckets:
            assert period in periods and since == covered and since < until
            assert _period_start(period, since) == since
            assert period == Period.DAY or _period_start(period, until) == until
            covered = until
        assert covered == last


def test_rebuild_rollups_command(agent):
    self_score(agent)
    ScoreRollup.objects.all().delete()
    with pytest.raises(CommandError, match="differ"):
        call_command("rebuild_rollups", "--check", stdout=StringIO())
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    # A day, a week, a month, a quarter and a year, each for the agent and for the team.
    assert "Rebuilt the rollups: 10 ScoreRollup" in out.getvalue()
    call_command("rebuild_rollups", "--check", stdout=out)
    assert "match" in out.getvalue()


def test_the_migration_fills_the_paired_rows_as_the_rollups_would(agent, supervisor, south):
    """Migration 0008 adds the "paired" score rows to rollups built before that kind existed."""
    import importlib

    from django.db import connection

    migration = importlib.import_module(
        "rubrics.migrations.0008_review_requested_and_paired_rollups"
    )
    oscar = make_user("oscar2", "Agent", team=south)
    for number, days_ago in enumerate([0, 3, 9, 40, 400 - 35]):
        evaluation = self_score(agent, days_ago=days_ago % 365, reference=f"M-{number}")
        if number % 2 == 0:
            review(evaluation.interaction, supervisor)
    self_score(oscar, reference="M-SOUTH")
    expected = rollups.expected()["ScoreRollup"]
    paired = {key: value for key, value in expected.items() if key[4] == rollups.PAIRED}
    assert paired  # the reviewed interactions give paired rows
    ScoreRollup.objects.filter(kind=rollups.PAIRED).delete()

    with connection.schema_editor() as editor:
        migration.add_paired_rows(None, editor)

    assert rollups.stored()["ScoreRollup"] == expected
