"""The fairness audit's flags on generated reviews: a planted lenient reviewer and a planted
harsh team are flagged; with no difference planted, nothing is flagged, seed after seed."""

import random

import pytest

from calibration.fairness import Comparison, Review, Sums, compare, holm, judge

TEAMS, AGENTS_PER_TEAM, REVIEWERS_PER_TEAM, REVIEWS_PER_AGENT = 6, 4, 4, 32
CHANNELS = ["phone", "email", "chat"]


def generated(seed, *, lenient=None, harsh_team=None, points=12.0):
    rng = random.Random(seed)
    reviews = []
    for team in range(TEAMS):
        reviewers = [100 + team * 10 + n for n in range(REVIEWERS_PER_TEAM)]
        for a in range(AGENTS_PER_TEAM):
            agent = team * 100 + a
            for _ in range(REVIEWS_PER_AGENT):
                reviewer = rng.choice(reviewers)
                percent = rng.gauss(72, 10)
                if reviewer == lenient:
                    percent += points
                if team == harsh_team:
                    percent -= points
                percent = min(100.0, max(0.0, percent))
                reviews.append(
                    Review(reviewer, agent, team, rng.choice(CHANNELS), percent, percent + 3)
                )
    return reviews


def flagged(comparisons, kind=None):
    return {(c.kind, c.key) for c in comparisons if c.flagged and kind in (None, c.kind)}


def test_a_lenient_reviewer_is_flagged_and_no_one_else():
    comparisons = compare(generated(1, lenient=101), {})
    assert flagged(comparisons, "reviewer") == {("reviewer", "101")}
    row = next(c for c in comparisons if c.key == "101" and c.kind == "reviewer")
    assert row.difference > 5
    assert "higher than the other reviewers gave the same agents" in row.words
    assert "relative to the other reviewers on the same agents" in row.words


def test_a_harsh_team_is_flagged():
    comparisons = compare(generated(2, harsh_team=2), {("team", 2): "South"})
    assert flagged(comparisons, "team") == {("team", "2")}
    team = next(c for c in comparisons if c.kind == "team" and c.key == "2")
    assert team.difference < -5
    assert team.words.startswith("South's mean reviewed percent")
    # The team's harshness is not blamed on its reviewers: all of them were harsh alike.
    assert flagged(comparisons, "reviewer") == set()


def test_nothing_is_flagged_when_nothing_differs():
    # Holm's correction holds the chance that an audit with no real difference flags anything
    # to 0.1 %, and the 5-point floor lowers it further: 100 generated audits flag nothing.
    seeds_with_flags = [seed for seed in range(100) if flagged(compare(generated(1000 + seed), {}))]
    assert seeds_with_flags == []


def test_planted_differences_are_found_seed_after_seed():
    lenient = sum(
        ("reviewer", "101") in flagged(compare(generated(s, lenient=101), {})) for s in range(20)
    )
    harsh = sum(
        ("team", "2") in flagged(compare(generated(s, harsh_team=2), {})) for s in range(20)
    )
    assert lenient >= 19 and harsh == 20


def test_never_on_fewer_than_ten_reviews():
    small = Comparison("agent", "1", "A", Sums(9, 9 * 20.0, 9 * 400.0 + 8), Sums(), "x")
    small.rest = Sums(500, 500 * 80.0, 500 * 6400.0 + 499 * 25)
    judge([small])
    assert small.p_value is None and not small.flagged


def test_a_large_gap_that_is_not_significant_is_not_flagged():
    noisy = Comparison("agent", "1", "A", Sums(), Sums(), "x")
    for value in [10, 90] * 6 + [100, 100]:
        noisy.group.add(value)
    for value in [40, 60] * 6:
        noisy.rest.add(value)
    judge([noisy])
    assert noisy.difference >= 5 and not noisy.flagged


def test_holm():
    # Sorted 0.01, 0.02, 0.04 -> 0.03, 0.04, 0.04 (monotone); None is not a test.
    assert holm([0.04, None, 0.01, 0.02]) == pytest.approx([0.04, None, 0.03, 0.04])
