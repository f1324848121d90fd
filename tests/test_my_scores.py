from datetime import timedelta

import pytest
from django.utils import timezone

from rubrics.models import Rubric
from rubrics.services import interaction_self_score

pytestmark = pytest.mark.django_db


def score(agent, ratings, days_ago=1, reference="ZD-1"):
    return interaction_self_score(
        agent=agent,
        rubric=Rubric.objects.current(),
        interaction_fields={
            "occurred_at": timezone.now() - timedelta(days=days_ago),
            "channel": "email",
            "reference": reference,
            "topic": "Billing question",
            "summary": "",
        },
        ratings=ratings,
        comments={key: "needs work" for key, value in ratings.items() if value and value <= 2},
    )


def uniform(value):
    return dict.fromkeys(["empathy", "accuracy", "fairness", "transparency", "respect"], value)


def test_my_scores_lists_only_my_interactions(login, agent, other_agent):
    score(agent, uniform(4), reference="ZD-MINE")
    score(other_agent, uniform(2), reference="ZD-THEIRS")
    body = login(agent).get("/my/scores/").content.decode()
    assert "ZD-MINE" in body and "ZD-THEIRS" not in body
    assert 'data-testid="self-average">4.00 · 75.0%' in body


def test_team_average_is_aggregate_only(login, agent, north):
    from tests.conftest import make_user

    teammate = make_user("tina", "Agent", team=north, first_name="Tina")
    score(agent, uniform(5))
    score(teammate, uniform(3))
    body = login(agent).get("/my/scores/").content.decode()
    assert 'data-testid="team-average">4.00' in body
    assert "tina" not in body.lower()


def test_date_filter_limits_the_period(login, agent):
    score(agent, uniform(4), days_ago=2, reference="ZD-RECENT")
    score(agent, uniform(4), days_ago=40, reference="ZD-OLDER")
    today = timezone.localdate()
    body = (
        login(agent)
        .get(
            "/my/scores/",
            {"date_from": (today - timedelta(days=7)).isoformat(), "date_to": today.isoformat()},
        )
        .content.decode()
    )
    assert "ZD-RECENT" in body and "ZD-OLDER" not in body


def test_default_period_is_the_last_90_days(login, agent):
    score(agent, uniform(4), days_ago=100, reference="ZD-ANCIENT")
    assert "ZD-ANCIENT" not in login(agent).get("/my/scores/").content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-02-30"}, "Enter a valid date"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "start date is after the end date"),
    ],
)
def test_bad_dates_get_a_message(login, agent, params, message):
    response = login(agent).get("/my/scores/", params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_per_criterion_averages_and_trend_data(login, agent):
    score(agent, {**uniform(4), "respect": 2})
    body = login(agent).get("/my/scores/").content.decode()
    assert 'id="score-trend-data"' in body
    assert '<th scope="row">Respect</th><td>2.00</td>' in body


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_data(login, agent, count, django_assert_max_num_queries):
    for index in range(count):
        score(agent, uniform(3 + index % 3), days_ago=index % 80 + 1, reference=f"ZD-{index}")
    client = login(agent)
    with django_assert_max_num_queries(12):
        response = client.get("/my/scores/")
    assert response.status_code == 200
