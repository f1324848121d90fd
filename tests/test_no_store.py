"""Signed-in pages, exports and API answers tell browsers and proxies to keep no copy."""

import pytest
from rest_framework.test import APIClient

from teams.models import ApiToken
from tests.conftest import review, self_score


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.fixture
def reviewed(agent, supervisor):
    interaction = self_score(agent, reference="ZD-NOSTORE").interaction
    review(interaction, supervisor)
    return interaction


def test_the_dashboard_export_is_not_stored(login, supervisor, reviewed):
    response = login(supervisor).get("/dashboard/export.csv")
    assert response.status_code == 200
    assert no_store(response)


def test_an_interaction_page_is_not_stored(login, agent, supervisor, reviewed):
    for user in (agent, supervisor):
        response = login(user).get(f"/interactions/{reviewed.pk}/")
        assert response.status_code == 200
        assert no_store(response), user


def test_the_audit_pages_are_not_stored(login, admin_user, reviewed):
    client = login(admin_user)
    for path in ("/audit/", "/audit/export.csv"):
        response = client.get(path)
        assert response.status_code == 200
        assert no_store(response), path


def test_the_personal_data_download_and_the_profile_are_not_stored(login, agent):
    client = login(agent)
    for path in ("/profile/export.json", "/profile/"):
        response = client.get(path)
        assert response.status_code == 200
        assert no_store(response), path


def test_the_agent_home_page_is_not_stored_when_served_from_the_page_cache(
    login, agent, settings, django_assert_num_queries
):
    settings.PAGE_CACHE = True
    client = login(agent)
    first = client.get("/")
    with django_assert_num_queries(2):  # the session and the user: the kept copy
        second = client.get("/")
    assert no_store(first) and no_store(second)


def test_api_answers_are_not_stored(agent, reviewed):
    _, key = ApiToken.issue(user=agent, name="Helpdesk")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    for path in ("/api/v1/rubric/", f"/api/v1/interactions/{reviewed.pk}/"):
        response = api.get(path)
        assert response.status_code == 200
        assert no_store(response), path
    refused = APIClient().get("/api/v1/rubric/")
    assert refused.status_code == 401
    assert no_store(refused)


def test_error_pages_of_signed_in_people_are_not_stored_either(login, agent):
    response = login(agent).get("/audit/")
    assert response.status_code == 403
    assert no_store(response)
