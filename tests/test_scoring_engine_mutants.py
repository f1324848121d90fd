"""The scoring engine's edges that `make mutation` found untested: which ratings are low, and
the exact words of the engine's refusals (people read them on the rubric and score forms)."""

import pytest
from django.core.exceptions import ValidationError

from rubrics.scoring import (
    is_low_rating,
    low_rating_comment_error,
    validate_weights,
    weighted_score,
)


@pytest.mark.parametrize(("value", "low"), [(1, True), (2, True), (3, False), (5, False)])
def test_a_rating_of_1_or_2_is_low_and_3_or_more_is_not(value, low):
    assert is_low_rating(value) is low


def test_na_is_not_a_low_rating():
    assert is_low_rating(None) is False


def test_the_low_rating_message_names_the_criterion_and_the_rule():
    assert low_rating_comment_error("Empathy", 2) == (
        "Say briefly why Empathy is rated 2: a rating of 1 or 2 needs a comment."
    )


def refusal(call, *args) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        call(*args)
    return refused.value.messages


def test_an_all_na_evaluation_is_refused_in_these_words():
    assert refusal(weighted_score, [(50, None, False), (50, None, True)]) == [
        "Rate at least one criterion: an evaluation cannot be all N/A."
    ]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([], "A rubric needs at least one criterion."),
        ([0, 100], "Each weight is a whole number from 1 to 100."),
        ([60, 30], "The weights must total 100; they total 90."),
    ],
)
def test_wrong_weights_are_refused_in_these_words(weights, message):
    assert refusal(validate_weights, weights) == [message]
