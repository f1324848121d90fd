"""The discount playbook counts over a chosen period, compared with the period before it."""

import math
from datetime import date, datetime, timedelta

import pytest

from scripts_library.playbook_metrics import Period, quarter_end
from tests import test_closing_the_loop as loop
from tests.test_closing_the_loop import MID_QUARTER, at

pytestmark = pytest.mark.django_db

discount_requests = loop.discount_requests  # the fixture: written rows (when, who, topic, handling)

URL = "/library/playbooks/slightly-shady-discount-request/"


def count(plan, people, start, end, handling=None):
    """Discount requests of `people` logged on the inclusive days start..end."""
    return sum(
        1
        for moment, person, topic, how in plan
        if person in people
        and topic == "discount"
        and start <= moment.date() <= end
        and (handling is None or how == handling)
    )


def test_the_quarter_rule_and_the_same_length_rule():
    with at(MID_QUARTER):
        assert Period(date(2026, 4, 1), date(2026, 5, 14)).is_quarter
        assert Period(date(2026, 4, 1), date(2026, 6, 30)).is_quarter
        assert Period(date(2026, 4, 1), date(2026, 5, 14)).previous == (
            date(2026, 1, 1),
            date(2026, 3, 31),
        )
        custom = Period(date(2026, 3, 1), date(2026, 3, 31))
        assert not custom.is_quarter
        assert custom.previous == (date(2026, 1, 29), date(2026, 2, 28))
    assert quarter_end(date(2026, 11, 3)) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [(date(2026, 3, 1), date(2026, 4, 30)), (date(2026, 1, 5), date(2026, 1, 5))],
)
def test_a_chosen_period_counts_its_days(
    login,
    personas,
    discount_requests,
    date_from,
    date_to,
    django_assert_num_queries,
):
    admin = personas["admin"]
    people = {personas["agent"], personas["other_agent"]}
    days = (date_to - date_from).days + 1
    before_end = date_from - timedelta(days=1)
    before_start = date_from - timedelta(days=days)
    previous = count(discount_requests, people, before_start, before_end)
    figures = {
        "triaged": count(discount_requests, people, date_from, date_to),
        "declined": count(discount_requests, people, date_from, date_to, "declined"),
        "escalated": count(discount_requests, people, date_from, date_to, "escalated"),
        "previous": previous,
        "target": math.floor(previous * 0.9) if previous else None,
    }
    client = login(admin)
    with at(MID_QUARTER):
        client.get(URL)  # warm the session and caches: the budget below is the page's own
        with django_assert_num_queries(BUDGET):
            response = client.get(URL, {"date_from": date_from, "date_to": date_to})
    assert response.status_code == 200
    counts = response.context["counts"]
    assert {key: counts[key] for key in figures} == figures
    assert (counts["previous_start"], counts["previous_end"]) == (before_start, before_end)
    body = response.content.decode()
    assert f'data-testid="count-triaged">{figures["triaged"]}<' in body
    assert "the same number of days just before it" in body
    if figures["target"] is not None:
        assert f"at most {figures['target']} in this period" in body


def test_the_default_is_this_quarter_so_far(login, personas, discount_requests):
    with at(MID_QUARTER):
        response = login(personas["admin"]).get(URL)
    period = response.context["counts"]["period"]
    assert (period.start, period.end) == (date(2026, 4, 1), MID_QUARTER.date())
    assert 'value="2026-04-01"' in response.content.decode()
    assert "compared with the whole quarter before it" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "2026-13-01"}, "Enter a valid date."),
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "The start date is after"),
        ({"date_from": "1999-12-31"}, "Pick a date between"),
        ({"date_to": "not a day"}, "Enter a valid date."),
    ],
)
def test_bad_dates_get_a_message_and_the_default_period(
    login,
    personas,
    discount_requests,
    query,
    message,
    django_assert_num_queries,
):
    client = login(personas["admin"])
    with at(MID_QUARTER):
        client.get(URL)
        with django_assert_num_queries(BUDGET):
            response = client.get(URL, query)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and 'data-testid="period-fallback"' in body
    period = response.context["counts"]["period"]
    assert (period.start, period.end) == (date(2026, 4, 1), MID_QUARTER.date())


def test_a_missing_end_is_today(login, personas, discount_requests):
    with at(MID_QUARTER):
        response = login(personas["admin"]).get(URL, {"date_from": "2026-02-10"})
    period = response.context["counts"]["period"]
    assert (period.start, period.end) == (date(2026, 2, 10), MID_QUARTER.date())


# The same whatever the period, its validity or the data: the counts are one query.
BUDGET = 7


def test_the_budget_holds_for_a_wide_period(
    login,
    personas,
    discount_requests,
    django_assert_num_queries,
):
    client = login(personas["admin"])
    with at(datetime(2026, 5, 15, 12)):
        client.get(URL)
        with django_assert_num_queries(BUDGET):
            client.get(URL, {"date_from": "2000-01-01", "date_to": "2026-05-15"})
