"""Helpdesk connections in the app: the admin's pages, the ticket link on every page that shows
an interaction, the API's filters, and imported interactions in the queue and assignments."""

import re
import time

import pytest
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from calibration.services import calibration_session_open
from integrations.models import AgentMapping, Connection, HeldTicket, UnmappedAgent
from integrations.tasks import release_held
from qa.models import Assignment
from qa.services import assignment_rule_set, assignments_sample
from rubrics.models import Interaction
from teams.models import Role
from tests.conftest import make_user
from tests.helpdesk import generic_event, make_connection, map_agent, post_signed

pytestmark = pytest.mark.django_db

LINK = re.compile(
    r'<a href="https://acme\.example\.test/tickets/(\w+)" target="_blank" '
    r'rel="noopener noreferrer"'
)


@pytest.fixture
def acme(agent):
    connection = make_connection()
    map_agent(connection, "alice@corp.test", agent)
    return connection


def imported(client, ticket_id="4821", agent="alice@corp.test", seconds_ago=0):
    response = post_signed(
        client, "acme", generic_event(ticket_id, agent), timestamp=int(time.time()) - seconds_ago
    )
    assert response.status_code == 202, response.content
    return Interaction.objects.get(pk=response.json()["interaction"])


# The admin's pages -----------------------------------------------------------------------------


def test_only_admins_open_the_connection_pages(login, acme, supervisor, agent, admin_user):
    for user, status in ((agent, 403), (supervisor, 403), (admin_user, 200)):
        client = login(user)
        assert client.get("/helpdesk/").status_code == status
        assert client.get("/helpdesk/new/").status_code == status
        assert client.get("/helpdesk/acme/").status_code == status


def test_an_admin_creates_a_connection_and_sees_its_secret_once(login, admin_user, north):
    client = login(admin_user)
    response = client.post(
        "/helpdesk/new/",
        {
            "name": "Acme Zendesk",
            "slug": "acme-zd",
            "kind": "zendesk",
            "ticket_url_template": "https://acme.zendesk.com/agent/tickets/{id}",
            "team": north.pk,
            "is_active": "on",
        },
    )
    # Redirected, so reloading the page does not post the form again.
    assert response.status_code == 302 and response.url == "/helpdesk/acme-zd/"
    connection = Connection.objects.get(slug="acme-zd")
    assert len(connection.signing_secret) >= 32
    assert connection.signing_secret in client.get(response.url).content.decode()
    page = client.get("/helpdesk/acme-zd/").content.decode()
    assert connection.signing_secret not in page
    assert connection.signing_secret[-4:] in page  # masked
    assert "/api/v1/webhooks/acme-zd/" in page


