"""The library pages: who may open them, drafts, the fill-in form and query counts."""

import pytest
from django.contrib.auth.models import Group

from scripts_library.models import (
    Acknowledgement,
    FaqEntry,
    Playbook,
    Script,
    ScriptCategory,
    SearchEntry,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

READER_PAGES = [
    "/library/",
    "/library/scripts/data-breach-report/",
    "/library/search/",
    "/library/search/?q=discount",
    "/library/faq/",
    "/library/faq/?q=discount",
    "/library/language/",
    "/library/mistakes/",
    "/library/playbooks/",
    "/library/playbooks/slightly-shady-discount-request/",
]
ADMIN_PAGES = ["/library/acknowledgements/", "/library/acknowledgements/data-breach-report/"]
POST_PAGES = [
    "/library/scripts/data-breach-report/fill/",
    "/library/scripts/data-breach-report/acknowledge/",
]
PERSONAS = ["agent", "other_agent", "supervisor", "other_supervisor", "admin"]


@pytest.fixture(autouse=True)
def must_read():
    Script.objects.filter(slug="data-breach-report").update(acknowledgement_version=1)


@pytest.fixture
def draft():
    return Script.objects.create(
        category=ScriptCategory.objects.get(slug="privacy-security"),
        title="Unreleased wording for a phishing report",
        slug="phishing-report",
        situation="When a customer forwards a suspicious message.",
        body="Thank you, [Customer Name], for forwarding the zebrafish message.",
        status=Script.Status.DRAFT,
    )


# --- Who may open what ----------------------------------------------------------------------


def test_anonymous_is_sent_to_login_everywhere(client):
    for url in READER_PAGES + ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=/library/"), url
    for url in POST_PAGES:
        response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_reads_every_library_page(login, personas, persona):
    client = login(personas[persona])
    for url in READER_PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_fills_in_a_script(login, personas, persona):
    response = login(personas[persona]).post(POST_PAGES[0], {"p0": "Robin"})
    assert response.status_code == 200
    assert "straight away, Robin." in response.content.decode()


@pytest.mark.parametrize("persona", ["agent", "other_agent", "supervisor", "other_supervisor"])
def test_only_admins_see_who_has_confirmed(login, personas, persona):
    client = login(personas[persona])
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url


def test_admin_sees_who_has_confirmed(login, admin_user):
    client = login(admin_user)
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 200, url


def test_a_user_without_a_role_gets_403(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x-y-z-w-1"))
    for url in READER_PAGES + ADMIN_PAGES:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["supervisor", "other_supervisor", "admin"])
def test_only_agents_confirm_scripts(login, personas, persona):
    response = login(personas[persona]).post(POST_PAGES[1], {"version": "1"})
    assert response.status_code == 403
    assert not Acknowledgement.objects.exists()


def test_wrong_methods_are_refused(login, agent, admin_user):
    client = login(agent)
    for url in READER_PAGES:
        assert client.post(url).status_code == 405, url
    for url in POST_PAGES:
        assert client.get(url).status_code == 405, url
    client = login(admin_user)
    for url in ADMIN_PAGES:
        assert client.post(url).status_code == 405, url


def test_unknown_slugs_are_404(login, agent, admin_user):
    client = login(agent)
    assert client.get("/library/scripts/no-such-script/").status_code == 404
    assert client.get("/library/playbooks/no-such-playbook/").status_code == 404
    assert client.post("/library/scripts/no-such-script/fill/").status_code == 404
    no_ack = Script.objects.exclude(slug="data-breach-report").first()
    assert login(admin_user).get(f"/library/acknowledgements/{no_ack.slug}/").status_code == 404


def test_the_navbar_offers_the_library_to_every_role(login, personas):
    for persona in PERSONAS:
        body = login(personas[persona]).get("/").content.decode()
        assert 'href="/library/faq/"' in body and 'href="/library/search/"' in body
        assert ('href="/library/acknowledgements/"' in body) == (persona == "admin")


# --- Drafts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["agent", "other_agent", "supervisor", "other_supervisor"])
def test_drafts_are_hidden_from_everyone_but_admins(login, personas, persona, draft):
    client = login(personas[persona])
    assert draft.title not in client.get("/library/").content.decode()
    assert client.get(f"/library/scripts/{draft.slug}/").status_code == 404
    assert client.post(f"/library/scripts/{draft.slug}/fill/").status_code == 404
    assert "phishing" not in client.get("/library/search/?q=zebrafish").content.decode()


def test_admins_see_drafts_marked_as_drafts(login, admin_user, draft):
    client = login(admin_user)
    listing = client.get("/library/").content.decode()
    assert draft.title in listing and "Draft" in listing
    detail = client.get(f"/library/scripts/{draft.slug}/").content.decode()
    assert "Draft: agents cannot see this" in detail
    assert draft.title in client.get("/library/search/?q=zebrafish").content.decode()


def test_publishing_a_draft_shows_it_to_agents(login, agent, draft):
    draft.status = Script.Status.PUBLISHED
    draft.save()
    client = login(agent)
    assert client.get(f"/library/scripts/{draft.slug}/").status_code == 200
    assert draft.title in client.get("/library/search/?q=zebrafish").content.decode()


def test_faq_and_playbooks_do_not_link_to_drafts_for_agents(login, agent, admin_user, draft):
    entry = FaqEntry.objects.first()
    entry.related_scripts.add(draft)
    playbook = Playbook.objects.get()
    playbook.script = draft
    playbook.save()
    client = login(agent)
    assert draft.slug not in client.get("/library/faq/").content.decode()
    assert draft.slug not in client.get(f"/library/playbooks/{playbook.slug}/").content.decode()
    client = login(admin_user)
    assert draft.slug in client.get(f"/library/playbooks/{playbook.slug}/").content.decode()


# --- The script page and the fill-in form ---------------------------------------------------


def test_script_page_shows_an_input_per_placeholder_and_its_links(login, agent):
    body = login(agent).get("/library/scripts/data-breach-report/").content.decode()
    for name in ["Customer Name", "Case Reference", "Security Contact", "Update Date"]:
        assert f">{name}</label>" in body
    assert body.count('name="p') == 4
    assert "Transparency, Empathy, Accuracy" in body
    assert "Data privacy" in body and "Interaction ethics checklist" in body
    assert 'data-copy-target="filled-script-text"' in body
    assert "js/copy_text.js" in body
    assert "onclick" not in body


def test_fill_in_renders_the_personalised_script(login, agent):
    response = login(agent).post(
        "/library/scripts/data-breach-report/fill/",
        {"p0": "Dana <Smith>", "p1": "SEC-42"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Thank you for telling us straight away, Dana &lt;Smith&gt;." in body
    assert "Your reference is SEC-42." in body
    assert "[Security Contact]" in body
    assert "<h1" in body


def test_fill_in_answers_htmx_with_the_fragment_only(login, agent):
    response = login(agent).post(
        "/library/scripts/data-breach-report/fill/", {"p0": "Dana"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<div id="filled-script"')
    assert "straight away, Dana." in body and "<h1" not in body


def test_fill_in_refuses_overlong_values_and_stores_nothing(login, agent):
    counts = Script.objects.count(), SearchEntry.objects.count()
    response = login(agent).post(
        "/library/scripts/data-breach-report/fill/", {"p0": "x" * 201}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "at most 200 characters" in body
    assert "[Customer Name]" in body
    assert (Script.objects.count(), SearchEntry.objects.count()) == counts


def test_playbook_page_has_every_section(login, agent):
    body = login(agent).get("/library/playbooks/slightly-shady-discount-request/").content.decode()
    for heading in [
        "Warning signs",
        "The first hour",
        "What to say",
        "What we measure",
        "Target outcome",
    ]:
        assert heading in body
    assert "<li>Customer retention rate</li>" in body
    assert "/library/scripts/declining-discount-outside-policy/" in body


def test_faq_lists_categories_and_links_answers_to_scripts(login, agent):
    body = login(agent).get("/library/faq/").content.decode()
    assert "Everyday ethics" in body
    assert "/library/scripts/correcting-misleading-information/" in body


def test_faq_search_shows_only_faq_answers(login, agent):
    body = login(agent).get("/library/faq/?q=discount").content.decode()
    assert "<mark>discount</mark>" in body
    assert "/library/scripts/" not in body.split("Show every question")[1]
    assert "/library/playbooks/slightly" not in body


def test_language_bank_and_mistakes_list_the_defaults(login, agent):
    client = login(agent)
    language = client.get("/library/language/").content.decode()
    assert language.count('id="phrase-') == 5
    mistakes = client.get("/library/mistakes/").content.decode()
    assert (
        mistakes.count('<section class="card mb-3" id="mistake-') == 7
        and "Why it hurts" in mistakes
    )


# --- Query counts ---------------------------------------------------------------------------


@pytest.fixture
def many_scripts():
    category = ScriptCategory.objects.first()
    for number in range(30):
        script = Script.objects.create(
            category=category,
            title=f"Extra script {number}",
            slug=f"extra-{number}",
            situation="Extra.",
            body="Hello [Customer Name].",
            status=Script.Status.PUBLISHED,
        )
        FaqEntry.objects.first().related_scripts.add(script)


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        ("/library/", 8),
        ("/library/scripts/data-breach-report/", 14),
        ("/library/faq/", 9),
        ("/library/language/", 7),
        ("/library/mistakes/", 7),
        ("/library/playbooks/", 7),
        ("/library/search/?q=customer+discount", 9),
        ("/library/faq/?q=refnd", 9),
    ],
)
def test_pages_run_a_fixed_number_of_queries(
    login, agent, many_scripts, url, limit, django_assert_max_num_queries
):
    client = login(agent)
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_acknowledgement_pages_run_a_fixed_number_of_queries(
    login, admin_user, north, django_assert_max_num_queries
):
    for number in range(20):
        make_user(f"agent{number}", "Agent", team=north)
    Script.objects.update(acknowledgement_version=1)
    client = login(admin_user)
    with django_assert_max_num_queries(8):
        assert client.get("/library/acknowledgements/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/library/acknowledgements/data-breach-report/").status_code == 200
    assert Group.objects.get(name="Agent").user_set.count() == 20
