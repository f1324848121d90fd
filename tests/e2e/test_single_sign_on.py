"""Single sign-on against a real OpenID Connect provider, in a real browser.

The provider is tests/oidc_provider (django-oauth-toolkit with OpenID Connect on), started
here in a second process with gunicorn on a free port, its own PostgreSQL database beside the
test database, and an RSA signing key made for this run. EthicsKit finds its endpoints through
discovery and checks the ID token's signature against its published keys."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.db import connection

from teams.access import user_roles
from teams.models import Role
from tests.conftest import make_user
from tests.e2e.conftest import E2E

pytestmark = E2E

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "ethicskit-test"
CLIENT_SECRET = "test-client-secret-for-this-run-only"
PROVIDER_PASSWORD = "provider-password-for-tests"
PEOPLE = [
    # Unknown to EthicsKit: made on first sign-in.
    {"username": "pat", "email": "pat@example.com", "first_name": "Pat", "last_name": "Quinn",
     "groups": []},
    # Known to EthicsKit by e-mail (Alice, an agent); her company group makes her a supervisor.
    {"username": "alice.w", "email": "Alice@Example.com", "first_name": "Alice",
     "last_name": "Wood", "groups": ["ethics-supervisors"]},
    {"username": "ada.l", "email": "ada@example.com", "first_name": "Ada", "last_name": "L",
     "groups": ["ethics-admins"]},
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server(database: dict):
    """A connection to the PostgreSQL server that holds the test database, for CREATE/DROP."""
    options = {"dbname": "postgres", "user": database["USER"], "password": database["PASSWORD"]}
    options.update({"host": database["HOST"] or None, "port": database["PORT"] or None})
    server = psycopg2.connect(**{k: v for k, v in options.items() if v is not None})
    server.autocommit = True
    return server


@pytest.fixture(scope="module")
def oidc_provider(live_server, django_db_setup, django_db_blocker):
    """Start the provider; yield its issuer URL; stop it and drop its database."""
    with django_db_blocker.unblock():
        ours = connection.settings_dict
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": f"{ours['NAME']}_provider",
        **{key: ours[key] for key in ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")},
    }
    server = _server(ours)
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{database["NAME"]}"')
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}/o"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PROVIDER_DATABASE": json.dumps(database),
        "PROVIDER_ISSUER": issuer,
        "PROVIDER_RSA_KEY": key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        "PROVIDER_CLIENT": json.dumps(
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uri": f"{live_server.url}/accounts/sso/callback/",
            }
        ),
        "PROVIDER_PEOPLE": json.dumps([{**p, "password": PROVIDER_PASSWORD} for p in PEOPLE]),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider.prepare"], cwd=ROOT, env=env, check=True
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tests.oidc_provider.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None, "The test provider stopped while starting."
            assert time.monotonic() < deadline, "The test provider did not start in 60 s."
            time.sleep(0.3)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=20)
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}"')
        server.close()


@pytest.fixture
def sso(settings, oidc_provider):
    settings.ETHICSKIT_OIDC_ISSUER = oidc_provider
    settings.ETHICSKIT_OIDC_CLIENT_ID = CLIENT_ID
    settings.ETHICSKIT_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.ETHICSKIT_OIDC_PROVIDER_NAME = "Example Corp"
    return settings


def sign_in_at_the_provider(visitor, username):
    """Click "Sign in with …", sign in at the provider, consent; back at EthicsKit."""
    page = visitor.page
    page.goto("/accounts/login/")
    with page.expect_navigation():
        page.click("text=Sign in with Example Corp")
    assert page.url.startswith(visitor_provider_prefix(page)), page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PROVIDER_PASSWORD)
    with page.expect_navigation():
        page.click("text=Sign in at the provider")
    assert "Authorize EthicsKit?" in page.content()
    with page.expect_navigation(url=lambda url: "/accounts/sso/callback/" not in url):
        page.click("input[name=allow]")
    return page


def visitor_provider_prefix(page):
    return "http://127.0.0.1:"


def test_a_new_person_signs_in_through_the_provider_and_gets_no_role(visit, sso, live_server):
    visitor = visit()
    page = sign_in_at_the_provider(visitor, "pat")
    assert page.url == f"{live_server.url}/"
    assert "Log out" in page.content()
    visitor.check()

    pat = get_user_model().objects.get(email="pat@example.com")
    assert pat.username == "pat@example.com"
    assert (pat.first_name, pat.last_name) == ("Pat", "Quinn")
    assert user_roles(pat) == frozenset()
    assert not pat.has_usable_password()


def test_the_group_claim_gives_a_known_person_their_role(visit, sso, live_server, north):
    sso.ETHICSKIT_OIDC_ROLE_MAP = json.dumps(
        {"ethics-supervisors": Role.SUPERVISOR, "ethics-admins": Role.ADMIN}
    )
    alice = make_user("alice", Role.AGENT, team=north, email="alice@example.com")
    visitor = visit()
    page = sign_in_at_the_provider(visitor, "alice.w")
    assert page.url == f"{live_server.url}/"
    assert "Review queue" in page.content()

    assert get_user_model().objects.filter(email__iexact="alice@example.com").count() == 1
    alice = get_user_model().objects.get(pk=alice.pk)
    assert user_roles(alice) == {Role.SUPERVISOR}


def test_an_admin_from_the_provider_still_sets_up_our_second_factor(visit, sso, live_server):
    sso.ETHICSKIT_OIDC_ROLE_MAP = json.dumps({"ethics-admins": Role.ADMIN})
    visitor = visit()
    page = sign_in_at_the_provider(visitor, "ada.l")
    assert page.url.startswith(f"{live_server.url}/accounts/two-factor/setup/")
    visitor.check()
    ada = get_user_model().objects.get(email="ada@example.com")
    assert ada.is_staff and user_roles(ada) == {Role.ADMIN}

    visitor.pass_second_factor(ada.username)
    assert visitor.go("/admin/").title().startswith("Toolkit content, people and teams")


def test_with_a_provider_that_enforces_mfa_an_admin_goes_straight_in(visit, sso, live_server):
    sso.ETHICSKIT_OIDC_ROLE_MAP = json.dumps({"ethics-admins": Role.ADMIN})
    sso.ETHICSKIT_OIDC_ENFORCES_MFA = True
    visitor = visit()
    page = sign_in_at_the_provider(visitor, "ada.l")
    assert page.url == f"{live_server.url}/"
    assert visitor.go("/admin/").title().startswith("Toolkit content, people and teams")
