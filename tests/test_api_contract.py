"""What Schemathesis (`--checks all`, as a supervisor) found, each kept fixed: the schema states
what the API refuses, and the API accepts what the schema allows or answers 403/404 in JSON."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import RATINGS, self_score
from tests.test_api import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def component(schema, name):
    return schema["components"]["schemas"][name]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/interactions/null,null/",
        "/api/v1/interactions/null,null/reviews/",
        "/api/v1/teams/null,null/summary/",
        "/api/v1/nothing-here/",
    ],
)
@pytest.mark.parametrize("debug", [True, False])
def test_unmatched_api_urls_answer_json_404(supervisor, url, debug):
    with override_settings(DEBUG=debug):
        response = api_as(supervisor).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_pages_outside_the_api_keep_their_html_404(login, supervisor):
    response = login(supervisor).get("/no-such-page/")
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


def test_ratings_document_at_least_one_property_and_empty_ratings_are_refused(
    schema, agent, supervisor
):
    ratings = component(schema, "RatingsInputRequest")["properties"]["ratings"]
    assert ratings["minProperties"] == 1 and ratings["type"] == "object"
    interaction = self_score(agent).interaction
    response = api_as(supervisor).post(
        f"/api/v1/interactions/{interaction.pk}/reviews/", {"ratings": {}}, format="json"
    )
    assert response.status_code == 400 and "ratings" in response.json()


def test_calibration_lists_document_at_least_one_item(schema):
    session = component(schema, "SessionCreateRequest")["properties"]
    assert session["interactions"]["minItems"] == 1
    assert session["participants"]["minItems"] == 1


def test_from_after_to_is_documented_and_accepted(schema, supervisor, agent):
    self_score(agent)
    parameters = schema["paths"]["/api/v1/interactions/"]["get"]["parameters"]
    described = {parameter["name"]: parameter for parameter in parameters}
    assert "empty window" in described["from"]["description"]
    assert described["agent"]["schema"]["minimum"] == 1
    response = api_as(supervisor).get("/api/v1/interactions/?from=2026-05-02&to=2026-05-01")
    assert response.status_code == 200 and response.json()["count"] == 0
    summary = api_as(supervisor).get(
        f"/api/v1/teams/{agent.membership.team_id}/summary/?from=2026-05-02&to=2026-05-01"
    )
    assert summary.status_code == 200


@pytest.mark.parametrize(
    "query", ["page_size=null", "page_size=0", "page_size=201", "page_size=1&page_size=2", "page=x"]
)
def test_paging_parameters_outside_the_schema_are_400(supervisor, query):
    response = api_as(supervisor).get(f"/api/v1/interactions/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_paging_parameters_are_documented_with_their_bounds(schema):
    parameters = schema["paths"]["/api/v1/faq/"]["get"]["parameters"]
    described = {parameter["name"]: parameter["schema"] for parameter in parameters}
    assert (described["page_size"]["minimum"], described["page_size"]["maximum"]) == (1, 200)
    assert described["page"]["minimum"] == 1


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_booleans_are_json_true_or_false_only(agent, value):
    body = {"category": "gift", "description": "A gift was offered.", "to_compliance": value}
    response = api_as(agent).post("/api/v1/concerns/", body, format="json")
    assert response.status_code == 400 and "to_compliance" in response.json()


def test_each_role_sends_its_own_shape_of_interaction(schema, agent, supervisor):
    """The request is one of two documented shapes; the other role's shape is a 403."""
    shapes = schema["paths"]["/api/v1/interactions/"]["post"]["requestBody"]["content"]
    one_of = shapes["application/json"]["schema"]
    assert len(component(schema, one_of["$ref"].rsplit("/", 1)[1])["oneOf"]) == 2
    self_scored = {
        "occurred_at": "2026-01-01T10:00:00Z",
        "channel": "phone",
        "reference": "ZD-1",
        "topic": "Refund",
        "self_evaluation": {"ratings": dict(RATINGS)},
    }
    by_supervisor = api_as(supervisor).post("/api/v1/interactions/", self_scored, format="json")
    assert by_supervisor.status_code == 403 and "Name the agent" in by_supervisor.json()["agent"][0]
    by_agent = api_as(agent).post(
        "/api/v1/interactions/", {**self_scored, "agent": "alice"}, format="json"
    )
    assert by_agent.status_code == 403 and "agent" in by_agent.json()


def test_texts_sent_document_that_nul_is_refused(schema, agent):
    concern = component(schema, "ConcernCreateRequest")["properties"]["description"]
    assert concern["pattern"] == "^[^\\u0000]*$"
    comments = component(schema, "RatingsInputRequest")["properties"]["comments"]
    assert comments["additionalProperties"]["pattern"] == "^[^\\u0000]*$"
    participants = component(schema, "SessionCreateRequest")["properties"]["participants"]
    assert participants["items"]["pattern"] == "^[^\\u0000]*$"
    body = {"category": "gift", "description": "A gift\u0000 was offered."}
    response = api_as(agent).post("/api/v1/concerns/", body, format="json")
    assert response.status_code == 400 and "description" in response.json()


def test_an_empty_ticket_address_matches_the_schema(schema, agent, supervisor):
    ticket_url = component(schema, "Interaction")["properties"]["ticket_url"]
    assert ticket_url["type"] == "string" and "format" not in ticket_url
    interaction = self_score(agent).interaction
    body = api_as(supervisor).get(f"/api/v1/interactions/{interaction.pk}/").json()
    assert body["ticket_url"] == ""


