"""A preview's unknown helpdesk identities: the importer maps them to their own agents from the
preview page (a supervisor only to agents of the teams they lead), then uploads the file again."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from integrations import importing
from integrations.import_models import ImportJob
from integrations.models import AgentMapping
from integrations.services import mapping_add
from teams.models import Role
from tests.conftest import make_user
from tests.helpdesk import make_connection, map_agent

pytestmark = pytest.mark.django_db

MAPPING = {"ticket_id": "id", "agent": "agent", "channel": "channel", "solved_at": "solved"}
SOLVED = (timezone.now() - timedelta(hours=2)).isoformat(timespec="seconds")


def upload(*agents):
    lines = "".join(f"{100 + n},{agent},chat,{SOLVED}\n" for n, agent in enumerate(agents))
    file = io.BytesIO(f"id,agent,channel,solved\n{lines}".encode())
    file.name = "tickets.csv"
    return file


@pytest.fixture
def acme(agent):
    connection = make_connection("acme")
    map_agent(connection, "alice@corp.test", agent)
    return connection


@pytest.fixture
def new_agent(north):
    return make_user("jo", Role.AGENT, team=north, first_name="Jo", last_name="Quinn")


def previewed(client, connection, *agents):
    client.post(
        "/imports/new/",
        {"connection": connection.pk, **MAPPING, "topic": "", "file": upload(*agents)},
    )
    return ImportJob.objects.latest("pk")


def test_a_supervisor_maps_an_unknown_identity_to_their_agent_and_uploads_again(
    acme, supervisor, new_agent, other_agent, login
):
    client = login(supervisor)
    job = previewed(client, acme, "alice@corp.test", "Jo@Corp.test", "jo@corp.test")
    assert job.preview["unknown_agents"] == ["Jo@Corp.test"]
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Agent for Jo@Corp.test" in page and "Jo Quinn (North)" in page
    assert "Oscar" not in page  # another team's agent is not offered
    response = client.post(
        f"/imports/{job.pk}/map-agent/", {"identity": "Jo@Corp.test", "user": new_agent.pk}
    )
    assert response.url == f"/imports/{job.pk}/#unknown-agents"
    assert AgentMapping.objects.get(identity="Jo@Corp.test").user == new_agent
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Mapped Jo@Corp.test to Jo Quinn" in page and "mapped to Jo Quinn." in page
    again = previewed(client, acme, "alice@corp.test", "Jo@Corp.test", "jo@corp.test")
    assert (again.preview["create"], again.preview["error_count"]) == (3, 0)


def test_a_supervisor_cannot_map_to_another_teams_agent(acme, supervisor, other_agent, login):
    client = login(supervisor)
    job = previewed(client, acme, "oscar@corp.test")
    client.post(
        f"/imports/{job.pk}/map-agent/", {"identity": "oscar@corp.test", "user": other_agent.pk}
    )
    assert not AgentMapping.objects.filter(user=other_agent).exists()
    with pytest.raises(ValidationError, match="only to your own agents"):
        mapping_add(actor=supervisor, connection=acme, identity="o@corp.test", user=other_agent)


def test_only_an_identity_the_preview_found_unknown_is_mapped_and_only_before_the_import(
    acme, supervisor, new_agent, login
):
    client = login(supervisor)
    job = previewed(client, acme, "alice@corp.test", "jo@corp.test")
    response = client.post(
        f"/imports/{job.pk}/map-agent/", {"identity": "boss@corp.test", "user": new_agent.pk}
    )
    assert "no such unknown agent" in client.get(response.url).content.decode()
    job.status = ImportJob.Status.DONE
    job.save()
    with pytest.raises(ValidationError, match="has started"):
        importing.import_map_agent(
            user=supervisor, job=job, identity="jo@corp.test", agent=new_agent
        )
    assert not AgentMapping.objects.filter(user=new_agent).exists()


def test_another_leader_cannot_map_through_someone_elses_import(
    acme, supervisor, other_supervisor, new_agent, login
):
    job = previewed(login(supervisor), acme, "jo@corp.test")
    response = login(other_supervisor).post(
        f"/imports/{job.pk}/map-agent/", {"identity": "jo@corp.test", "user": new_agent.pk}
    )
    assert response.status_code == 404 and not AgentMapping.objects.filter(user=new_agent).exists()


def test_an_admin_maps_to_any_agent_of_the_connection(acme, admin_user, other_agent, login):
    client = login(admin_user)
    job = previewed(client, acme, "oscar@corp.test")
    client.post(
        f"/imports/{job.pk}/map-agent/", {"identity": "oscar@corp.test", "user": other_agent.pk}
    )
    assert AgentMapping.objects.get(identity="oscar@corp.test").user == other_agent


def test_an_identity_with_held_webhook_tickets_waits_for_an_admin(
    client, acme, supervisor, admin_user, new_agent
):
    from integrations.models import HeldTicket
    from tests.helpdesk import generic_event, post_signed

    response = post_signed(client, "acme", generic_event(ticket_id="77", agent="jo@corp.test"))
    assert response.json()["status"] == "held"
    with pytest.raises(ValidationError, match="an admin maps it"):
        mapping_add(actor=supervisor, connection=acme, identity="Jo@corp.test", user=new_agent)
    assert not AgentMapping.objects.filter(user=new_agent).exists()
    assert HeldTicket.objects.count() == 1
    mapping, waiting = mapping_add(
        actor=admin_user, connection=acme, identity="jo@corp.test", user=new_agent
    )
    assert (mapping.user, waiting) == (new_agent, 1)


def test_the_preview_offers_no_picker_for_an_identity_with_held_tickets(
    client, acme, supervisor, login
):
    from tests.helpdesk import generic_event, post_signed

    post_signed(client, "acme", generic_event(ticket_id="78", agent="kim@corp.test"))
    page_client = login(supervisor)
    job = previewed(page_client, acme, "kim@corp.test", "lee@corp.test")
    page = page_client.get(f"/imports/{job.pk}/").content.decode()
    assert "held for this identity, so an administrator maps it" in page
    assert "Agent for kim@corp.test" not in page and "Agent for lee@corp.test" in page
