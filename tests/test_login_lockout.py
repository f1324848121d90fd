"""Repeated failed sign-ins pause one username from any address, and one address for any
usernames (django-axes with ethicskit/lockout.py); pauses grow but cannot be stretched by
attempts made during them; admins lift a pause in the Django admin; strong passwords are
required."""

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
    assert settings.LOCKOUT_ADDRESS_FAILURE_LIMIT == 20
    assert settings.LOCKOUT_FIRST_PAUSE == timedelta(minutes=5)
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=60)
    assert settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is False
    assert settings.AXES_HANDLER == "ethicskit.lockout.ThrottlingHandler"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.TRUSTED_PROXY_COUNT == 0


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
    assert "try again in 5 minutes" in page
    assert "contact your administrator" in page
    assert response["Content-Security-Policy"]
    # Even the right password is refused while the pause lasts.
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_pause_holds_the_username_from_every_address(client, agent, other_agent):
    for number in range(5):
        fail(client, address=f"198.51.100.{number + 1}")
    response = sign_in(client, "alice", PASSWORD, address="192.0.2.77")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Other people signing in from the same addresses are not held.
    assert sign_in(client, "oscar", PASSWORD, address="198.51.100.1").status_code == 302


def test_the_pause_ends_after_the_first_pause(client, agent, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    fail(client, times=5)
    time_machine.shift(timedelta(minutes=4))
    assert sign_in(client, "alice", PASSWORD).status_code == 429
    time_machine.shift(timedelta(minutes=1, seconds=1))
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302 and response.url == "/"


def test_an_attacker_cannot_keep_a_colleague_out(client, agent, time_machine):
    """Guesses from many addresses pause alice once; guessing on through the pause does not
    stretch it, so when it ends her right password works."""
    time_machine.move_to(timezone.now(), tick=False)
    attacker = client.__class__()
    for number in range(5):
        fail(attacker, address=f"198.51.100.{number + 1}")
    for minute in range(5):
        time_machine.shift(timedelta(seconds=59))
        for number in range(10):
            assert fail(attacker, address=f"192.0.2.{minute * 10 + number}").status_code == 429
    assert AccessAttempt.objects.filter(username="alice").count() == 5
    time_machine.shift(timedelta(seconds=6))  # 5 minutes after the fifth counted failure
    response = sign_in(client, "alice", PASSWORD, address="203.0.113.99")
    assert response.status_code == 302 and response.url == "/"


def test_each_failure_after_a_pause_doubles_the_next_one_up_to_the_longest(
    client, agent, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    fail(client, times=5)
    pause = timedelta(minutes=5)
    for minutes in [10, 20, 40, 60]:
        time_machine.shift(pause + timedelta(seconds=1))
        # The first guess after a pause is checked; wrong, it starts a longer pause.
        page = fail(client).content.decode()
        assert f"try again in {minutes} minutes" in page, page
        pause = timedelta(minutes=minutes)
    time_machine.shift(pause - timedelta(seconds=2))
    assert sign_in(client, "alice", PASSWORD).status_code == 429
    # After the longest pause the failures are forgotten: a wrong guess just asks again.
    time_machine.shift(timedelta(seconds=3))
    assert fail(client).status_code == 200
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_spraying_one_password_over_many_usernames_is_paused(client, agent, other_agent):
    for number in range(20):
        response = sign_in(client, f"person{number}", "Summer2026!")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in paused for this network" in page and "20 unsuccessful attempts" in page
    # Even a right password waits from that address; from another one it works.
    assert sign_in(client, "oscar", PASSWORD).status_code == 429
    assert sign_in(client, "oscar", PASSWORD, address="198.51.100.8").status_code == 302
    assert not AccessAttempt.objects.filter(username="oscar").exists()


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


def spray(client, times, forwarded_for, remote_addr="10.0.0.1"):
    """One password tried over many usernames, each with the X-Forwarded-For it is given."""
    for number in range(times):
        response = client.post(
            LOGIN,
            {"username": f"person{number}", "password": "Summer2026!"},
            REMOTE_ADDR=remote_addr,
            HTTP_X_FORWARDED_FOR=forwarded_for(number),
        )
    return response


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(client, other_agent):
    response = spray(client, 20, lambda number: f"198.51.100.{number}")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}
    refused = client.post(
        LOGIN,
        {"username": "oscar", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert refused.status_code == 429


def test_behind_one_proxy_only_the_address_it_appended_counts(client, other_agent, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The left part is what the client claimed; the proxy appended the real address.
    response = spray(client, 20, lambda number: f"198.51.100.{number}, 203.0.113.50")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.50"}
    # Another visitor behind the same proxy is not held.
    other = client.post(
        LOGIN,
        {"username": "oscar", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.51",
    )
    assert other.status_code == 302


@pytest.mark.parametrize("header", ["not-an-address", "", " , "])
def test_a_forwarded_for_without_an_address_counts_the_socket_address(db, client, settings, header):
    settings.TRUSTED_PROXY_COUNT = 1
    response = spray(client, 1, lambda number: header, remote_addr="10.0.0.9")
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "10.0.0.9"


def test_limit_and_cool_off_come_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s;"
            "print(s.AXES_FAILURE_LIMIT, s.LOCKOUT_ADDRESS_FAILURE_LIMIT,"
            "s.LOCKOUT_FIRST_PAUSE.total_seconds(), s.AXES_COOLOFF_TIME.total_seconds())",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ethicskit.settings",
            "AXES_FAILURE_LIMIT": "3",
            "AXES_ADDRESS_FAILURE_LIMIT": "50",
            "AXES_COOLOFF_MINUTES": "2",
            "AXES_MAX_COOLOFF_MINUTES": "120",
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["3", "50", "120.0", "7200.0"], result.stderr


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


def test_the_pause_page_says_when_the_pause_ends(client, agent, time_machine):
    time_machine.move_to("2026-03-02 09:00:00+00:00", tick=False)
    response = fail(client, times=5)
    page = response.content.decode()
    # 5 minutes after the fifth failure; the browser rewrites it in its own time zone.
    ends = page.split('data-testid="pause-ends"')[0].rsplit("<time", 1)[1]
    assert 'datetime="2026-03-02T09:05:00+00:00"' in ends
    assert "data-local-time" in ends
    assert "/static/js/local_time.js" in page
