"""The API's side of reviewing any interaction: a supervisor records one of their agents'
interactions with `POST /api/v1/interactions/` naming the agent, then reviews it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rubrics.models import Evaluation, Interaction
from teams.models import Role
from tests.conftest import RATINGS, make_user
from tests.test_api import api_as

pytestmark = pytest.mark.django_db


def record_body(**overrides):
    body = {
        "agent": "alice",
        "occurred_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "channel": "chat",
        "reference": "ZD-5100",
        "topic": "Delivery question",
        "summary": "",
    }
    body.update(overrides)
    return {name: value for name, value in body.items() if value is not None}


def test_supervisor_records_then_reviews(agent, supervisor):
    client = api_as(supervisor)
    created = client.post("/api/v1/interactions/", record_body(), format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["agent"], body["recorded_by"], body["team"]["name"]) == ("alice", "sue", "North")
    assert body["self_evaluation"] is None and body["review"] is None
    reviewed = client.post(
        f"/api/v1/interactions/{body['id']}/reviews/",
        {"ratings": dict(RATINGS), "comment": "Clear and kind."},
        format="json",
    )
    assert reviewed.status_code == 201
    assert reviewed.json()["kind"] == "review"
    again = client.post(
        f"/api/v1/interactions/{body['id']}/reviews/", {"ratings": dict(RATINGS)}, format="json"
    )
    assert again.status_code == 409 and "already been reviewed" in str(again.json())
    assert Evaluation.objects.count() == 1
    # The agent reads it through the API, with no self-evaluation.
    mine = api_as(agent).get(f"/api/v1/interactions/{body['id']}/").json()
    assert mine["self_evaluation"] is None and mine["review"]["score"] == "4.20"


@pytest.mark.parametrize(
    ("persona", "overrides", "status", "field", "message"),
    [
        ("supervisor", {"agent": "nobody"}, 422, "agent", "nobody is not an agent of a team"),
        ("supervisor", {"agent": "oscar"}, 422, "agent", "oscar is not an agent of a team"),
        ("supervisor", {"agent": "sue"}, 422, "agent", "sue is not an agent of a team"),
        ("other_supervisor", {}, 422, "agent", "alice is not an agent of a team"),
        ("agent", {}, 403, "agent", "Agents record only their own interactions"),
        ("supervisor", {"agent": None}, 403, "agent", "Name the agent"),
        ("supervisor", {"reference": None}, 400, "reference", "required"),
        ("supervisor", {"topic": None}, 400, "topic", "required"),
        ("supervisor", {"channel": "fax"}, 400, "channel", "not a valid choice"),
        ("supervisor", {"summary": "Call me on 020 7946 0958"}, 400, "summary", "phone"),
        (
            "supervisor",
            {"occurred_at": (timezone.now() + timedelta(days=2)).isoformat()},
            422,
            "occurred_at",
            "in the future",
        ),
        (
            "supervisor",
            {"occurred_at": (timezone.now() - timedelta(days=400)).isoformat()},
            422,
            "occurred_at",
            "last year",
        ),
        (
            "supervisor",
            {"self_evaluation": {"ratings": dict(RATINGS)}},
            403,
            "self_evaluation",
            "without a self-evaluation",
        ),
        ("admin", {}, 403, "detail", "Only agents and supervisors record interactions"),
    ],
)
def test_bad_input_and_other_teams_get_a_clear_message_and_no_record(
    personas, persona, overrides, status, field, message
):
    response = api_as(personas[persona]).post(
        "/api/v1/interactions/", record_body(**overrides), format="json"
    )
    assert response.status_code == status
    assert message in str(response.json()[field])
    assert not Interaction.objects.exists()


def test_a_ticket_the_agent_already_has_is_refused(agent, supervisor):
    client = api_as(supervisor)
    assert client.post("/api/v1/interactions/", record_body(), format="json").status_code == 201
    again = client.post("/api/v1/interactions/", record_body(reference="zd-5100 "), format="json")
    assert again.status_code == 422
    assert "alice already has ZD-5100" in again.json()["reference"][0]
    assert Interaction.objects.count() == 1


def test_the_same_idempotency_key_records_once(agent, supervisor):
    client = api_as(supervisor)
    key = {"HTTP_IDEMPOTENCY_KEY": "6c0d4b7e-5f0e-4d56-9a3c-0e0f2a1b7c11"}
    first = client.post("/api/v1/interactions/", record_body(), format="json", **key)
    second = client.post("/api/v1/interactions/", record_body(), format="json", **key)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Interaction.objects.count() == 1


def test_admins_record_and_review_any_team_when_the_setting_is_on(
    settings, agent, other_agent, admin_user
):
    settings.ETHICSKIT_ADMINS_REVIEW = True
    client = api_as(admin_user)
    for username, reference in [("alice", "ZD-N"), ("oscar", "ZD-S")]:
        created = client.post(
            "/api/v1/interactions/",
            record_body(agent=username, reference=reference),
            format="json",
        )
        assert created.status_code == 201
        reviewed = client.post(
            f"/api/v1/interactions/{created.json()['id']}/reviews/",
            {"ratings": dict(RATINGS)},
            format="json",
        )
        assert reviewed.status_code == 201
    assert Evaluation.objects.filter(author=admin_user).count() == 2


def test_a_supervisor_who_is_also_an_agent_records_for_others_not_themselves(north, agent):
    lead = make_user("lee", Role.SUPERVISOR, team=north, leads=[north])
    lead.groups.add(*agent.groups.all())
    client = api_as(lead)
    refused = client.post("/api/v1/interactions/", record_body(agent="lee"), format="json")
    assert refused.status_code == 422 and "lee is not an agent" in refused.json()["agent"][0]
    assert client.post("/api/v1/interactions/", record_body(), format="json").status_code == 201


def test_listing_costs_the_same_queries_with_recorded_interactions(
    agent, supervisor, django_assert_max_num_queries
):
    client = api_as(supervisor)
    for number in range(12):
        client.post("/api/v1/interactions/", record_body(reference=f"ZD-{number}"), format="json")
    # As many as a list of self-scored interactions (tests/test_api.py), whatever the count.
    with django_assert_max_num_queries(9):
        body = client.get("/api/v1/interactions/").json()
    assert body["count"] == 12
    assert {row["recorded_by"] for row in body["results"]} == {"sue"}