@pytest.mark.parametrize(
    "template, words",
    [
        ("https://acme.zendesk.com/agent/tickets/", "{id}"),
        ("https://acme.zendesk.com/{id}/{id}", "{id}"),
        ("javascript:alert({id})", "https://"),
    ],
)
def test_a_bad_ticket_address_is_refused(login, admin_user, template, words):
    response = login(admin_user).post(
        "/helpdesk/new/",
        {"name": "X", "slug": "x", "kind": "generic", "ticket_url_template": template},
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Connection.objects.exists()


def test_saving_the_settings_keeps_the_secret_unless_a_new_one_is_typed(login, acme, admin_user):
    client = login(admin_user)
    fields = {
        "name": "Acme renamed",
        "kind": "generic",
        "ticket_url_template": acme.ticket_url_template,
        "is_active": "on",
    }
    assert client.post("/helpdesk/acme/", fields).status_code == 302
    acme.refresh_from_db()
    assert (acme.name, acme.signing_secret) == ("Acme renamed", "a-long-test-secret-for-signing")
    client.post("/helpdesk/acme/", fields | {"new_secret": "another-secret-of-length"})
    acme.refresh_from_db()
    assert acme.signing_secret == "another-secret-of-length"
    assert acme.slug == "acme"


def test_an_admin_maps_a_held_agent_in_one_click(
    client, login, acme, admin_user, north, django_capture_on_commit_callbacks
):
    bob = make_user("bob", Role.AGENT, team=north)
    imported_response = post_signed(client, "acme", generic_event(agent="bob@corp.test"))
    assert imported_response.json()["status"] == "held"
    held = UnmappedAgent.objects.get()
    admin_client = login(admin_user)
    page = admin_client.get("/helpdesk/acme/").content.decode()
    assert "bob@corp.test" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/helpdesk/acme/held/{held.pk}/map/", {"user": bob.pk})
    assert response.status_code == 302
    assert AgentMapping.objects.filter(identity="bob@corp.test", user=bob).exists()
    # The held tickets are the worker's: the page says so until it has run.
    page = admin_client.get(response["Location"]).content.decode()
    assert "1 held ticket(s) are being turned into interactions in the background" in page
    assert 'data-testid="held-releasing"' in page and f"/held/{held.pk}/map/" not in page
    job = ProcrastinateJob.objects.get(task_name="integrations.tasks.release_held")
    release_held(**job.args)
    assert Interaction.objects.get().agent == bob
    assert not HeldTicket.objects.exists()
    assert 'data-testid="held-row"' not in admin_client.get("/helpdesk/acme/").content.decode()


def test_mapping_stays_inside_the_connections_team(login, admin_user, north, agent, other_agent):
    connection = make_connection("northdesk", team=north)
    client = login(admin_user)
    page = client.get("/helpdesk/northdesk/").content.decode()
    assert "oscar" not in page and "alice" in page
    response = client.post(
        "/helpdesk/northdesk/mappings/", {"identity": "oscar@corp.test", "user": other_agent.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not AgentMapping.objects.filter(connection=connection).exists()


def test_superusers_are_never_mapped(login, admin_user, north):
    root = make_user("root", Role.AGENT, team=north, is_superuser=True)
    connection = make_connection()
    response = login(admin_user).post(
        "/helpdesk/acme/mappings/", {"identity": "root@corp.test", "user": root.pk}
    )
    assert response.status_code == 200
    assert not AgentMapping.objects.filter(connection=connection).exists()


def test_the_connection_page_reads_a_constant_number_of_queries(
    client, login, acme, admin_user, north, django_assert_max_num_queries
):
    for number in range(6):
        make_user(f"agent{number}", Role.AGENT, team=north)
        post_signed(client, "acme", generic_event(f"H{number}", f"new{number}@corp.test"))
        map_agent(acme, f"a{number}@corp.test", make_user(f"m{number}", Role.AGENT, team=north))
    admin_client = login(admin_user)
    with django_assert_max_num_queries(14):
        assert admin_client.get("/helpdesk/acme/").status_code == 200
    with django_assert_max_num_queries(10):
        assert admin_client.get("/helpdesk/").status_code == 200


# The ticket link on each page ------------------------------------------------------------------


def test_the_reference_links_to_the_ticket_on_every_page(
    client, login, acme, supervisor, admin_user
):
    interaction = imported(client)
    calibration = calibration_session_open(
        facilitator=supervisor,
        interaction_ids=[interaction.pk],
        participant_usernames=["sue", "ada"],
        deadline=timezone.now() + timezone.timedelta(days=7),
    )
    sue = login(supervisor)
    for url in (
        f"/interactions/{interaction.pk}/",
        f"/interactions/{interaction.pk}/review/",
        "/reviews/",
        f"/calibrations/{calibration.pk}/",
        f"/calibrations/{calibration.pk}/interactions/{interaction.pk}/score/",
    ):
        response = sue.get(url)
        assert response.status_code == 200, url
        assert LINK.findall(response.content.decode()) == ["4821"] * len(
            LINK.findall(response.content.decode())
        ), url
        assert LINK.search(response.content.decode()), url


def test_an_interaction_typed_by_hand_shows_its_reference_as_text(login, agent, supervisor):
    from tests.conftest import self_score

    interaction = self_score(agent, reference="ZD-77").interaction
    page = login(supervisor).get(f"/interactions/{interaction.pk}/").content.decode()
    assert "ZD-77" in page
    assert 'target="_blank"' not in page.split("<main")[-1]


@pytest.mark.parametrize("count", [2, 20])
def test_the_queue_with_imported_interactions_reads_a_constant_number_of_queries(
    client, login, acme, supervisor, count, django_assert_max_num_queries
):
    for number in range(count):
        imported(client, f"T{number}", seconds_ago=number)
    sue = login(supervisor)
    with django_assert_max_num_queries(12):
        response = sue.get("/reviews/")
    assert len(LINK.findall(response.content.decode())) == min(count, 20)


# Feeding the queue, assignments and sampling ---------------------------------------------------


def test_an_imported_interaction_is_in_the_queue_and_can_be_assigned(
    client, login, acme, supervisor, north
):
    interaction = imported(client)
    page = login(supervisor).get("/reviews/").content.decode()
    assert f"/interactions/{interaction.pk}/review/" in page
    assert assignments_sample(teams=[north], per_agent=1) == 1
    assignment = Assignment.objects.get()
    assert (assignment.interaction, assignment.reviewer) == (interaction, supervisor)
    assert (
        f"/interactions/{interaction.pk}/review/"
        in login(supervisor).get("/assignments/").content.decode()
    )


def test_an_imported_interaction_is_drawn_by_the_assignment_rule(client, acme, north, supervisor):
    from qa.services import assignments_top_up

    interaction = imported(client)
    assignment_rule_set(team=north, per_agent=1, period="week")
    assignments_top_up()
    assert Assignment.objects.get().interaction == interaction


# The API's filters ---------------------------------------------------------------------------


@pytest.fixture
def two_imports(client, acme, other_agent):
    globex = make_connection("globex")
    map_agent(globex, "oscar@corp.test", other_agent)
    mine = imported(client, "4821")
    response = post_signed(client, "globex", generic_event("4821", "oscar@corp.test"))
    theirs = Interaction.objects.get(pk=response.json()["interaction"])
    return mine, theirs


def listed(client, user, query):
    client.force_login(user)
    response = client.get(f"/api/v1/interactions/?{query}")
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_the_api_filters_by_exact_reference_for_those_who_may_see(
    client, two_imports, supervisor, other_supervisor, admin_user
):
    mine, theirs = two_imports
    assert listed(client, supervisor, "reference=4821") == [mine.pk]
    assert listed(client, other_supervisor, "reference=4821") == [theirs.pk]
    assert listed(client, admin_user, "reference=4821") == sorted([mine.pk, theirs.pk])
    assert listed(client, admin_user, "reference=482") == []


def test_the_api_filters_by_connection_for_those_who_may_see(
    client, two_imports, supervisor, other_supervisor, admin_user, agent
):
    mine, theirs = two_imports
    assert listed(client, admin_user, "connection=acme") == [mine.pk]
    assert listed(client, admin_user, "connection=globex") == [theirs.pk]
    assert listed(client, supervisor, "connection=globex") == []
    assert listed(client, agent, "connection=acme") == [mine.pk]
    assert listed(client, admin_user, "connection=nobody") == []


@pytest.mark.parametrize(
    "query", ["reference=" + "x" * 65, "connection=not a slug", "reference=a%00b"]
)
def test_a_bad_filter_is_a_clear_400(client, admin_user, query):
    client.force_login(admin_user)
    response = client.get(f"/api/v1/interactions/?{query}")
    assert response.status_code == 400
    assert response.json()


def test_the_api_gives_the_ticket_url(client, two_imports, admin_user):
    mine, _ = two_imports
    client.force_login(admin_user)
    row = client.get(f"/api/v1/interactions/{mine.pk}/").json()
    assert row["ticket_url"] == "https://acme.example.test/tickets/4821"


def test_the_schema_documents_the_filters_and_the_webhook(client, admin_user):
    client.force_login(admin_user)
    schema = client.get("/api/schema/?format=json").json()
    names = {p["name"] for p in schema["paths"]["/api/v1/interactions/"]["get"]["parameters"]}
    assert {"reference", "connection"} <= names
    webhook = schema["paths"]["/api/v1/webhooks/{slug}/"]["post"]
    assert "202" in webhook["responses"]


# The dashboard's connection filter -------------------------------------------------------------


def test_the_dashboard_filters_by_connection(client, login, acme, agent, supervisor):
    from tests.conftest import review, self_score

    interaction = imported(client)
    review(interaction, supervisor)
    review(self_score(agent, reference="ZD-TYPED").interaction, supervisor)
    sue = login(supervisor)
    page = sue.get("/dashboard/").content.decode()
    assert 'name="connection"' in page and "Acme" in page
    everything = sue.get("/dashboard/").context
    assert (everything["totals"]["reviewed"], everything["totals"]["unacknowledged"]) == (2, 2)
    response = sue.get("/dashboard/?connection=acme")
    # Every figure counts only the helpdesk's interactions: the typed-in one is left out, from
    # the scores and from what waits for acknowledgement, alone or with another slice.
    assert response.context["totals"]["reviewed"] == 1
    assert response.context["totals"]["unacknowledged"] == 1
    assert [r.interaction for r in response.context["waiting"]["unacknowledged"]] == [interaction]
    channel = interaction.channel
    both = sue.get(f"/dashboard/?connection=acme&channel={channel}").context
    assert (both["totals"]["reviewed"], both["totals"]["unacknowledged"]) == (1, 1)
    assert response.context["sliced"] == {"helpdesk": "Acme"}
    export = sue.get("/dashboard/export.csv?connection=acme")
    body = b"".join(export.streaming_content).decode()
    assert "4821" in body


def test_the_dashboard_has_no_connection_field_without_connections(login, supervisor):
    page = login(supervisor).get("/dashboard/").content.decode()
    assert 'name="connection"' not in page


def test_a_connection_of_another_team_is_not_offered(client, login, south, supervisor):
    make_connection("southdesk", team=south)
    response = login(supervisor).get("/dashboard/?connection=southdesk")
    assert response.status_code == 200
    assert response.context["sliced"] == {}
    assert "Southdesk" not in response.content.decode()
