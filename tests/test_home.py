import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_login_page_renders_and_logs_an_agent_in(client, agent):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert b"Log in to EthicsKit" in page.content
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_gets_a_clear_message(client, agent):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert b"enter a correct username and password" in response.content


def test_logout_needs_post_and_returns_to_login(login, agent):
    client = login(agent)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_agent_home_shows_their_team_and_supervisor(
    login, agent, supervisor, django_assert_max_num_queries
):
    client = login(agent)
    with django_assert_max_num_queries(20):
        response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "You are in <strong>North</strong>" in body
    assert "Sue" in body
    assert "Teams you lead" not in body and "/admin/" not in body


def test_supervisor_home_lists_led_teams_only(login, supervisor, agent, other_agent, south):
    body = login(supervisor).get("/").content.decode()
    assert "Teams you lead" in body
    assert "<strong>North</strong> — 1 agent" in body
    assert "South" not in body
    assert "/admin/" not in body


def test_admin_home_links_to_administration(login, admin_user, agent):
    body = login(admin_user).get("/").content.decode()
    assert "Administration" in body
    assert "/admin/teams/team/" in body
    assert "/admin/scripts_library/script/" in body


def test_user_without_role_is_told_to_ask_for_one(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password=PASSWORD))
    body = client.get("/").content.decode()
    assert "no role yet" in body


def test_home_shows_the_rubric_weights(login, agent):
    body = login(agent).get("/").content.decode()
    assert "Empathy 25%" in body and "Respect 15%" in body


def test_home_refuses_post(login, agent):
    assert login(agent).post("/").status_code == 405


def test_agents_cannot_open_the_django_admin(login, agent):
    response = login(agent).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
