"""Sessions end: 12 hours after sign-in at most, after 30 minutes without use, on "Sign out
everywhere else" and when the password changes. The profile lists them."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from teams.models import SignedInSession
from tests.conftest import PASSWORD

NEW_PASSWORD = "four-unrelated-words-here"


def sign_in(user, browser="Firefox on the office PC") -> Client:
    client = Client(HTTP_USER_AGENT=browser)
    response = client.post(
        "/accounts/login/", {"username": user.get_username(), "password": PASSWORD}
    )
    assert response.status_code == 302, response.content
    return client


def signed_in(client) -> bool:
    response = client.get("/profile/")
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
        return False
    assert response.status_code == 200
    return True


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def later(clock, **delta):
    clock.shift(timedelta(**delta))


def test_a_session_ends_after_thirty_idle_minutes(agent, clock):
    client = sign_in(agent)
    later(clock, minutes=29)
    assert signed_in(client)
    later(clock, minutes=29)  # 29 minutes since the last request: still in
    assert signed_in(client)
    later(clock, minutes=31)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "signed out after a while without activity" in response.content.decode()
    assert not Session.objects.filter(signed_in__user=agent).exists()


def test_the_page_cache_does_not_keep_an_idle_session_alive(agent, clock, settings):
    settings.PAGE_CACHE = True
    client = sign_in(agent)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200  # the kept copy
    later(clock, minutes=31)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_clearsessions_removes_expired_sessions_from_the_list(agent, clock):
    from django.core.management import call_command

    sign_in(agent)
    later(clock, hours=13)
    call_command("clearsessions")
    assert not SignedInSession.objects.filter(user=agent).exists()


def test_the_idle_limit_is_a_setting(agent, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    client = sign_in(agent)
    later(clock, minutes=6)
    assert not signed_in(client)


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(agent, clock):
    client = sign_in(agent)
    for _ in range(11 * 4 + 3):  # a request every quarter of an hour, for 11 h 45 min
        later(clock, minutes=15)
        assert signed_in(client)
    later(clock, minutes=16)
    assert not signed_in(client)


def test_the_longest_session_is_a_setting(agent, clock, settings):
    settings.SESSION_COOKIE_AGE = 3600
    client = sign_in(agent)
    later(clock, minutes=25)
    assert signed_in(client)
    later(clock, minutes=25)
    assert signed_in(client)
    later(clock, minutes=11)
    assert not signed_in(client)


def test_a_request_within_a_minute_of_the_last_writes_nothing(
    agent, clock, django_assert_num_queries, settings
):
    settings.PAGE_CACHE = True
    client = sign_in(agent)
    client.get("/")
    later(clock, seconds=50)
    with django_assert_num_queries(2):  # the session and the user; the home page is kept
        client.get("/")
    later(clock, seconds=20)
    # Now the idle clock is written: the list row, and the session (inside its savepoint).
    with django_assert_num_queries(6):
        client.get("/")


def test_the_profile_lists_my_sessions_and_marks_this_one(agent, other_agent):
    office = sign_in(agent, "Firefox on the office PC")
    sign_in(agent, "Safari on my phone")
    sign_in(other_agent, "Oscar's browser")
    response = office.get("/profile/")
    rows = [row for row in response.context["sessions"]]
    assert sorted(row.user_agent for row in rows) == [
        "Firefox on the office PC",
        "Safari on my phone",
    ]
    page = response.content.decode()
    assert page.count('data-testid="session-row"') == 2
    assert "Oscar" not in page
    current = page.split("This session")[0].rsplit('data-testid="session-row"', 1)[1]
    assert "Firefox on the office PC" in current


def test_sign_out_everywhere_else_ends_my_other_sessions_only(agent, other_agent):
    office, phone = sign_in(agent), sign_in(agent, "Safari on my phone")
    oscar = sign_in(other_agent)
    response = office.post("/profile/sessions/end-others/", follow=True)
    assert "Signed out of 1 other session." in response.content.decode()
    assert signed_in(office)
    assert not signed_in(phone)
    assert signed_in(oscar)
    assert SignedInSession.objects.filter(user=agent).count() == 1


def test_sign_out_everywhere_else_is_a_post(agent):
    office, phone = sign_in(agent), sign_in(agent, "Safari on my phone")
    assert office.get("/profile/sessions/end-others/").status_code == 405
    assert signed_in(phone)


def test_changing_my_password_ends_my_other_sessions_and_keeps_this_one(agent):
    office, phone = sign_in(agent), sign_in(agent, "Safari on my phone")
    response = office.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/done/"
    assert signed_in(office)
    assert not signed_in(phone)
    listed = office.get("/profile/").context["sessions"]
    assert [row.user_agent for row in listed] == ["Firefox on the office PC"]


def test_a_password_set_elsewhere_ends_every_session(agent):
    office = sign_in(agent)
    agent.set_password(NEW_PASSWORD)
    agent.save()
    assert not signed_in(office)
    assert not SignedInSession.objects.filter(user=agent).exists()


def test_signing_out_removes_the_session_from_the_list(agent):
    client = sign_in(agent)
    assert SignedInSession.objects.filter(user=agent).count() == 1
    client.post("/accounts/logout/")
    assert not SignedInSession.objects.filter(user=agent).exists()


def test_no_address_is_kept_with_a_session():
    fields = {field.name for field in SignedInSession._meta.get_fields()}
    assert fields == {"session", "user", "created_at", "last_seen_at", "user_agent"}


@pytest.mark.parametrize(
    "header, named",
    [
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome on Linux",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iOS",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("curl/8.5.0", "curl"),
        ("", "Unknown browser"),
        ("Firefox on the office PC", "Unknown browser"),
    ],
)
def test_a_sessions_browser_is_named_as_people_say_it(header, named):
    from core.user_agent import describe

    assert describe(header) == named


def test_the_sessions_list_names_the_browser_not_the_raw_header(agent):
    chrome = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36"
    )
    office = sign_in(agent, chrome)
    body = office.get("/profile/").content.decode()
    row = body.split('data-testid="session-row"')[1].split("</tr>")[0]
    assert ">Chrome on Linux</span>" in row