def test_a_concern_described_by_a_number_is_refused(agent):
    body = {"category": "gift", "description": 0}
    response = api_as(agent).post("/api/v1/concerns/", body, format="json")
    assert response.status_code == 400 and "description" in response.json()


# Rules the schema states from the data in force, and rules about data it cannot state ---------


def served_schema(user):
    response = api_as(user).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_ratings_list_the_criteria_of_the_rubric_in_force(supervisor, agent):
    from rubrics.models import Rubric

    schema = served_schema(supervisor)
    in_force = Rubric.objects.current()
    keys = [criterion.key for criterion in in_force.criteria.all()]
    for name in ("RatingsInputRequest", "ReviewCreateRequest", "ScoreCreateRequest"):
        ratings = component(schema, name)["properties"]["ratings"]
        assert ratings["required"] == keys and ratings["additionalProperties"] is False
        for criterion in in_force.criteria.all():
            rule = ratings["properties"][criterion.key]
            assert (rule["type"], rule["minimum"], rule["maximum"]) == ("integer", 1, 5)
            assert rule["nullable"] is criterion.allows_na
    # Outside what the schema allows: a 400 naming the ratings.
    interaction = self_score(agent).interaction
    url = f"/api/v1/interactions/{interaction.pk}/reviews/"
    for ratings in ({**RATINGS, "kindness": 4}, {"empathy": 4}):
        response = api_as(supervisor).post(url, {"ratings": ratings}, format="json")
        assert response.status_code == 400
        assert response.json()["ratings"] == [
            f"Rate exactly the criteria of rubric v{in_force.version}: {', '.join(keys)}."
        ]


def test_a_low_rating_without_a_comment_is_a_documented_422(supervisor, agent):
    schema = served_schema(supervisor)
    operation = schema["paths"]["/api/v1/interactions/{id}/reviews/"]["post"]
    assert "a rating of 1 or 2 has no comment" in operation["responses"]["422"]["description"]
    interaction = self_score(agent).interaction
    response = api_as(supervisor).post(
        f"/api/v1/interactions/{interaction.pk}/reviews/",
        {"ratings": {**RATINGS, "respect": 2}},
        format="json",
    )
    assert response.status_code == 422
    assert "respect" in response.json()
    assert not interaction.evaluations.filter(kind="review").exists()


def test_root_causes_list_the_active_slugs(supervisor, agent):
    from rubrics.models import RootCause

    RootCause.objects.create(name="Contract test cause", slug="contract-test-cause")
    RootCause.objects.create(name="Retired test cause", slug="retired-test-cause", is_active=False)
    schema = served_schema(supervisor)
    items = component(schema, "ReviewCreateRequest")["properties"]["root_causes"]["items"]
    assert items["enum"] == list(
        RootCause.objects.active().order_by("slug").values_list("slug", flat=True)
    )
    assert "retired-test-cause" not in items["enum"]
    interaction = self_score(agent).interaction
    response = api_as(supervisor).post(
        f"/api/v1/interactions/{interaction.pk}/reviews/",
        {"ratings": RATINGS, "root_causes": ["retired-test-cause"]},
        format="json",
    )
    assert response.status_code == 400 and "root_causes" in response.json()


def test_an_interaction_older_than_a_year_is_a_documented_422(supervisor, agent):
    from datetime import timedelta

    from django.utils import timezone

    from tests.test_api import payload

    schema = served_schema(agent)
    operation = schema["paths"]["/api/v1/interactions/"]["post"]
    assert "not within the last year" in operation["responses"]["422"]["description"]
    old = (timezone.now() - timedelta(days=400)).isoformat()
    response = api_as(agent).post("/api/v1/interactions/", payload(occurred_at=old), format="json")
    assert response.status_code == 422
    assert response.json() == {
        "occurred_at": ["Only interactions from the last year can be scored."]
    }
    # The same rule when a supervisor records one of their agents' interactions.
    body = {**payload(occurred_at=old), "agent": agent.username}
    del body["self_evaluation"]
    recorded = api_as(supervisor).post("/api/v1/interactions/", body, format="json")
    assert recorded.status_code == 422 and "occurred_at" in recorded.json()


def test_calibration_rules_on_current_data_are_documented_422_and_409(supervisor, north, agent):
    from datetime import timedelta

    from django.utils import timezone

    from calibration.models import CalibrationSession
    from teams.models import Role
    from tests.conftest import make_user

    make_user("sid", Role.SUPERVISOR, leads=[north])
    schema = served_schema(supervisor)
    opened = schema["paths"]["/api/v1/calibrations/"]["post"]["responses"]
    scored = schema["paths"]["/api/v1/calibrations/{id}/scores/"]["post"]["responses"]
    assert "deadline is not in the future" in opened["422"]["description"]
    assert "session is closed" in scored["409"]["description"]
    interaction = self_score(agent).interaction
    body = {"interactions": [interaction.pk], "participants": ["sue", "sid"]}
    sue = api_as(supervisor)
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    refused = sue.post("/api/v1/calibrations/", {**body, "deadline": past}, format="json")
    assert refused.status_code == 422
    assert refused.json() == {"deadline": ["The deadline must be in the future."]}
    future = (timezone.now() + timedelta(days=1)).isoformat()
    session = sue.post("/api/v1/calibrations/", {**body, "deadline": future}, format="json").json()
    CalibrationSession.objects.filter(pk=session["id"]).update(revealed_at=timezone.now())
    closed = sue.post(
        f"/api/v1/calibrations/{session['id']}/scores/",
        {"interaction": interaction.pk, "ratings": RATINGS},
        format="json",
    )
    assert closed.status_code == 409
    assert closed.json() == {
        "non_field_errors": ["This session is closed: its scores have been revealed."]
    }
