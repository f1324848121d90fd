"""The scoring engine: weighted_score against an independent computation, and Rubric's checks.

The reference computation uses exact fractions and its own half-up rounding, so that a mistake
in the engine's Decimal arithmetic or rounding mode cannot be repeated here and go unnoticed.
"""

from decimal import Decimal
from fractions import Fraction
from math import floor

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from rubrics.models import Rubric, weighted_score

README_WEIGHTS = [25, 25, 20, 15, 15]


def round_half_up(value: Fraction, places: int) -> Fraction:
    """Round a non-negative fraction half-up: 2.625 -> 2.63 where banker's rounding gives 2.62."""
    scale = 10**places
    return Fraction(floor(value * scale + Fraction(1, 2)), scale)


def expected_score(triples):
    """(score, percent, critical_fail) as fractions, straight from the spec."""
    rated = [
        (weight, rating, critical) for weight, rating, critical in triples if rating is not None
    ]
    raw = Fraction(sum(weight * rating for weight, rating, _ in rated)) / sum(
        weight for weight, _, _ in rated
    )
    score = round_half_up(raw, 2)
    critical_fail = any(critical and rating == 1 for _, rating, critical in rated)
    percent = Fraction(0) if critical_fail else round_half_up((score - 1) / 4 * 100, 1)
    return score, percent, critical_fail


def assert_matches_spec(result, triples):
    score, percent, critical_fail = expected_score(triples)
    assert isinstance(result.score, Decimal) and isinstance(result.percent, Decimal)
    assert result.score.as_tuple().exponent == -2  # always two places: 4.20, not 4.2
    assert result.percent.as_tuple().exponent == -1  # always one place: 80.0, not 80
    assert Fraction(result.score) == score
    assert Fraction(result.percent) == percent
    assert result.critical_fail is critical_fail


triples_with_a_rating = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=100),
        st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
        st.booleans(),
    ),
    min_size=1,
    max_size=12,
).filter(lambda triples: any(rating is not None for _, rating, _ in triples))


@settings(max_examples=300, deadline=None)
@given(triples_with_a_rating)
def test_weighted_score_matches_an_exact_fraction_computation(triples):
    assert_matches_spec(weighted_score(triples), triples)


@st.composite
def scores_exactly_halfway_between_two_cents(draw):
    """Two criteria whose raw score ends in a 5 at the third decimal (21/8 = 2.625).

    With odd weights totalling 8 or 40 and ratings of opposite parity, sum(weight x rating) is
    odd, so the raw score is an odd number of eighths or fortieths: always a tie. Random weights
    from 1 to 100 reach a tie only about once in 150 draws.
    """
    total = draw(st.sampled_from([8, 40]))
    first_weight = 2 * draw(st.integers(min_value=0, max_value=total // 2 - 1)) + 1
    first_rating = draw(st.integers(min_value=1, max_value=5))
    second_rating = draw(
        st.sampled_from([rating for rating in range(1, 6) if (rating + first_rating) % 2])
    )
    return [(first_weight, first_rating, False), (total - first_weight, second_rating, False)]


@settings(max_examples=100, deadline=None)
@given(scores_exactly_halfway_between_two_cents())
def test_scores_exactly_halfway_between_two_cents_round_up(triples):
    raw = Fraction(sum(weight * rating for weight, rating, _ in triples)) / sum(
        weight for weight, _, _ in triples
    )
    assert (raw * 100).denominator == 2  # the generator really does make ties
    assert_matches_spec(weighted_score(triples), triples)


@settings(max_examples=300, deadline=None)
@given(triples_with_a_rating)
def test_score_stays_on_the_scale_and_percent_in_range(triples):
    result = weighted_score(triples)
    assert Decimal("1.00") <= result.score <= Decimal("5.00")
    assert Decimal("0.0") <= result.percent <= Decimal("100.0")
    if result.critical_fail:
        assert result.percent == 0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=100), st.none(), st.booleans()),
        min_size=1,
        max_size=12,
    )
)
def test_weighted_score_refuses_any_all_na_evaluation(triples):
    with pytest.raises(ValidationError):
        weighted_score(triples)


@settings(max_examples=100, deadline=None)
@given(triples_with_a_rating, st.lists(st.integers(min_value=1, max_value=100), max_size=5))
def test_na_criteria_change_nothing_whatever_their_weight(triples, na_weights):
    with_na = triples + [(weight, None, True) for weight in na_weights]
    assert weighted_score(with_na) == weighted_score(triples)


# --- weighted_score by example ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "score", "percent"), [(5, "5.00", "100.0"), (1, "1.00", "0.0"), (3, "3.00", "50.0")]
)
def test_the_same_rating_everywhere(rating, score, percent):
    result = weighted_score([(weight, rating, False) for weight in README_WEIGHTS])
    assert (result.score, result.percent) == (Decimal(score), Decimal(percent))
    assert not result.critical_fail


def test_the_readme_example():
    ratings = [4, 5, 3, 4, 5]  # empathy, accuracy, fairness, transparency, respect
    result = weighted_score(
        [(weight, rating, False) for weight, rating in zip(README_WEIGHTS, ratings, strict=True)]
    )
    assert str(result.score) == "4.20"
    assert str(result.percent) == "80.0"
    assert not result.critical_fail


def test_score_rounds_half_up_not_to_even():
    # 5 x 3 + 3 x 2 = 21 over 8 = 2.625 exactly: half-up gives 2.63, banker's rounding 2.62.
    result = weighted_score([(5, 3, False), (3, 2, False)])
    assert str(result.score) == "2.63"
    assert str(result.percent) == "40.8"  # (2.63 - 1) / 4 x 100 = 40.75


