"""Single sign-on settings that need no provider: the login page, passwords turned off but for
the break-glass account, and failures that end on the login page with a message. The round trip
through a real provider is in tests/e2e/test_single_sign_on.py."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from signin.oidc import OidcBackend, roles_from_claims
from teams.models import Role
from tests.conftest import PASSWORD, make_user


@pytest.fixture
def sso(settings):
    # Port 9 (discard) on this machine: nothing answers, so discovery fails at once.
    settings.ETHICSKIT_OIDC_ISSUER = "http://127.0.0.1:9/o"
    settings.ETHICSKIT_OIDC_CLIENT_ID = "ethicskit"
    settings.ETHICSKIT_OIDC_CLIENT_SECRET = "secret"
    settings.ETHICSKIT_OIDC_PROVIDER_NAME = "Example Corp"
    return settings


def password_sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_the_login_page_offers_the_provider_only_when_configured(client, db, settings):
    assert b"Sign in with" not in client.get(reverse("login")).content
    settings.ETHICSKIT_OIDC_ISSUER = "http://127.0.0.1:9/o"
    settings.ETHICSKIT_OIDC_CLIENT_ID = "ethicskit"
    assert b"Sign in with" not in client.get(reverse("login")).content  # no secret yet
    settings.ETHICSKIT_OIDC_CLIENT_SECRET = "secret"
    page = client.get(reverse("login") + "?next=/my/scores/").content.decode()
    assert "Sign in with single sign-on" in page
    assert f'href="{reverse("oidc_authentication_init")}?next=/my/scores/"' in page
    assert 'name="password"' in page


def test_passwords_still_work_under_single_sign_on_unless_turned_off(client, agent, sso):
    assert password_sign_in(client, "alice").status_code == 302


def test_with_passwords_off_only_the_break_glass_account_signs_in_with_one(
    client, agent, admin_user, sso
):
    sso.ETHICSKIT_LOCAL_PASSWORDS = False
    sso.ETHICSKIT_BREAK_GLASS_USERNAME = "ada"
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Example Corp" in page
    assert "Emergency sign-in with a password" in page

    refused = password_sign_in(client, "alice")
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert password_sign_in(client, "ada").status_code == 302


def test_turning_passwords_off_ends_the_sessions_they_began(client, agent, settings):
    assert password_sign_in(client, "alice").status_code == 302
    assert client.get("/").status_code == 200
    settings.ETHICSKIT_OIDC_ISSUER = "http://127.0.0.1:9/o"
    settings.ETHICSKIT_OIDC_CLIENT_ID = "ethicskit"
    settings.ETHICSKIT_OIDC_CLIENT_SECRET = "secret"
    settings.ETHICSKIT_LOCAL_PASSWORDS = False
    assert client.get("/")["Location"].startswith(reverse("login"))


def test_with_no_break_glass_name_nobody_signs_in_with_a_password(client, admin_user, sso):
    sso.ETHICSKIT_LOCAL_PASSWORDS = False
    assert password_sign_in(client, "ada").status_code == 200


def test_an_unreachable_provider_ends_on_the_login_page_with_a_message(client, db, sso):
    response = client.get(reverse("oidc_authentication_init"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Signing in with Example Corp did not work" in response.content.decode()


def test_a_callback_with_an_error_or_a_stranger_state_ends_on_the_login_page(client, db, sso):
    for query in ("error=access_denied&state=x", "code=abc&state=forged", ""):
        response = client.get(reverse("oidc_authentication_callback") + "?" + query)
        assert response.status_code == 302 and response["Location"] == reverse("login"), query
    assert client.get("/")["Location"].startswith(reverse("login"))


def test_the_role_map_reads_the_group_claim(settings):
    assert roles_from_claims({"groups": ["ethics-admins"]}) is None  # no map: roles untouched
    settings.ETHICSKIT_OIDC_ROLE_MAP = json.dumps(
        {"ethics-admins": Role.ADMIN, "team-leads": Role.SUPERVISOR, "helpdesk": Role.AGENT}
    )
    assert roles_from_claims({"groups": ["helpdesk", "team-leads", "other"]}) == {
        Role.AGENT,
        Role.SUPERVISOR,
    }
    assert roles_from_claims({"groups": "ethics-admins"}) == {Role.ADMIN}
    assert roles_from_claims({}) == set()
    settings.ETHICSKIT_OIDC_GROUPS_CLAIM = "roles"
    assert roles_from_claims({"roles": ["helpdesk"], "groups": ["ethics-admins"]}) == {Role.AGENT}
    settings.ETHICSKIT_OIDC_ROLE_MAP = json.dumps({"x": "Owner"})
    with pytest.raises(ImproperlyConfigured, match="unknown roles"):
        roles_from_claims({"groups": ["x"]})


def test_an_unverified_or_missing_email_is_refused(db):
    backend = OidcBackend()
    assert backend.verify_claims({"email": "a@example.com", "email_verified": True})
    assert backend.verify_claims({"email": "a@example.com"})
    assert not backend.verify_claims({"email": "a@example.com", "email_verified": False})
    assert not backend.verify_claims({"sub": "1"})


def test_a_new_person_whose_email_is_someone_elses_username_gets_another(db):
    make_user("pat@example.com", Role.AGENT, email="other@example.com")
    user = OidcBackend().create_user({"email": "Pat@Example.com"})
    assert user.username == "pat@example.com-2"
    assert user.email == "Pat@example.com"  # Django lowers the domain
