"""Repeated failed sign-ins pause one username from one address (django-axes); admins lift the
pause in the Django admin; strong passwords are required."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from teams.models import ApiToken
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username="alice", times=1, address="203.0.113.7"):
    for _ in range(times):
        response = sign_in(client, username, "not-the-password", address)
    return response


def test_limit_and_cool_off_defaults():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_a_wrong_password_below_the_limit_just_asks_again(client, agent):
    response = fail(client, times=4)
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 4


def test_the_fifth_failure_pauses_sign_in_with_a_clear_page(client, agent):
    response = fail(client, times=5)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in paused for this account" in page
    assert "5 unsuccessful attempts" in page and "<strong>alice</strong>" in page
    assert "try again in 15 minutes" in page
    assert "contact your administrator" in page
    assert response["Content-Security-Policy"]
    # Even the right password is refused while the pause lasts.
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_pause_is_for_that_username_from_that_address_only(client, agent, other_agent):
    fail(client, times=5)
    assert sign_in(client, "alice", PASSWORD, address="198.51.100.2").status_code == 302
    client.logout()
    assert sign_in(client, "oscar", PASSWORD).status_code == 302


def test_the_pause_ends_after_the_cool_off(client, agent):
    fail(client, times=5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302 and response.url == "/"


def test_a_successful_sign_in_resets_the_count(client, agent):
    fail(client, times=4)
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.filter(username="alice").exists()
    response = fail(client, times=4)
    assert response.status_code == 200
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_an_admin_lifts_the_pause_in_the_django_admin(client, agent, admin_user):
    fail(client, times=5)
    attempt = AccessAttempt.objects.get(username="alice")

    admin = client.__class__()
    admin.force_login(admin_user)
    listing = admin.get("/admin/axes/accessattempt/?locked_out=yes")
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    assert sign_in(client, "alice", PASSWORD).status_code == 302


@pytest.mark.parametrize("persona", ["agent", "supervisor"])
def test_only_admins_see_or_lift_pauses(client, personas, persona):
    fail(client, times=5)
    attempt = AccessAttempt.objects.get()
    client.force_login(personas[persona])
    assert client.get("/admin/axes/accessattempt/").status_code == 302
    client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_the_admin_login_page_is_guarded_too(client, admin_user):
    for _ in range(5):
        response = client.post(
            "/admin/login/", {"username": "ada", "password": "wrong"}, REMOTE_ADDR="203.0.113.9"
        )
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()


def test_api_tokens_keep_working_for_a_paused_username(client, agent):
    _, key = ApiToken.issue(user=agent, name="helpdesk")
    fail(client, times=5)
    response = client.get("/api/v1/interactions/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_force_login_is_untouched_by_a_pause(client, agent):
    fail(client, times=5)
    client.force_login(agent)
    assert client.get("/").status_code == 200


def test_trusted_proxies_decide_which_forwarded_address_counts(client, agent, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        sign_in_through_proxy = client.post(
            LOGIN,
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            # The left part is what the client claimed; the proxy appended the real address.
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50",
        )
    assert sign_in_through_proxy.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.50"
    # Another client behind the same proxy is not paused.
    other = client.post(
        LOGIN,
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.51",
    )
    assert other.status_code == 302


def test_limit_and_cool_off_come_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s;"
            "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds())",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ethicskit.settings",
            "AXES_FAILURE_LIMIT": "3",
            "AXES_COOLOFF_MINUTES": "60",
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["3", "3600.0"], result.stderr


@pytest.mark.parametrize(
    ("weak", "reason"),
    [
        ("plum92", "too short"),
        ("password123", "too common"),
        ("4815162342", "entirely numeric"),
        ("alice_123", "too similar to the username"),
    ],
)
def test_weak_passwords_are_refused(agent, weak, reason):
    with pytest.raises(ValidationError) as refused:
        validate_password(weak, user=agent)
    assert any(reason in message for message in refused.value.messages)


def test_a_strong_password_is_accepted(agent):
    assert validate_password("plum-orbit-lantern-92", user=agent) is None
