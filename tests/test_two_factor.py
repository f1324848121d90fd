"""Two-factor sign-in (signin.two_factor): admins and staff always, supervisors by setting.

The clock is fixed with time_machine, so each authenticator code is the one an app would show
at that moment, computed from the key the set-up page gives."""

from base64 import b32decode
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from signin.two_factor import recovery_codes_issue
from teams.models import ApiToken, Role
from tests.conftest import PASSWORD, make_user, totp_code

NINE_AM = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NINE_AM, tick=False) as traveller:
        yield traveller


def sign_in(client, user):
    """The password step, through the login form (as django-axes needs)."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password was refused"
    return response


def authenticator(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    recovery_codes_issue(user)
    return device


def test_an_admin_without_an_authenticator_must_set_one_up_before_any_page(
    client, admin_user, clock
):
    response = sign_in(client, admin_user)
    assert client.get(response["Location"])["Location"].startswith(reverse("two_factor_setup"))
    for path in ("/", "/audit/", "/profile/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("two_factor_setup")), path

    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert b"<svg" in page.content  # the QR code, inline
    assert b"stays closed to you" in page.content and b"This replaces" not in page.content
    secret = page.context["secret"].replace(" ", "")
    assert secret.encode() in page.content.replace(b" ", b"")

    wrong = client.post(reverse("two_factor_setup"), {"code": "123456", "next": "/audit/"})
    assert wrong.status_code == 200
    assert "does not match" in wrong.context["form"].errors["code"][0]
    assert client.get("/").status_code == 302

    clock.shift(30)
    code = totp_code(b32decode(secret), at=NINE_AM.timestamp() + 30)
    done = client.post(reverse("two_factor_setup"), {"code": code, "next": "/audit/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert done.context["next"] == "/audit/"
    assert client.get("/audit/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(user=admin_user).confirmed


def test_at_sign_in_the_right_code_lets_an_admin_in_and_a_wrong_one_does_not(
    client, admin_user, clock
):
    device = authenticator(admin_user)
    response = sign_in(client, admin_user)
    verify = client.get(response["Location"])["Location"]
    assert verify.startswith(reverse("two_factor_verify"))
    assert client.get("/audit/")["Location"] == reverse("two_factor_verify") + "?next=%2Faudit%2F"

    wrong = client.post(reverse("two_factor_verify"), {"code": "000000", "next": "/audit/"})
    assert wrong.status_code == 200
    assert "does not match" in wrong.context["form"].errors["code"][0]
    assert client.get("/audit/").status_code == 302

    clock.shift(60)  # past django-otp's pause after a wrong code
    code = totp_code(bytes.fromhex(device.key), at=NINE_AM.timestamp() + 60)
    right = client.post(reverse("two_factor_verify"), {"code": code, "next": "/audit/"})
    assert right.status_code == 302 and right["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200


def test_a_code_is_accepted_only_once(client, admin_user, clock):
    device = authenticator(admin_user)
    code = totp_code(bytes.fromhex(device.key), at=NINE_AM.timestamp())
    sign_in(client, admin_user)
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))

    clock.shift(5)  # same 30-second window, same code
    sign_in(client, admin_user)
    replayed = client.post(reverse("two_factor_verify"), {"code": code})
    assert replayed.status_code == 200
    assert client.get("/").status_code == 302


def test_a_recovery_code_works_once(client, admin_user, clock):
    TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=True)
    codes = recovery_codes_issue(admin_user)
    typed = f"{codes[0][:5]}-{codes[0][5:]}".upper()  # as shown, in capitals: still accepted

    sign_in(client, admin_user)
    assert client.post(reverse("two_factor_verify"), {"code": typed}).status_code == 302
    assert client.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=admin_user).count() == 9
    client.post(reverse("logout"))

    clock.shift(60)
    sign_in(client, admin_user)
    again = client.post(reverse("two_factor_verify"), {"code": typed})
    assert again.status_code == 200
    assert client.get("/").status_code == 302
    clock.shift(60)
    assert client.post(reverse("two_factor_verify"), {"code": codes[1]}).status_code == 302
    assert client.get("/").status_code == 200


def test_the_admin_site_refuses_a_session_without_the_second_factor(client, admin_user, clock, rf):
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    authenticator(admin_user)
    sign_in(client, admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    login = client.get(reverse("admin:login") + "?next=/admin/teams/team/")
    assert login["Location"].startswith(reverse("two_factor_verify"))

    # The site itself asks, whatever the middleware does.
    request = rf.get("/admin/")
    request.user, request.session = admin_user, SessionStore()
    assert not admin.site.has_permission(request)
    request.session["otp_device_id"] = TOTPDevice.objects.get(user=admin_user).persistent_id
    assert admin.site.has_permission(request)


def test_supervisors_need_it_only_when_the_setting_says_so(client, supervisor, settings):
    sign_in(client, supervisor)
    assert client.get("/").status_code == 200
    assert client.get(reverse("two_factor_setup")).status_code == 403

    settings.ETHICSKIT_2FA_FOR_SUPERVISORS = True
    response = client.get("/")
    assert response["Location"] == reverse("two_factor_setup") + "?next=%2F"
    assert client.get(reverse("two_factor_setup")).status_code == 200


def test_agents_are_never_asked(client, agent, settings):
    settings.ETHICSKIT_2FA_FOR_SUPERVISORS = True
    sign_in(client, agent)
    assert client.get("/").status_code == 200
    assert client.get(reverse("two_factor_verify")).status_code == 403


def test_the_api_ignores_a_session_without_the_second_factor_but_takes_tokens(client, admin_user):
    sign_in(client, admin_user)
    assert client.get("/api/v1/interactions/").status_code == 401
    _, key = ApiToken.issue(user=admin_user, name="BI")
    response = client.get("/api/v1/interactions/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_signing_out_stays_open_before_the_second_factor(client, admin_user):
    sign_in(client, admin_user)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get("/")["Location"].startswith(reverse("login"))


def test_staff_without_the_admin_role_need_it_too(client, north):
    staff = make_user("stan", Role.SUPERVISOR, leads=[north], is_staff=True)
    sign_in(client, staff)
    assert client.get("/")["Location"].startswith(reverse("two_factor_setup"))


def test_setting_up_again_replaces_the_authenticator_and_the_recovery_codes(
    client, admin_user, agent, clock
):
    old = authenticator(admin_user)
    old_codes = list(StaticToken.objects.filter(device__user=admin_user).values_list("token"))
    client.force_login(admin_user)  # both steps done
    profile = client.get(reverse("profile")).content.decode()
    assert f'href="{reverse("two_factor_setup")}?next=/profile/"' in profile

    page = client.get(reverse("two_factor_setup"))
    text = page.content.decode()
    assert "This replaces the authenticator you use now" in text
    assert "Keep the authenticator I have" in text and "stays closed to you" not in text
    secret = page.context["secret"].replace(" ", "")
    code = totp_code(b32decode(secret), at=NINE_AM.timestamp())
    done = client.post(reverse("two_factor_setup"), {"code": code, "next": "/profile/"})
    assert done.context["next"] == "/profile/"
    assert list(TOTPDevice.objects.filter(user=admin_user)) != [old]
    assert TOTPDevice.objects.filter(user=admin_user, confirmed=True).count() == 1
    new_codes = set(StaticToken.objects.filter(device__user=admin_user).values_list("token"))
    assert len(new_codes) == 10 and not new_codes & set(old_codes)

    client.force_login(agent)
    assert reverse("two_factor_setup") not in client.get(reverse("profile")).content.decode()


@pytest.mark.parametrize("how", ["user.groups.add", "group.user_set.add", "is_staff"])
def test_someone_promoted_mid_session_is_asked_at_their_next_page(client, agent, how):
    from django.contrib.auth.models import Group

    sign_in(client, agent)
    for _ in range(3):  # the home page and the roles are kept in memory after the first visit
        assert client.get("/").status_code == 200
    if how == "user.groups.add":
        agent.groups.add(Group.objects.get(name=Role.ADMIN))
    elif how == "group.user_set.add":
        Group.objects.get(name=Role.ADMIN).user_set.add(agent)
    else:
        agent.is_staff = True
        agent.save()
    assert client.get("/")["Location"] == reverse("two_factor_setup") + "?next=%2F"


def test_an_admin_with_a_temporary_password_sets_up_the_second_factor_then_a_password(
    client, admin_user, clock
):
    from teams.accounts import mark_temporary

    mark_temporary(admin_user)
    sign_in(client, admin_user)
    assert client.get("/")["Location"].startswith(reverse("two_factor_setup"))
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200, "the set-up page must open before the password is changed"
    secret = page.context["secret"].replace(" ", "")
    code = totp_code(b32decode(secret), at=NINE_AM.timestamp())
    assert client.post(reverse("two_factor_setup"), {"code": code, "next": "/"}).status_code == 200

    assert client.get("/")["Location"] == reverse("password_change")
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a long new passphrase of ada",
            "new_password2": "a long new passphrase of ada",
        },
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200


def test_setting_up_and_resetting_a_second_factor_is_in_the_audit_log_without_its_key(
    client, admin_user, clock
):
    from teams.models import AuditEntry

    sign_in(client, admin_user)
    secret = client.get(reverse("two_factor_setup")).context["secret"].replace(" ", "")
    code = totp_code(b32decode(secret), at=NINE_AM.timestamp())
    client.post(reverse("two_factor_setup"), {"code": code, "next": "/"})
    device = TOTPDevice.objects.get(user=admin_user)
    device_id = str(device.pk)

    def entries():
        # The clock stands still here, so entries are told apart by action, not by time.
        return AuditEntry.objects.filter(model="otp_totp.TOTPDevice", object_id=device_id)

    logged = list(entries())
    assert AuditEntry.Action.CREATE in {entry.action for entry in logged}
    assert all(entry.actor == admin_user for entry in logged)
    assert device.key not in str([entry.changes for entry in logged])
    assert secret not in str([entry.changes for entry in logged])

    # Signing in again with a code moves the device's bookkeeping, which is not logged.
    count = entries().count()
    client.logout()
    sign_in(client, admin_user)
    clock.shift(30)
    later = totp_code(b32decode(secret), at=NINE_AM.timestamp() + 30)
    assert (
        client.post(reverse("two_factor_verify"), {"code": later, "next": "/"}).status_code == 302
    )
    assert entries().count() == count

    device.delete()  # an admin resets it
    assert entries().filter(action=AuditEntry.Action.DELETE).count() == 1


def test_an_admin_resetting_someones_authenticator_signs_them_out_everywhere(admin_user, clock):
    from django.test import Client

    ben = make_user("ben", Role.ADMIN, is_staff=True)
    device = authenticator(ben)
    bens_browser = Client()
    bens_browser.force_login(ben)
    assert bens_browser.get("/").status_code == 200

    ada = Client()
    ada.force_login(admin_user)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert ada.post(url, {"post": "yes"}).status_code == 302

    assert not TOTPDevice.objects.filter(user=ben).exists()
    assert bens_browser.get("/")["Location"].startswith(reverse("login"))
    assert ada.get("/").status_code == 200