def test_percent_rounds_half_up_from_the_rounded_score():
    # 102/101 = 1.0099... rounds to 1.01; from 1.01 the percent is 0.25 exactly, so 0.3 half-up.
    # Banker's rounding would give 0.2, and so would working from the unrounded score (0.2475).
    result = weighted_score([(100, 1, False), (1, 2, False)])
    assert (str(result.score), str(result.percent)) == ("1.01", "0.3")


def test_a_critical_criterion_rated_1_is_a_critical_fail_with_percent_0():
    result = weighted_score([(25, 1, True), (75, 5, False)])
    assert result.critical_fail
    assert str(result.percent) == "0.0"
    assert str(result.score) == "4.00"  # the score itself is still reported


@pytest.mark.parametrize(
    "triples",
    [
        [(25, 2, True), (75, 5, False)],  # critical, but rated above 1
        [(25, 1, False), (75, 5, False)],  # rated 1, but not critical
        [(25, None, True), (75, 5, False)],  # critical, but not applicable
    ],
)
def test_no_critical_fail_without_a_critical_criterion_rated_1(triples):
    assert not weighted_score(triples).critical_fail


def test_na_is_left_out_of_the_score():
    with_na = weighted_score([(25, 4, False), (25, None, False), (50, 2, False)])
    assert (str(with_na.score), str(with_na.percent)) == ("2.67", "41.8")  # 200/75
    assert with_na == weighted_score([(25, 4, False), (50, 2, False)])


def test_all_na_is_refused():
    with pytest.raises(ValidationError, match="cannot be all N/A"):
        weighted_score([(weight, None, False) for weight in README_WEIGHTS])


# --- Rubric.score on the default rubric -------------------------------------------------------

README_RATINGS = {"empathy": 4, "accuracy": 5, "fairness": 3, "transparency": 4, "respect": 5}


@pytest.fixture
def rubric(db):
    return Rubric.objects.current()


def test_the_default_rubric_scores_the_readme_example(rubric):
    result = rubric.score(README_RATINGS)
    assert (str(result.score), str(result.percent), result.critical_fail) == ("4.20", "80.0", False)


def test_an_unknown_criterion_is_refused(rubric):
    with pytest.raises(ValidationError, match="Not criteria of rubric v1: kindness"):
        rubric.score({**README_RATINGS, "kindness": 5})


def test_a_missing_criterion_is_refused(rubric):
    ratings = dict(README_RATINGS)
    del ratings["respect"]
    with pytest.raises(ValidationError, match="missing: respect"):
        rubric.score(ratings)


@pytest.mark.parametrize("rating", [0, 6, -1, 100])
def test_a_rating_off_the_1_to_5_scale_is_refused(rubric, rating):
    with pytest.raises(ValidationError, match="Empathy must be rated from 1 to 5"):
        rubric.score({**README_RATINGS, "empathy": rating})


def test_na_is_refused_where_the_criterion_does_not_allow_it(rubric):
    with pytest.raises(ValidationError, match="Fairness cannot be marked not applicable"):
        rubric.score({**README_RATINGS, "fairness": None})


def test_na_is_left_out_where_the_criterion_allows_it(rubric):
    rubric.criteria.filter(key="fairness").update(allows_na=True)
    result = rubric.score({**README_RATINGS, "fairness": None})
    assert str(result.score) == "4.50"  # (25 x 4 + 25 x 5 + 15 x 4 + 15 x 5) / 80
    assert result == weighted_score(
        [(25, 4, False), (25, 5, False), (15, 4, False), (15, 5, False)]
    )


def test_a_critical_criterion_of_the_rubric_rated_1_fails_the_evaluation(rubric):
    rubric.criteria.filter(key="accuracy").update(critical=True)
    result = rubric.score({**README_RATINGS, "accuracy": 1})
    assert result.critical_fail
    assert str(result.percent) == "0.0"


# --- Rubric.validate_weights ------------------------------------------------------------------


@pytest.mark.parametrize("weights", [[25, 25, 20, 15, 15], [100], [1] * 100, [99, 1]])
def test_weights_that_total_100_are_accepted(weights):
    assert Rubric.validate_weights(weights) is None


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([25, 25, 20, 15, 14], "they total 99"),
        ([25, 25, 20, 15, 16], "they total 101"),
        ([0, 25, 25, 25, 25], "whole number from 1 to 100"),
        ([-5, 25, 25, 25, 30], "whole number from 1 to 100"),
        ([101], "whole number from 1 to 100"),
        ([25.0, 25, 20, 15, 15], "whole number from 1 to 100"),
        (["25", 25, 20, 15, 15], "whole number from 1 to 100"),
        ([Decimal("25"), 25, 20, 15, 15], "whole number from 1 to 100"),
        ([None, 25, 20, 15, 15], "whole number from 1 to 100"),
        ([], "at least one criterion"),
    ],
)
def test_weights_that_are_not_whole_numbers_totalling_100_are_refused(weights, message):
    with pytest.raises(ValidationError, match=message):
        Rubric.validate_weights(weights)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [4.5, 3.0, True, "3"])
def test_rubric_score_refuses_ratings_that_are_not_whole_numbers(bad):
    rubric = Rubric.objects.current()
    ratings = {key: 4 for key in rubric.criteria.values_list("key", flat=True)}
    ratings["empathy"] = bad
    with pytest.raises(ValidationError):
        rubric.score(ratings)


def test_validate_weights_refuses_booleans():
    with pytest.raises(ValidationError):
        Rubric.validate_weights([True, 99])
