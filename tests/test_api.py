"""The REST API: tokens, each endpoint for each persona, exact scores, errors, query counts."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from rubrics.models import Evaluation, Interaction, Rating
from teams.models import ApiToken
from tests.conftest import RATINGS, review, self_score

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()  # throttle counters live in the cache
    yield
    cache.clear()


def api_as(user):
    client = APIClient()
    if user is not None:
        _, key = ApiToken.issue(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def payload(**overrides):
    body = {
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "channel": "phone",
        "reference": "ZD-4821",
        "topic": "Refund request",
        "summary": "Customer asked about a late refund.",
        "self_evaluation": {"ratings": dict(RATINGS), "comments": {"fairness": "Could be fairer"}},
    }
    body.update(overrides)
    return body


def counts():
    return Interaction.objects.count(), Evaluation.objects.count(), Rating.objects.count()


# Tokens ---------------------------------------------------------------------------------------


def test_profile_creates_a_token_shown_once_and_stored_hashed(login, agent):
    client = login(agent)
    response = client.post("/profile/", {"name": "Zendesk app"})
    body = response.content.decode()
    token = ApiToken.objects.get()
    key = body.split('data-testid="new-key">')[1].split("<")[0]
    assert key.startswith(token.prefix) and token.key_hash == ApiToken.hash(key)
    assert key not in str(ApiToken.objects.values_list())
    assert key not in client.get("/profile/").content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/rubric/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Revoked, it stops working at once.
    client.post(f"/profile/tokens/{token.pk}/revoke/")
    assert api.get("/api/v1/rubric/").status_code == 401


def test_profile_token_bad_input(login, agent):
    client = login(agent)
    for name in ["", "   ", "x" * 61]:
        response = client.post("/profile/", {"name": name})
        assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    for number in range(ApiToken.MAX_PER_USER):
        ApiToken.issue(user=agent, name=f"t{number}")
    response = client.post("/profile/", {"name": "one too many"})
    assert "revoke one" in response.content.decode()
    assert ApiToken.objects.count() == ApiToken.MAX_PER_USER


def test_nobody_revokes_someone_elses_token(login, agent, other_agent):
    token, _ = ApiToken.issue(user=agent, name="mine")
    assert login(other_agent).post(f"/profile/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert login(agent).get(f"/profile/tokens/{token.pk}/revoke/").status_code == 405


@pytest.mark.parametrize(
    "header",
    [None, "Token nope", "Token ", "Bearer ek_wrong", "Token a b", "Basic dXNlcjpwYXNz"],
)
def test_missing_or_bad_tokens_are_401(header):
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/interactions/")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_an_inactive_users_token_is_refused(agent):
    client = api_as(agent)
    agent.is_active = False
    agent.save()
    assert client.get("/api/v1/rubric/").status_code == 401


def test_tokens_expire_after_the_configured_days(agent, settings, time_machine):
    settings.API_TOKEN_DAYS = 30
    time_machine.move_to(timezone.now(), tick=False)
    token, key = ApiToken.issue(user=agent, name="BI export")
    assert token.expires_at == timezone.now() + timedelta(days=30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    time_machine.shift(timedelta(days=30) - timedelta(seconds=1))
    assert client.get("/api/v1/rubric/").status_code == 200
    time_machine.shift(timedelta(seconds=1))
    response = client.get("/api/v1/rubric/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"] and "profile page" in response.json()["detail"]


def test_the_default_expiry_is_ninety_days(agent):
    token, _ = ApiToken.issue(user=agent, name="helpdesk")
    assert timedelta(days=90) - (token.expires_at - timezone.now()) < timedelta(minutes=1)


def test_a_read_only_token_reads_but_changes_nothing(login, agent):
    response = login(agent).post("/profile/", {"name": "BI export", "read_only": "on"})
    key = response.content.decode().split('data-testid="new-key">')[1].split("<")[0]
    assert ApiToken.objects.get().read_only
    assert "read only" in login(agent).get("/profile/").content.decode()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/interactions/").status_code == 200
    assert client.options("/api/v1/interactions/").status_code == 200
    for method in ["post", "put", "patch", "delete"]:
        response = getattr(client, method)("/api/v1/interactions/", payload(), format="json")
        assert response.status_code == 403, method
        assert "read-only" in response.json()["detail"]
    assert not Interaction.objects.exists()
    # The same person's read-and-write token may write.
    assert api_as(agent).post("/api/v1/interactions/", payload(), format="json").status_code == 201


def test_session_authentication_works_for_the_browser(client, agent):
    client.force_login(agent)
    assert client.get("/api/v1/rubric/").status_code == 200


# The rubric -----------------------------------------------------------------------------------


def test_rubric_shape(agent):
    body = api_as(agent).get("/api/v1/rubric/").json()
    assert body["version"] == 1
    keys = [criterion["key"] for criterion in body["criteria"]]
    assert keys == ["empathy", "accuracy", "fairness", "transparency", "respect"]
    empathy = body["criteria"][0]
    assert (
        empathy["weight"] == 25 and empathy["critical"] is False and empathy["allows_na"] is False
    )
    assert set(empathy["levels"]) == {"1", "2", "3", "4", "5"}


# Creating interactions ------------------------------------------------------------------------


def test_create_scores_exactly_as_the_engine(agent):
    response = api_as(agent).post("/api/v1/interactions/", payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    evaluation = body["self_evaluation"]
    assert evaluation["score"] == "4.20" and evaluation["percent"] == "80.0"
    assert evaluation["critical_fail"] is False and evaluation["rubric_version"] == 1
    assert evaluation["ratings"] == RATINGS
    assert evaluation["comments"] == {"fairness": "Could be fairer"}
    assert body["reference"] == "ZD-4821" and body["agent"] == "alice" and body["review"] is None
    stored = Evaluation.objects.get()
    assert str(stored.score) == "4.20" and str(stored.percent) == "80.0"


def test_idempotency_key_stores_one_interaction(agent):
    client = api_as(agent)
    key = str(uuid.uuid4())
    first = client.post("/api/v1/interactions/", payload(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    second = client.post(
        "/api/v1/interactions/", payload(), format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Interaction.objects.count() == 1
    bad = client.post("/api/v1/interactions/", payload(), format="json", HTTP_IDEMPOTENCY_KEY="x")
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"self_evaluation": {"ratings": {**RATINGS, "empathy": 6}}}, "self_evaluation", 400),
        ({"self_evaluation": {"ratings": {**RATINGS, "empathy": "4"}}}, "self_evaluation", 400),
        ({"self_evaluation": {"ratings": {**RATINGS, "empathy": True}}}, "self_evaluation", 400),
        ({"self_evaluation": {"ratings": {**RATINGS, "empathy": 4.5}}}, "self_evaluation", 400),
        ({"self_evaluation": {"ratings": {**RATINGS, "empathy": None}}}, "self_evaluation", 400),
        ({"self_evaluation": {"ratings": {"empathy": 4}}}, "self_evaluation", 400),
        ({"self_evaluation": {"ratings": {**RATINGS, "kindness": 4}}}, "self_evaluation", 400),
        ({"self_evaluation": {"ratings": {**RATINGS, "fairness": 2}}}, "fairness", 422),
        ({"self_evaluation": {"ratings": {}}}, "self_evaluation", 400),
        ({"self_evaluation": "4"}, "self_evaluation", 400),
        ({"channel": "pigeon"}, "channel", 400),
        ({"reference": "jane.doe@example.com"}, "reference", 400),
        ({"reference": "x" * 65}, "reference", 400),
        ({"topic": ""}, "topic", 400),
        ({"occurred_at": "yesterday"}, "occurred_at", 400),
        ({"occurred_at": (timezone.now() + timedelta(days=2)).isoformat()}, "occurred_at", 422),
        ({"occurred_at": (timezone.now() - timedelta(days=400)).isoformat()}, "occurred_at", 422),
        ({"summary": "y" * 1001}, "summary", 400),
    ],
)
def test_create_bad_input_is_refused_with_a_message_and_saves_nothing(agent, change, field, status):
    # 400: the body breaks the schema; 422: well formed, but a rule about the data refuses it.
    before = counts()
    response = api_as(agent).post("/api/v1/interactions/", payload(**change), format="json")
    assert response.status_code == status
    body = response.json()
    assert field in body, body
    assert counts() == before


def test_create_needs_fields_and_json(agent):
    client = api_as(agent)
    response = client.post("/api/v1/interactions/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {
        "occurred_at",
        "channel",
        "reference",
        "topic",
        "self_evaluation",
    }
    response = client.post("/api/v1/interactions/", "not json", content_type="application/json")
    assert response.status_code == 400
    response = client.post("/api/v1/interactions/", "a=1", content_type="text/plain")
    assert response.status_code == 415


def test_only_agents_self_score(personas):
    """An admin does not record interactions (ETHICSKIT_ADMINS_REVIEW off); a supervisor must
    name the agent, and never sends a self-evaluation (tests/test_record_interaction_api.py)."""
    response = api_as(personas["admin"]).post("/api/v1/interactions/", payload(), format="json")
    assert response.status_code == 403
    response = api_as(personas["supervisor"]).post(
        "/api/v1/interactions/", payload(), format="json"
    )
    assert response.status_code == 403
    assert "Name the agent" in response.json()["agent"][0]
    assert Interaction.objects.count() == 0


# Reading interactions -------------------------------------------------------------------------


@pytest.fixture
def world(agent, other_agent, supervisor):
    mine = self_score(agent, reference="ZD-MINE", days_ago=3)
    reviewed = self_score(agent, reference="ZD-REVIEWED", days_ago=2)
    review(reviewed.interaction, supervisor, {**RATINGS, "accuracy": 3})
    theirs = self_score(other_agent, reference="ZD-SOUTH", days_ago=1)
    return {
        "mine": mine.interaction,
        "reviewed": reviewed.interaction,
        "theirs": theirs.interaction,
    }


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("agent", {"ZD-MINE", "ZD-REVIEWED"}),
        ("other_agent", {"ZD-SOUTH"}),
        ("supervisor", {"ZD-MINE", "ZD-REVIEWED"}),
        ("other_supervisor", {"ZD-SOUTH"}),
        ("admin", {"ZD-MINE", "ZD-REVIEWED", "ZD-SOUTH"}),
    ],
)
def test_list_applies_the_web_visibility(personas, world, persona, visible):
    body = api_as(personas[persona]).get("/api/v1/interactions/").json()
    assert {row["reference"] for row in body["results"]} == visible
    assert body["count"] == len(visible)


def test_leaders_see_the_self_score_only_after_reviewing(supervisor, agent, world):
    rows = {
        row["reference"]: row
        for row in api_as(supervisor).get("/api/v1/interactions/").json()["results"]
    }
    assert rows["ZD-MINE"]["self_evaluation"] is None and rows["ZD-MINE"]["review"] is None
    assert rows["ZD-REVIEWED"]["self_evaluation"]["score"] == "4.20"
    assert rows["ZD-REVIEWED"]["review"]["ratings"]["accuracy"] == 3
    mine = api_as(agent).get(f"/api/v1/interactions/{world['mine'].pk}/").json()
    assert mine["self_evaluation"]["score"] == "4.20"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("agent", 200),
        ("other_agent", 404),
        ("supervisor", 200),
        ("other_supervisor", 404),
        ("admin", 200),
    ],
)
def test_detail_by_persona(personas, world, persona, expected):
    response = api_as(personas[persona]).get(f"/api/v1/interactions/{world['mine'].pk}/")
    assert response.status_code == expected
    assert api_as(personas[persona]).get("/api/v1/interactions/999999/").status_code == 404


def test_list_filters(admin_user, agent, north, world):
    client = api_as(admin_user)

    def refs(query):
        response = client.get(f"/api/v1/interactions/?{query}")
        assert response.status_code == 200, response.json()
        return {row["reference"] for row in response.json()["results"]}

    assert refs(f"agent={agent.pk}") == {"ZD-MINE", "ZD-REVIEWED"}
    assert refs(f"team={north.pk}") == {"ZD-MINE", "ZD-REVIEWED"}
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert refs(f"from={day}&to={day}") == {"ZD-REVIEWED"}
    assert refs(f"from={day}") == {"ZD-REVIEWED", "ZD-SOUTH"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("agent=abc", "agent"),
        ("team=-1", "team"),
        ("team=99999999999999999999999", "team"),
        ("from=2026-02-30", "from"),
        ("to=tomorrow", "to"),
    ],
)
def test_list_bad_filters_are_400(admin_user, query, field):
    response = api_as(admin_user).get(f"/api/v1/interactions/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_from_after_to_is_an_empty_window(admin_user, world):
    """The schema cannot state a rule across two parameters, so the API accepts the request
    and answers what lies between: nothing."""
    response = api_as(admin_user).get("/api/v1/interactions/?from=2026-05-02&to=2026-05-01")
    assert response.status_code == 200 and response.json()["results"] == []


def test_list_pagination(agent):
    for number in range(3):
        self_score(agent, reference=f"ZD-{number}")
    client = api_as(agent)
    body = client.get("/api/v1/interactions/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert client.get("/api/v1/interactions/?page=9").status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_is_constant(agent, supervisor, count, django_assert_max_num_queries):
    for number in range(count):
        scored = self_score(agent, reference=f"ZD-{number}")
        if number % 2:
            review(scored.interaction, supervisor)
    client = api_as(supervisor)
    with django_assert_max_num_queries(9):
        response = client.get("/api/v1/interactions/")
    assert response.status_code == 200 and response.json()["count"] == count


# Reviews --------------------------------------------------------------------------------------


def review_body(**overrides):
    body = {"ratings": {**RATINGS, "accuracy": 4}, "comments": {}, "comment": "Well handled."}
    body.update(overrides)
    return body


def test_supervisor_reviews_through_the_api(supervisor, world):
    url = f"/api/v1/interactions/{world['mine'].pk}/reviews/"
    response = api_as(supervisor).post(url, review_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "review" and body["author"] == "sue"
    # (25x4 + 25x4 + 20x3 + 15x4 + 15x5) / 100 = 3.95 -> 73.8%
    assert body["score"] == "3.95" and body["percent"] == "73.8"
    again = api_as(supervisor).post(url, review_body(), format="json")
    assert again.status_code == 409 and "already been reviewed" in str(again.json())
    assert Evaluation.objects.filter(kind="review").count() == 2  # the fixture's and this one


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("agent", 403), ("other_agent", 403), ("other_supervisor", 404), ("admin", 403)],
)
def test_review_by_persona(personas, world, persona, expected):
    url = f"/api/v1/interactions/{world['mine'].pk}/reviews/"
    before = counts()
    response = api_as(personas[persona]).post(url, review_body(), format="json")
    assert response.status_code == expected
    if expected != 201:
        assert counts() == before


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        (review_body(ratings={**RATINGS, "respect": 0}), "ratings", 400),
        (review_body(ratings={**RATINGS, "respect": 2}), "respect", 422),
        (review_body(comment="Call 020 7946 0958"), "comment", 400),
        ({"comment": "No ratings"}, "ratings", 400),
    ],
)
def test_review_bad_input(supervisor, world, body, field, status):
    before = counts()
    response = api_as(supervisor).post(
        f"/api/v1/interactions/{world['mine'].pk}/reviews/", body, format="json"
    )
    assert response.status_code == status and field in response.json()
    assert counts() == before


# Team summary ---------------------------------------------------------------------------------


def test_team_summary(supervisor, north, world):
    response = api_as(supervisor).get(f"/api/v1/teams/{north.pk}/summary/")
    assert response.status_code == 200
    body = response.json()
    assert body["team"] == {"id": north.pk, "name": "North"}
    assert body["count"] == 2 and body["reviewed"] == 1
    assert body["self_score"] == "4.20" and body["self_percent"] == "80.0"
    # The review rated accuracy 3: (100 + 75 + 60 + 60 + 75) / 100 = 3.70 -> 67.5%
    assert body["review_score"] == "3.70" and body["review_percent"] == "67.5"
    accuracy = next(row for row in body["criteria"] if row["key"] == "accuracy")
    assert accuracy == {
        "key": "accuracy",
        "name": "Accuracy",
        "weight": 25,
        "self_average": "5.00",
        "review_average": "3.00",
    }
    old = (timezone.localdate() - timedelta(days=200)).isoformat()
    empty = api_as(supervisor).get(f"/api/v1/teams/{north.pk}/summary/?from={old}&to={old}").json()
    assert empty["count"] == 0 and empty["self_score"] is None


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("agent", 403),
        ("other_agent", 403),
        ("supervisor", 200),
        ("other_supervisor", 404),
        ("admin", 200),
    ],
)
def test_team_summary_by_persona(personas, north, persona, expected):
    assert (
        api_as(personas[persona]).get(f"/api/v1/teams/{north.pk}/summary/").status_code == expected
    )


def test_team_summary_bad_dates(supervisor, north):
    response = api_as(supervisor).get(f"/api/v1/teams/{north.pk}/summary/?from=2026-99-01")
    assert response.status_code == 400 and "from" in response.json()


# Schema, docs, methods and throttling ---------------------------------------------------------


def test_schema_and_docs_come_from_our_own_static_files(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/interactions/" in text and "tokenAuth" in text
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower() and "<script>" not in docs  # no inline script either


def test_wrong_methods_are_405(agent, world):
    client = api_as(agent)
    assert client.delete(f"/api/v1/interactions/{world['mine'].pk}/").status_code == 405
    assert client.post("/api/v1/rubric/", {}, format="json").status_code == 405
    assert client.put("/api/v1/interactions/", {}, format="json").status_code == 405


def test_users_are_throttled(agent, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(
        UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "3/minute"}
    )
    client = api_as(agent)
    statuses = [client.get("/api/v1/rubric/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "detail" in client.get("/api/v1/rubric/").json()


# Library and checklists -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["agent", "other_agent", "supervisor", "admin"])
def test_scripts_faq_and_checklists_are_readable_by_every_role(personas, persona):
    client = api_as(personas[persona])
    for url in ("/api/v1/scripts/", "/api/v1/faq/", "/api/v1/checklists/"):
        assert client.get(url).status_code == 200, url


def test_content_endpoints_need_a_login():
    for url in ("/api/v1/scripts/", "/api/v1/faq/", "/api/v1/checklists/"):
        assert APIClient().get(url).status_code == 401


def test_scripts_list_published_only_for_agents(agent, admin_user):
    from scripts_library.models import Script

    draft = Script.objects.published().first()
    Script.objects.filter(pk=draft.pk).update(status="draft")
    agent_slugs = {
        row["slug"] for row in api_as(agent).get("/api/v1/scripts/?page_size=200").json()["results"]
    }
    admin_slugs = {
        row["slug"]
        for row in api_as(admin_user).get("/api/v1/scripts/?page_size=200").json()["results"]
    }
    assert draft.slug not in agent_slugs and draft.slug in admin_slugs
    script = next(row for row in api_as(agent).get("/api/v1/scripts/").json()["results"])
    assert set(script) >= {"slug", "title", "body", "placeholders", "criteria", "version"}


def test_script_search_ranks_and_forgives_typos(agent):
    from scripts_library.models import Script

    target = Script.objects.published().order_by("title").first()
    client = api_as(agent)
    exact = client.get("/api/v1/scripts/", {"q": target.title}).json()["results"]
    assert exact[0]["slug"] == target.slug
    word = max(target.title.split(), key=len)
    typo = word[:2] + word[3:]  # one letter dropped
    assert target.slug in {
        row["slug"] for row in client.get("/api/v1/scripts/", {"q": typo}).json()["results"]
    }


def test_faq_search_and_bad_queries(agent):
    client = api_as(agent)
    all_entries = client.get("/api/v1/faq/?page_size=200").json()
    assert all_entries["count"] >= 30
    # A word of the FAQ's own ("refund" is in none, and is no typo of any FAQ word).
    found = client.get("/api/v1/faq/", {"q": "promise"}).json()
    assert 0 < found["count"] < all_entries["count"]
    too_long = client.get("/api/v1/faq/", {"q": "x" * 5000})
    assert too_long.status_code == 400 and "q" in too_long.json()
    hostile = client.get("/api/v1/faq/", {"q": "'; DROP TABLE rubrics_rating; -- <script>"})
    assert hostile.status_code == 200
    assert Rating.objects.count() == 0  # the table is still there, untouched


def test_faq_search_answers_with_the_best_60_not_one_page(agent):
    from scripts_library.models import FaqCategory, FaqEntry

    category = FaqCategory.objects.first()
    for number in range(65):
        FaqEntry.objects.create(category=category, question=f"Kiwi {number}?", answer="Kiwi.")
    found = api_as(agent).get("/api/v1/faq/", {"q": "kiwi"}).json()
    assert found["count"] == 60


def test_checklists_follow_the_audience(agent, supervisor):
    agent_kinds = {row["kind"] for row in api_as(agent).get("/api/v1/checklists/").json()}
    leader_kinds = {row["kind"] for row in api_as(supervisor).get("/api/v1/checklists/").json()}
    assert agent_kinds == {"interaction"}
    assert leader_kinds == {"interaction", "policy"}
    checklist = api_as(agent).get("/api/v1/checklists/").json()[0]
    assert len(checklist["items"]) == 10 and checklist["items"][0]["question"]


def test_content_lists_take_constant_queries(agent, django_assert_max_num_queries):
    client = api_as(agent)
    for url in ("/api/v1/scripts/", "/api/v1/faq/", "/api/v1/checklists/", "/api/v1/faq/?q=refund"):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200, url
