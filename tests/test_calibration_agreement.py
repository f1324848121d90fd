"""Krippendorff's alpha as calibration reports it: published worked examples, the library on
random data, and null (never a made-up 0 or 1) where alpha is undefined."""

from decimal import ROUND_HALF_UP, Decimal

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calibration.agreement import as_text, interval_alpha, reading

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, values 1-5, with missing values (None). Published: interval 0.849, nominal 0.743.
PAPER = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def units_from(rows: list[list]) -> tuple[dict, list]:
    coders = list(range(len(rows)))
    units = {u: {c: rows[c][u] for c in coders} for u in range(len(rows[0]))}
    return units, coders


def test_the_papers_example_with_missing_values():
    units, coders = units_from(PAPER)
    assert interval_alpha(units, coders) == Decimal("0.849")


def test_the_papers_example_nominal_figure_from_the_library():
    data = [[np.nan if v is None else v for v in row] for row in PAPER]
    nominal = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert round(nominal, 3) == 0.743


def test_a_small_example_worked_by_hand():
    # Two coders, three units: (1, 2), (3, 3), (5, 4). Six pairable values.
    # D_o = (1/n) sum over units of sum over ordered pairs (a - b)^2 / (m_u - 1)
    #     = (1/6) (2 + 0 + 2) = 2/3.
    # D_e = sum over ordered pairs of all values (a - b)^2 / (n (n - 1));
    #     sum over unordered pairs = n sum v^2 - (sum v)^2 = 6 * 64 - 18^2 = 60, so 120 / 30 = 4.
    # alpha = 1 - D_o / D_e = 1 - (2/3) / 4 = 5/6 = 0.833.
    units, coders = units_from([[1, 3, 5], [2, 3, 4]])
    assert interval_alpha(units, coders) == Decimal("0.833")


def test_units_with_one_rating_are_left_out():
    units, coders = units_from([[1, 3, 5, 2], [2, 3, 4, None]])
    assert interval_alpha(units, coders) == Decimal("0.833")


@pytest.mark.parametrize(
    "rows",
    [
        [[3, 4], [None, None]],  # nothing pairable
        [[3, 1], [3, None]],  # one pairable unit
        [[3, 3, 3], [3, 3, 3]],  # no variation at all
        [[None, None], [None, None]],  # nothing rated (all N/A)
    ],
)
def test_undefined_alpha_is_null(rows):
    units, coders = units_from(rows)
    assert interval_alpha(units, coders) is None
    assert as_text(None) is None
    assert reading(None).startswith("undefined")


def test_perfect_agreement_with_variation_is_one():
    units, coders = units_from([[1, 3, 5], [1, 3, 5]])
    assert interval_alpha(units, coders) == Decimal("1.000")


@pytest.mark.parametrize(
    "alpha, words",
    [
        ("0.800", "reliable"),
        ("0.799", "tentative conclusions only"),
        ("0.667", "tentative conclusions only"),
        ("0.666", "not reliable"),
        ("-0.200", "not reliable"),
    ],
)
def test_the_usual_reading(alpha, words):
    assert reading(alpha) == words


ratings = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=2, max_value=5).flatmap(
        lambda coders: st.lists(
            st.lists(ratings, min_size=coders, max_size=coders), min_size=1, max_size=12
        )
    )
)
def test_same_as_the_library_on_random_data(columns):
    rows = [list(each) for each in zip(*columns, strict=True)]  # coders x units
    units, coders = units_from(rows)
    ours = interval_alpha(units, coders)
    pairable = [u for u in units.values() if sum(v is not None for v in u.values()) >= 2]
    values = {v for u in pairable for v in u.values() if v is not None}
    if len(pairable) < 2 or len(values) < 2:
        assert ours is None
        return
    data = [[np.nan if v is None else float(v) for v in row] for row in rows]
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    assert ours == Decimal(str(expected)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
