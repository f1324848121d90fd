"""The rollup writes (rubrics.rollups) piece by piece: the difference a write makes, how it is
added to the stored rows, when `tracking` applies it, and what a rebuild reports. The expected
rows are worked out here from the scores the services return, not from the rollups' SQL."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from rubrics import rollups
from rubrics.models import CriterionRollup, Period, ScoreRollup
from tests.conftest import RATINGS, review, self_score

pytestmark = pytest.mark.django_db


# --- _difference ------------------------------------------------------------------------------


def test_the_difference_is_what_each_bucket_gains_or_loses():
    before = {("a",): (2, 7), ("b",): (1, 1), ("c",): (5, 5)}
    after = {("a",): (3, 7), ("c",): (5, 5), ("d",): (1, 4)}
    assert rollups._difference(before, after) == {
        ("a",): (1, 0),
        ("b",): (-1, -1),
        ("d",): (1, 4),
    }


def test_no_change_makes_no_difference():
    assert rollups._difference({("a",): (1, 2)}, {("a",): (1, 2)}) == {}
    assert rollups._difference({}, {}) == {}


# --- tracking, through the services -----------------------------------------------------------


def day_row(model, agent, **key):
    today = timezone.localdate()
    return model.objects.get(
        period=Period.DAY, starts_on=today, team=agent.membership.team, agent=agent, **key
    )


def test_a_self_score_adds_one_to_each_of_its_buckets(agent):
    evaluation = self_score(agent, days_ago=0)
    row = day_row(ScoreRollup, agent, kind="self")
    assert (row.n, row.score_sum, row.percent_sum) == (1, evaluation.score, evaluation.percent)
    team_row = ScoreRollup.objects.get(
        period=Period.DAY, starts_on=row.starts_on, team=row.team, agent=None, kind="self"
    )
    assert team_row.n == 1
    # A day, a week, a month, a quarter and a year; for the agent and for the team.
    assert ScoreRollup.objects.filter(kind="self").count() == 10
    criterion = day_row(CriterionRollup, agent, criterion__key="empathy")
    assert (criterion.self_n, criterion.self_sum) == (1, RATINGS["empathy"])


def test_a_review_adds_the_review_and_the_paired_self_score(agent, supervisor):
    evaluation = self_score(agent, days_ago=0)
    reviewed = review(evaluation.interaction, supervisor, {**RATINGS, "empathy": 2})
    assert day_row(ScoreRollup, agent, kind="review").score_sum == reviewed.score
    assert day_row(ScoreRollup, agent, kind=rollups.PAIRED).score_sum == evaluation.score
    assert day_row(ScoreRollup, agent, kind="self").n == 1  # unchanged
    criterion = day_row(CriterionRollup, agent, criterion__key="empathy")
    assert (criterion.self_n, criterion.review_n, criterion.review_sum) == (1, 1, 2)
    assert (criterion.paired_self_n, criterion.paired_self_sum) == (1, RATINGS["empathy"])


def test_a_write_inside_an_outer_tracking_of_the_same_interaction_is_counted_once(
    agent, supervisor
):
    interaction = self_score(agent, days_ago=0).interaction
    with rollups.tracking(interaction.pk):
        with rollups.tracking(interaction.pk):
            review(interaction, supervisor)
    assert day_row(ScoreRollup, agent, kind="review").n == 1
    assert rollups.stored() == rollups.expected()


def test_tracking_ends_cleanly_after_a_failed_write(agent, supervisor):
    interaction = self_score(agent, days_ago=0).interaction
    with pytest.raises(RuntimeError):
        with rollups.tracking(interaction.pk):
            raise RuntimeError("the write failed")
    review(interaction, supervisor)
    assert day_row(ScoreRollup, agent, kind="review").n == 1


def test_tracking_works_in_a_thread_that_has_not_tracked_before(agent):
    interaction = self_score(agent, days_ago=0).interaction
    failures = []

    def track():
        try:
            with rollups.tracking(interaction.pk):
                pass
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=track)
    thread.start()
    thread.join()
    assert failures == []


def test_a_bucket_left_empty_is_deleted(agent):
    self_score(agent, days_ago=0)
    key = ("D", timezone.localdate(), agent.membership.team.pk, agent.pk, "self")
    stored = rollups.stored()["ScoreRollup"][key]
    minus = tuple(-value for value in stored)
    rollups._apply(ScoreRollup, rollups.SCORE_KEYS, rollups.SCORE_SUMS, "n = 0", {key: minus})
    assert key not in rollups.stored()["ScoreRollup"]
    assert ScoreRollup.objects.filter(kind="self").count() == 9


def test_applying_no_difference_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        rollups._apply(ScoreRollup, rollups.SCORE_KEYS, rollups.SCORE_SUMS, "n = 0", {})


# --- rebuild ----------------------------------------------------------------------------------


def test_a_rebuild_reports_the_rows_it_wrote_and_writes_what_tracking_did(agent, supervisor):
    interaction = self_score(agent, days_ago=0).interaction
    review(interaction, supervisor)
    kept = rollups.stored()
    ScoreRollup.objects.all().delete()
    CriterionRollup.objects.all().delete()
    written = rollups.rebuild()
    assert written == {
        "ScoreRollup": ScoreRollup.objects.count(),
        "CriterionRollup": CriterionRollup.objects.count(),
    }
    # self, review and paired, over 5 periods, for the agent and the team.
    assert written["ScoreRollup"] == 3 * 5 * 2
    assert rollups.stored() == kept
