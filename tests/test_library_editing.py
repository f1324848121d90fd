"""Editing the library in the admin: history with diff and revert, and optimistic locking."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from scripts_library.models import FaqEntry, Phrase, Script
from teams.models import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

VERSION = re.compile(r'name="version" value="(\d+)"')


@pytest.fixture
def script():
    return Script.objects.get(slug="declining-discount-outside-policy")


@pytest.fixture
def ben(db):
    return make_user("ben", Role.ADMIN, is_staff=True, is_superuser=True, first_name="Ben")


@pytest.fixture
def ada(admin_user):
    # The Admin group's permissions come from the roles migration; a superuser keeps this test
    # about locking rather than about permissions.
    admin_user.is_superuser = True
    admin_user.save()
    return admin_user


def session(user):
    client = Client()
    client.force_login(user)
    return client


def change_url(obj):
    return f"/admin/scripts_library/{obj._meta.model_name}/{obj.pk}/change/"


def opened_version(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return VERSION.search(response.content.decode()).group(1)


def script_data(script, version, **overrides):
    data = {
        "title": script.title,
        "slug": script.slug,
        "category": str(script.category_id),
        "status": script.status,
        "situation": script.situation,
        "body": script.body,
        "guidance": script.guidance,
        "criterion_keys": script.criterion_keys,
        "checklist_items": [str(pk) for pk in script.checklist_items.values_list("pk", flat=True)],
        "change_note": "",
        "version": version,
    }
    data.update(overrides)
    return data


# --- Optimistic locking ---------------------------------------------------------------------


def test_the_second_of_two_concurrent_edits_is_refused_and_shows_what_changed(ada, ben, script):
    url = change_url(script)
    first, second = session(ada), session(ben)
    seen_by_ada = opened_version(first, url)
    seen_by_ben = opened_version(second, url)
    assert seen_by_ada == seen_by_ben == str(script.version)

    saved = second.post(
        url, script_data(script, seen_by_ben, body=script.body + " Ben's closing line.")
    )
    assert saved.status_code == 302
    history_rows = script.history.count()

    refused = first.post(
        url, script_data(script, seen_by_ada, guidance="Ada's new guidance for this script.")
    )
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "Ben saved this script while you were editing it" in body
    assert "Body was “" in body and "Ben&#x27;s closing line.”" in body
    assert "Ada&#x27;s new guidance for this script." in body  # her input is still in the form
    script.refresh_from_db()
    assert script.body.endswith("Ben's closing line.")
    assert script.guidance != "Ada's new guidance for this script."
    assert script.history.count() == history_rows

    # Having seen Ben's change, Ada saves again on purpose: the form now carries his version.
    current = VERSION.search(body).group(1)
    assert current == str(script.version)
    again = first.post(url, script_data(script, current, guidance="Ada's merged guidance."))
    assert again.status_code == 302
    script.refresh_from_db()
    assert script.guidance == "Ada's merged guidance."
    assert script.body.endswith("Ben's closing line.")


def test_the_version_check_locks_the_row(ada, script, django_db_blocker):
    url = change_url(script)
    client = session(ada)
    version = opened_version(client, url)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, script_data(script, version, change_note="Tidy")).status_code == 302
    statements = [query["sql"] for query in queries]
    this_script = re.compile(rf'WHERE "scripts_library_script"."id" = {script.pk}\b')
    locks = [
        index
        for index, sql in enumerate(statements)
        if sql.startswith('SELECT "scripts_library_script"."version"')
        and this_script.search(sql)
        and sql.endswith("FOR UPDATE")
    ]
    updates = [
        index
        for index, sql in enumerate(statements)
        if sql.startswith('UPDATE "scripts_library_script"') and this_script.search(sql)
    ]
    # This script's row is locked while its version is read, before it is written.
    assert locks and updates and locks[0] < updates[0]


def test_every_save_counts_the_version_up(ada, script):
    url = change_url(script)
    client = session(ada)
    start = script.version
    for note in ["one", "two"]:
        client.post(url, script_data(script, opened_version(client, url), change_note=note))
    script.refresh_from_db()
    assert script.version == start + 2 and script.change_note == "two"


def test_concurrent_edits_of_a_phrase_are_refused_too(ada, ben):
    phrase = Phrase.objects.first()
    url = change_url(phrase)
    first, second = session(ada), session(ben)
    seen = opened_version(first, url)
    opened_version(second, url)
    fields = {"text": phrase.text, "when_to_use": phrase.when_to_use, "position": phrase.position}
    assert second.post(url, {**fields, "value": "Honesty", "version": seen}).status_code == 302
    refused = first.post(url, {**fields, "value": "Fairness", "version": seen})
    assert refused.status_code == 200
    assert "Value was “" in refused.content.decode()
    phrase.refresh_from_db()
    assert phrase.value == "Honesty"


def test_a_bad_script_body_is_refused_in_the_admin_and_saves_nothing(ada, script):
    url = change_url(script)
    client = session(ada)
    version = opened_version(client, url)
    rows = script.history.count()
    for body, message in [
        ("Hello [Customer Name, we can help.", "is never closed"),
        ("   ", "This field is required."),
    ]:
        response = client.post(url, script_data(script, version, body=body))
        assert response.status_code == 200
        assert message in response.content.decode()
    script.refresh_from_db()
    assert script.body.startswith("I can see why you're asking")
    assert script.history.count() == rows and str(script.version) == version


# --- History, diff and revert ---------------------------------------------------------------


def test_history_records_who_changed_what_and_shows_the_diff(ada, script):
    url = change_url(script)
    client = session(ada)
    client.post(
        url, script_data(script, opened_version(client, url), title="Saying no to a discount")
    )
    latest = script.history.first()
    assert latest.history_user == ada and latest.title == "Saying no to a discount"
    page = client.get(f"/admin/scripts_library/script/{script.pk}/history/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Saying no to a discount" in body and "Declining a discount that breaks policy" in body


def test_revert_restores_an_earlier_version_through_the_same_lock(ada, script):
    original = script.history.earliest()
    url = change_url(script)
    client = session(ada)
    client.post(url, script_data(script, opened_version(client, url), title="A worse title"))
    revert_url = f"/admin/scripts_library/script/{script.pk}/history/{original.history_id}/"
    page = client.get(revert_url)
    assert page.status_code == 200
    version = VERSION.search(page.content.decode()).group(1)
    script.refresh_from_db()
    assert version == str(script.version)  # today's version, not the old copy's
    reverted = client.post(revert_url, script_data(script, version, title=original.title))
    assert reverted.status_code == 302
    script.refresh_from_db()
    assert script.title == original.title and script.version == int(version) + 1


def test_faq_entries_phrases_and_playbooks_keep_history():
    entry = FaqEntry.objects.first()
    entry.answer = "A shorter answer."
    entry.save()
    assert entry.history.count() == 2
    assert entry.history.first().answer == "A shorter answer."
    assert Phrase.history.count() == 5


def test_admin_can_add_a_playbook(ada):
    client = session(ada)
    response = client.post(
        "/admin/scripts_library/playbook/add/",
        {
            "title": "A customer asks to skip identity checks",
            "slug": "skip-identity-checks",
            "summary": "When someone wants account changes without the usual checks.",
            "warning_signs": "Urgency\nRefusal to answer security questions",
            "first_hour": "Stay calm\nOffer the secure route",
            "what_to_say": "Explain that the checks protect them.",
            "script": "",
            "metrics": "Account takeovers",
            "target_outcome": "No account changes without verification.",
            "version": "1",
        },
    )
    assert response.status_code == 302
    assert session(ada).get("/library/playbooks/skip-identity-checks/").status_code == 200


def test_agents_cannot_edit_the_library(login, agent, script):
    response = login(agent).get(change_url(script))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
