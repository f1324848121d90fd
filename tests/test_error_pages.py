"""The friendly 403, 404, 500 and 503 pages (JSON under /api/), with DEBUG off as in production."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.template.loader import render_to_string

from ethicskit import home, views
from ethicskit.middleware import database_unavailable_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_client(client, settings):
    settings.DEBUG = False
    # Let the 500 handler answer, as it does for real visitors, instead of raising in the test.
    client.raise_request_exception = False
    return client


def fail_with(monkeypatch, error):
    def broken(user):
        raise error

    # The home page asks for the agent's unread reviews: a convenient place to break.
    monkeypatch.setattr(home, "unread_review_count", broken)


def test_404_page_is_friendly(production_client, agent):
    production_client.force_login(agent)
    response = production_client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find that page" in page
    assert 'href="/"' in page


def test_404_under_the_api_stays_json(production_client):
    response = production_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_403_page_is_friendly(production_client, agent):
    production_client.force_login(agent)
    response = production_client.get("/reviews/")
    assert response.status_code == 403
    assert "This page is not open to your role" in response.content.decode()


def test_403_under_the_api_is_json(rf):
    response = views.permission_denied(rf.get("/api/v1/anything/"), PermissionDenied())
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


def test_csrf_failure_page_explains_what_to_do(client, agent):
    client.handler.enforce_csrf_checks = True
    client.force_login(agent)
    response = client.post("/score/", {})
    assert response.status_code == 403
    page = response.content.decode()
    assert "That form could not be sent" in page and "Nothing was saved" in page


def test_500_page_is_friendly(production_client, monkeypatch, agent):
    fail_with(monkeypatch, RuntimeError("boom"))
    production_client.force_login(agent)
    response = production_client.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_500_under_the_api_stays_json(production_client, monkeypatch, agent):
    from rubrics import api

    monkeypatch.setattr(api, "RubricSerializer", None)
    production_client.force_login(agent)
    response = production_client.get("/api/v1/rubric/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side."}


def test_500_template_needs_neither_request_nor_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert "Something went wrong on our side" in page


def test_a_bad_query_is_a_500_not_an_outage(production_client, monkeypatch, agent):
    fail_with(monkeypatch, ProgrammingError("column does not exist"))
    production_client.force_login(agent)
    assert production_client.get("/").status_code == 500


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_lost_database_in_a_view_gives_the_503_page(production_client, monkeypatch, agent, error):
    fail_with(monkeypatch, error("server closed the connection unexpectedly"))
    production_client.force_login(agent)
    response = production_client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "EthicsKit is briefly unavailable" in response.content.decode()
    assert "Content-Security-Policy" in response


def test_lost_database_outside_a_view_still_gives_503(
    production_client, monkeypatch, settings, agent
):
    """The session is saved after the view, by middleware: the 500 handler hands it to the 503."""
    from django.contrib.sessions.backends.db import SessionStore

    def unreachable(self, must_create=False):
        raise OperationalError("could not connect to server")

    settings.SESSION_SAVE_EVERY_REQUEST = True
    production_client.force_login(agent)
    monkeypatch.setattr(SessionStore, "save", unreachable)
    response = production_client.get("/")
    assert response.status_code == 503
    assert "EthicsKit is briefly unavailable" in response.content.decode()


def test_lost_database_under_the_api_is_json_503(production_client, monkeypatch, agent):
    from rubrics import api

    class Unreachable:
        @staticmethod
        def prefetch_related(*args):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr(api.Rubric, "objects", Unreachable())
    production_client.force_login(agent)
    response = production_client.get("/api/v1/rubric/")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("The service is briefly unavailable")


def test_the_503_answer_never_touches_the_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        page = database_unavailable_response(rf.get("/my/scores/"))
        api = database_unavailable_response(rf.get("/api/v1/interactions/"))
    assert page.status_code == api.status_code == 503
    assert "briefly unavailable" in page.content.decode()
