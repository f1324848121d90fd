"""Passwords: 12 characters at least, changed and reset by their owner on pages like the rest,
and a password an admin set must be replaced at the next sign-in."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from teams.models import TemporaryPassword
from tests.conftest import PASSWORD

User = get_user_model()
NEW_PASSWORD = "four-unrelated-words-here"


def sign_in(username, password=PASSWORD) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content
    return client


def change(client, old, new):
    return client.post(
        "/accounts/password/change/",
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_a_password_needs_twelve_characters(agent):
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("violet-sky7", agent)  # 11
    validate_password("violet-sky77", agent)  # 12


def test_the_minimum_length_is_a_setting():
    code = (
        "import django; django.setup();"
        "from django.contrib.auth.password_validation import password_validators_help_texts;"
        "print(password_validators_help_texts())"
    )
    env = {**os.environ, "DJANGO_PASSWORD_MIN_LENGTH": "16"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "ethicskit.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "at least 16 characters" in result.stdout


def test_i_can_change_my_own_password_on_a_page_like_the_others(agent):
    client = sign_in("alice")
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Change your password" in html and 'href="/profile/"' in html  # our layout
    assert 'class="navbar' in html
    refused = change(client, PASSWORD, "short-pass1")
    assert refused.status_code == 200
    assert "at least 12 characters" in refused.content.decode()
    assert "<li></li>" not in page.content.decode()  # every rule listed has its words
    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    done = client.get(response["Location"])
    assert "Your password is changed" in done.content.decode()
    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing(agent):
    client = sign_in("alice")
    response = change(client, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 200
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)


def test_the_profile_links_to_the_password_change(login, agent):
    assert 'href="/accounts/password/change/"' in login(agent).get("/profile/").content.decode()


def test_a_forgotten_password_is_reset_through_an_emailed_link(client, agent):
    agent.email = "alice@example.com"
    agent.save()
    other = sign_in("alice")
    assert 'href="/accounts/password/reset/"' in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "Choose a new EthicsKit password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/password/reset/complete/"
    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)
    assert other.get("/profile/").status_code == 302  # the session elsewhere has ended
    again = client.get(link)
    assert "This link no longer works" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, agent):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_the_password_pages_ask_for_a_sign_in_or_none(client, db):
    response = client.get("/accounts/password/change/")
    assert response["Location"].startswith("/accounts/login/?next=")
    assert client.get("/accounts/password/reset/").status_code == 200


# --- Temporary passwords set by an admin --------------------------------------------------------


def admin_creates(client, username, password):
    return client.post(
        reverse("admin:auth_user_add"),
        {
            "username": username,
            "usable_password": "true",
            "password1": password,
            "password2": password,
            "membership-TOTAL_FORMS": "0",
            "membership-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )


def test_an_account_an_admin_created_must_choose_a_password_at_first_sign_in(login, admin_user):
    response = admin_creates(login(admin_user), "newbie", "temporary-pass-123")
    assert response.status_code == 302, response.context["adminform"].form.errors
    newbie = User.objects.get(username="newbie")
    assert TemporaryPassword.objects.filter(user=newbie).exists()

    client = sign_in("newbie", "temporary-pass-123")
    for path in ("/", "/profile/", "/library/", "/profile/export.json"):
        response = client.get(path, follow=True)
        assert response.redirect_chain[-1][0] == "/accounts/password/change/", path
        assert "set by an administrator" in response.content.decode()
    page = client.get("/accounts/password/change/").content.decode()
    assert "Back to your profile" not in page  # it would lead straight back here
    same = change(client, "temporary-pass-123", "temporary-pass-123")
    assert same.status_code == 200
    assert "the password you have now" in str(same.context["form"].errors["new_password1"])
    assert TemporaryPassword.objects.filter(user=newbie).exists()
    assert client.get("/").status_code == 302
    response = change(client, "temporary-pass-123", NEW_PASSWORD)
    assert response["Location"] == "/accounts/password/change/done/"
    assert client.get("/accounts/password/change/done/").status_code == 200
    assert not TemporaryPassword.objects.filter(user=newbie).exists()
    assert client.get("/profile/").status_code == 200  # free to go anywhere


def test_signing_out_stays_possible_with_a_temporary_password(login, admin_user):
    admin_creates(login(admin_user), "newbie", "temporary-pass-123")
    client = sign_in("newbie", "temporary-pass-123")
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"


def test_a_password_an_admin_sets_is_temporary_and_ends_the_persons_sessions(login, admin_user):
    agent = User.objects.create_user("alice2", password=PASSWORD)
    alice_browser = sign_in("alice2")
    url = reverse("admin:auth_user_password_change", args=[agent.pk])
    response = login(admin_user).post(
        url,
        {
            "usable_password": "true",
            "password1": "temporary-pass-456",
            "password2": "temporary-pass-456",
        },
    )
    assert response.status_code == 302
    assert TemporaryPassword.objects.filter(user=agent).exists()
    assert alice_browser.get("/profile/").status_code == 302
    client = sign_in("alice2", "temporary-pass-456")
    assert client.get("/")["Location"] == "/accounts/password/change/"


def test_an_admin_setting_their_own_password_in_the_admin_is_not_temporary(login, admin_user):
    client = login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    response = client.post(
        url,
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not TemporaryPassword.objects.filter(user=admin_user).exists()
    assert client.get("/").status_code == 200  # still signed in


def test_lifting_the_mark_frees_a_signed_in_person(login, admin_user):
    admin_creates(login(admin_user), "newbie", "temporary-pass-123")
    client = sign_in("newbie", "temporary-pass-123")
    assert client.get("/")["Location"] == "/accounts/password/change/"
    TemporaryPassword.objects.filter(user__username="newbie").delete()
    assert client.get("/").status_code == 200


def test_every_new_password_is_in_the_audit_log_without_the_password(login, agent, admin_user):
    from teams.models import AuditEntry

    def logged():
        return AuditEntry.objects.filter(
            model="auth.User", object_id=str(agent.pk), changes__has_key="password"
        )

    client = sign_in("alice")
    assert change(client, PASSWORD, NEW_PASSWORD).status_code == 302
    password_form = reverse("admin:auth_user_password_change", args=[agent.pk])
    set_by_admin = {
        "usable_password": "true",
        "password1": "an-admin-chose-this-1",
        "password2": "an-admin-chose-this-1",
    }
    assert login(admin_user).post(password_form, set_by_admin).status_code == 302

    entries = list(logged())
    assert len(entries) == 2 and {entry.actor for entry in entries} == {agent, admin_user}
    agent.refresh_from_db()
    for entry in entries:
        text = str(entry.changes)
        assert NEW_PASSWORD not in text and "an-admin-chose-this-1" not in text
        assert agent.password not in text
