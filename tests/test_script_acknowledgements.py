"""Read-and-confirm: publishing a must-read version, each agent's confirmations, the admin view."""

import re

import pytest
from django.test import Client

from core.text import word_diff
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


def publish_change(
    client, script, *, must_read, note="Security now calls back within a day.", **fields
):
    """Save the script in the admin, as an admin would; `fields` replace what the admin typed."""
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
        **fields,
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
    with django_assert_max_num_queries(20):
        body = home(client)
    # Five at a time, the rest one click away in the library.
    assert Script.objects.count() > 5
    assert body.count('data-testid="must-read"') == 5
    assert "More must-read scripts in the library" in body


# --- Confirming after reading: on the script page, below the text, with the changes -----------

SCRIPT_URL = f"/library/scripts/{SLUG}/"
ACK_FORM = f'action="{ACK_URL}"'


def test_home_links_each_must_read_script_to_its_page_and_cannot_confirm(
    staff_admin, login, agent, script
):
    publish_change(staff_admin, script, must_read=True)
    body = home(login(agent))
    must_read = body.split('id="must-read-heading"')[1].split("</section>")[0]
    assert ACK_FORM not in body and "I have read it" not in body
    assert 'name="version"' not in must_read and "<form" not in must_read
    assert re.search(f'<a class="[^"]*" href="{SCRIPT_URL}">Read and confirm<', must_read)


def test_the_script_page_puts_the_confirm_form_below_the_script_text(
    staff_admin, login, agent, script
):
    publish_change(staff_admin, script, must_read=True)
    body = login(agent).get(SCRIPT_URL).content.decode()
    assert body.count(ACK_FORM) == 1
    form_at = body.index(ACK_FORM)
    assert body.index('id="filled-script-text"') < form_at
    assert body.index('id="guidance-heading"') < form_at
    assert body.index("Please read this version and confirm") < form_at


def test_a_first_time_reader_sees_the_text_without_changes(staff_admin, login, agent, script):
    publish_change(staff_admin, script, must_read=True)
    body = login(agent).get(SCRIPT_URL).content.decode()
    assert "<ins>" not in body and "<del>" not in body
    assert "since the version you confirmed" not in body


def test_a_changed_script_shows_the_agent_the_words_changed_since_their_confirmation(
    staff_admin, login, agent, other_agent, supervisor, script
):
    publish_change(staff_admin, script, must_read=True)
    confirmed = script.version
    client = login(agent)
    client.post(ACK_URL, {"version": confirmed})
    publish_change(
        staff_admin,
        script,
        must_read=True,
        note="Faster call-backs.",
        body=script.body.replace("straight away,", "<b>at once</b> & calmly,"),
        situation=script.situation + " Also <script>alert(1)</script> scams.",
    )
    body = client.get(SCRIPT_URL).content.decode()
    changes = body.split('id="changes-heading"')[1].split(ACK_FORM)[0]
    assert f"since the version you confirmed (version {confirmed})" in changes
    assert (
        "<del>straight away,</del> <ins>&lt;b&gt;at once&lt;/b&gt; &amp; calmly,</ins>" in changes
    )
    assert "<ins>Also &lt;script&gt;alert(1)&lt;/script&gt; scams.</ins>" in changes
    assert "<b>at once" not in body and "<script>alert" not in body
    # Fields whose words did not change are not listed.
    assert "<dt>The script</dt>" in changes and "<dt>When to use it</dt>" in changes
    assert "<dt>Around the words</dt>" not in changes and "<dt>Title</dt>" not in changes
    assert body.index('id="changes-heading"') > body.index('id="filled-script-text"')
    # Someone who never confirmed, or a supervisor, is shown no changes.
    for person in (other_agent, supervisor):
        assert 'id="changes-heading"' not in login(person).get(SCRIPT_URL).content.decode()
    # Once confirmed, the changes are read and go away.
    client = login(agent)
    client.post(ACK_URL, {"version": script.version})
    assert 'id="changes-heading"' not in client.get(SCRIPT_URL).content.decode()


def test_the_word_diff_keeps_every_unchanged_word_of_a_script():
    segments = word_diff(
        "Call us\ntoday, please.", "Call  us\n\nwithin a day, please.", context=None
    )
    assert [(s.kind, s.text) for s in segments] == [
        ("same", "Call us"),
        ("removed", "today,"),
        ("added", "within a day,"),
        ("same", "please."),
    ]
    assert word_diff("Same words.", "Same\nwords.", context=None) == []
