"""Read-and-confirm: publishing a must-read version, each agent's confirmations, the admin view."""

import pytest
from django.test import Client

from scripts_library.models import Acknowledgement, Script

pytestmark = pytest.mark.django_db

SLUG = "data-breach-report"
ACK_URL = f"/library/scripts/{SLUG}/acknowledge/"


@pytest.fixture
def script():
    return Script.objects.get(slug=SLUG)


@pytest.fixture
def staff_admin(admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    return client


def publish_change(client, script, *, must_read, note="Security now calls back within a day."):
    """Save the script in the admin, as an admin would."""
    url = f"/admin/scripts_library/script/{script.pk}/change/"
    script.refresh_from_db()
    data = {
        "title": script.title,
        "slug": script.slug,
        "category": str(script.category_id),
        "status": script.status,
        "situation": script.situation,
        "body": script.body,
        "guidance": script.guidance + " ",
        "criterion_keys": script.criterion_keys,
        "checklist_items": [str(pk) for pk in script.checklist_items.values_list("pk", flat=True)],
        "change_note": note,
        "version": str(script.version),
    }
    if must_read:
        data["require_acknowledgement"] = "on"
    assert client.post(url, data).status_code == 302
    script.refresh_from_db()
    return script


def home(client):
    return client.get("/").content.decode()


def test_publishing_a_must_read_version_puts_it_on_every_agents_home(
    staff_admin, login, personas, script
):
    publish_change(staff_admin, script, must_read=True)
    assert script.acknowledgement_version == script.version
    for persona in ["agent", "other_agent"]:
        body = home(login(personas[persona]))
        assert "Please read and confirm" in body and script.title in body
        assert "Security now calls back within a day." in body
    for persona in ["supervisor", "other_supervisor", "admin"]:
        assert "Please read and confirm" not in home(login(personas[persona]))


def test_a_change_without_the_tick_asks_nobody(staff_admin, login, agent, script):
    publish_change(staff_admin, script, must_read=False)
    assert script.acknowledgement_version is None
    assert "Please read and confirm" not in home(login(agent))


def test_confirming_clears_it_for_that_agent_only(staff_admin, login, agent, other_agent, script):
    publish_change(staff_admin, script, must_read=True)
    client = login(agent)
    response = client.post(ACK_URL, {"version": script.version, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Please read and confirm" not in home(client)
    assert "Please read and confirm" in home(login(other_agent))
    assert not script.awaits_acknowledgement_from(agent)
    assert script.awaits_acknowledgement_from(other_agent)


def test_a_new_must_read_version_needs_a_new_confirmation(staff_admin, login, agent, script):
    publish_change(staff_admin, script, must_read=True)
    login(agent).post(ACK_URL, {"version": script.version})
    publish_change(staff_admin, script, must_read=True, note="New escalation route.")
    assert script.awaits_acknowledgement_from(agent)
    assert "New escalation route." in home(login(agent))


def test_a_small_fix_keeps_earlier_confirmations(staff_admin, login, agent, script):
    publish_change(staff_admin, script, must_read=True)
    login(agent).post(ACK_URL, {"version": script.version})
    publish_change(staff_admin, script, must_read=False, note="Typo.")
    assert not script.awaits_acknowledgement_from(agent)


def test_confirming_a_version_the_agent_did_not_see_is_refused(staff_admin, login, agent, script):
    publish_change(staff_admin, script, must_read=True)
    client = login(agent)
    response = client.post(ACK_URL, {"version": script.version - 1}, follow=True)
    assert "This script changed after you opened it" in response.content.decode()
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize("data", [{}, {"version": ""}, {"version": "abc"}, {"version": "-1"}])
def test_bad_confirmations_save_nothing(staff_admin, login, agent, script, data):
    publish_change(staff_admin, script, must_read=True)
    response = login(agent).post(ACK_URL, data, follow=True)
    assert response.status_code == 200
    assert "could not tell which version you read" in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_confirming_twice_keeps_one_record(staff_admin, login, agent, script):
    publish_change(staff_admin, script, must_read=True)
    client = login(agent)
    client.post(ACK_URL, {"version": script.version})
    client.post(ACK_URL, {"version": script.version})
    assert Acknowledgement.objects.filter(user=agent).count() == 1


def test_an_unsafe_next_address_is_ignored(staff_admin, login, agent, script):
    publish_change(staff_admin, script, must_read=True)
    response = login(agent).post(
        ACK_URL, {"version": script.version, "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/library/scripts/{SLUG}/"


def test_drafts_ask_nobody_and_cannot_be_confirmed(staff_admin, login, agent, script):
    publish_change(staff_admin, script, must_read=True)
    script.status = Script.Status.DRAFT
    script.save()
    client = login(agent)
    assert "Please read and confirm" not in home(client)
    assert client.post(ACK_URL, {"version": script.version}).status_code == 404


def test_the_script_page_asks_the_agent_to_confirm(staff_admin, login, agent, supervisor, script):
    publish_change(staff_admin, script, must_read=True)
    body = login(agent).get(f"/library/scripts/{SLUG}/").content.decode()
    assert "Please read this version and confirm" in body
    assert f'name="version" value="{script.version}"' in body
    body = login(supervisor).get(f"/library/scripts/{SLUG}/").content.decode()
    assert "Please read this version and confirm" not in body


def test_admins_see_who_has_confirmed_and_who_has_not(
    staff_admin, login, agent, other_agent, script
):
    publish_change(staff_admin, script, must_read=True)
    login(agent).post(ACK_URL, {"version": script.version})
    listing = staff_admin.get("/library/acknowledgements/").content.decode()
    assert script.title in listing and "1 of 2 agents" in listing
    detail = staff_admin.get(f"/library/acknowledgements/{SLUG}/").content.decode()
    waiting, confirmed = detail.split("Not yet confirmed")[1].split("Confirmed <span")
    assert "Oscar" in waiting and "Alice" not in waiting
    assert "Alice" in confirmed and "Oscar" not in confirmed


def test_home_query_count_does_not_grow_with_must_read_scripts(
    login, agent, supervisor, django_assert_max_num_queries
):
    Script.objects.update(acknowledgement_version=1)
    client = login(agent)
    with django_assert_max_num_queries(12):
        body = home(client)
    assert body.count("I have read it") == Script.objects.count()
