"""Sessions are Django's database sessions, read with plain SQL (ethicskit/sessions.py)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from ethicskit.sessions import SessionStore

pytestmark = pytest.mark.django_db


def stored_session(**data):
    session = SessionStore()
    session.update(data)
    session.create()
    return session.session_key


def test_a_stored_session_loads_its_data():
    key = stored_session(theme="dark", threshold="65.0")
    assert dict(SessionStore(key).load()) == {"theme": "dark", "threshold": "65.0"}


def test_an_expired_session_is_not_loaded_and_gets_a_new_key():
    key = stored_session(theme="dark")
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    session = SessionStore(key)
    assert session.load() == {}
    assert session.session_key is None  # saving it would create a new row, not revive this one


def test_an_unknown_key_loads_nothing():
    session = SessionStore("x" * 32)
    assert session.load() == {} and session.session_key is None


def test_signing_in_and_out_goes_through_it(client, agent):
    client.force_login(agent)
    response = client.get("/")
    assert response.status_code == 200
    assert type(response.wsgi_request.session) is SessionStore
    key = client.cookies["sessionid"].value
    assert SessionStore(key).load()["_auth_user_id"] == str(agent.pk)
    client.post("/accounts/logout/")
    assert not Session.objects.filter(pk=key).exists()
    assert client.get("/").status_code == 302  # to the login page
