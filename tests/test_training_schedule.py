"""Spaced repetition: what comes back in the practice set, and when (on a fixed clock)."""

from datetime import UTC, datetime, timedelta

import pytest

from training.models import Dilemma, Verdict
from training.schedule import schedule_of
from training.selectors import practice_set
from training.services import attempt_record

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_never_answered_is_new_and_due():
    assert schedule_of([]).state == "new"
    assert schedule_of([]).is_due(START)


def test_best_at_first_sight_is_learnt():
    assert schedule_of([(START, True)]).state == "learnt"


def test_a_miss_comes_back_after_one_then_three_days_and_two_bests_retire_it():
    after_miss = schedule_of([(START, False)])
    assert after_miss.due_at == START + DAY
    assert not after_miss.is_due(START + DAY - timedelta(seconds=1))
    first_best = schedule_of([(START, False), (START + DAY, True)])
    assert first_best.due_at == START + 4 * DAY
    second_best = schedule_of([(START, False), (START + DAY, True), (START + 4 * DAY, True)])
    assert second_best.state == "learnt"


def test_misses_stretch_the_wait_to_seven_days():
    answers = [(START, False), (START + DAY, False)]
    assert schedule_of(answers).due_at == START + 4 * DAY
    answers.append((START + 4 * DAY, True))
    assert schedule_of(answers).due_at == START + 11 * DAY
    answers.append((START + 11 * DAY, True))
    assert schedule_of(answers).state == "learnt"


def test_acceptable_counts_as_wrong():
    # Only the best response counts as right; the view passes is_best from the verdict.
    assert schedule_of([(START, Verdict.ACCEPTABLE == Verdict.BEST)]).state == "learning"


def test_trying_again_on_the_spot_does_not_retire_a_miss():
    answers = [
        (START, False),
        (START + timedelta(minutes=1), True),
        (START + timedelta(minutes=2), True),
    ]
    schedule = schedule_of(answers)
    assert schedule.state == "learning"
    assert schedule.due_at == START + DAY


def test_a_miss_after_learning_starts_over():
    answers = [(START, True), (START + 10 * DAY, False)]
    assert schedule_of(answers).due_at == START + 11 * DAY


@pytest.mark.django_db
def test_practice_set_brings_a_miss_back_after_a_day(agent, time_machine):
    time_machine.move_to(START, tick=False)
    dilemmas = list(Dilemma.objects.published().order_by("title"))
    first, second = dilemmas[0], dilemmas[1]
    attempt_record(
        user=agent, dilemma=first, option_id=first.options.exclude(verdict="best").first().pk
    )
    attempt_record(user=agent, dilemma=second, option_id=second.options.get(verdict="best").pk)
    ids = practice_set(agent, size=100)
    assert first.pk not in ids and second.pk not in ids
    assert len(ids) == len(dilemmas) - 2
    time_machine.move_to(START + DAY, tick=False)
    ids = practice_set(agent, size=100)
    assert ids[0] == first.pk  # due again, ahead of the unseen ones
    assert second.pk not in ids


@pytest.mark.django_db
def test_practice_set_is_ten_at_most(agent):
    assert len(practice_set(agent)) == 10
