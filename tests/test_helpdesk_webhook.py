"""The signed helpdesk webhook: signatures, replays, idempotency, held agents, each kind."""

import json
import time

import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

from integrations import services
from integrations.models import HeldTicket, SeenSignature, TicketLink, UnmappedAgent
from integrations.services import DEMO_SECRET, mapping_add
from integrations.signing import sign
from integrations.tasks import release_held
from rubrics.models import Interaction
from teams.models import AuditEntry
from tests.helpdesk import generic_event, make_connection, map_agent, post_signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(agent):
    connection = make_connection()
    map_agent(connection, "Alice@Corp.test", agent)
    return connection


def nothing_stored():
    return (
        not Interaction.objects.exists()
        and not TicketLink.objects.exists()
        and not SeenSignature.objects.exists()
        and not UnmappedAgent.objects.exists()
    )


def test_a_signed_generic_event_creates_the_agents_interaction(client, acme, agent, north):
    response = post_signed(client, "acme", generic_event(topic="Refund request"))
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "created"
    interaction = Interaction.objects.get()
    assert (interaction.agent, interaction.team, interaction.reference) == (agent, north, "4821")
    assert interaction.channel == "chat"
    assert interaction.topic == "Refund request"
    assert interaction.ticket_url == "https://acme.example.test/tickets/4821"
    assert interaction.ticket_link.connection == acme
    assert response.json()["interaction"] == interaction.pk


def test_no_session_nor_csrf_token_is_needed(acme):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post_signed(strict, "acme", generic_event()).status_code == 202


@pytest.mark.parametrize(
    "case, expected_status, words",
    [
        ("wrong secret", 403, "does not match"),
        ("changed body", 403, "does not match"),
        ("old timestamp", 403, "5 minutes"),
        ("future timestamp", 403, "5 minutes"),
        ("missing header", 401, "Sign the request"),
        ("malformed header", 401, "not in the form"),
        ("short digest", 401, "not in the form"),
    ],
)
def test_a_bad_signature_is_refused_clearly_and_nothing_is_stored(
    client, acme, case, expected_status, words
):
    body = json.dumps(generic_event()).encode()
    now = int(time.time())
    kwargs = {"body": body}
    if case == "wrong secret":
        kwargs["secret"] = "not-the-secret"
    elif case == "changed body":
        kwargs["header"] = f"t={now},v1={sign('a-long-test-secret-for-signing', now, body)}"
        kwargs["body"] = body.replace(b"4821", b"4822")
    elif case == "old timestamp":
        kwargs["timestamp"] = now - 6 * 60
    elif case == "future timestamp":
        kwargs["timestamp"] = now + 6 * 60
    elif case == "missing header":
        kwargs["header"] = ""
    elif case == "malformed header":
        kwargs["header"] = "sha256=abc"
    elif case == "short digest":
        kwargs["header"] = f"t={now},v1=abcdef"
    response = post_signed(client, "acme", None, **kwargs)
    assert response.status_code == expected_status
    assert response["Content-Type"] == "application/json"
    assert words in response.json()["detail"]
    assert nothing_stored()


def test_a_replayed_request_is_refused(client, acme):
    body = json.dumps(generic_event()).encode()
    header = (
        f"t={int(time.time())},v1={sign('a-long-test-secret-for-signing', int(time.time()), body)}"
    )
    assert post_signed(client, "acme", None, body=body, header=header).status_code == 202
    again = post_signed(client, "acme", None, body=body, header=header)
    assert again.status_code == 403
    assert "received before" in again.json()["detail"]
    assert Interaction.objects.count() == 1


def test_an_unknown_or_switched_off_connection_is_404(client, acme):
    assert post_signed(client, "nobody", generic_event()).status_code == 404
    acme.is_active = False
    acme.save()
    response = post_signed(client, "acme", generic_event())
    assert response.status_code == 404
    assert response.json()["detail"]


def test_the_same_event_twice_makes_one_interaction_and_an_update_updates_it(client, acme):
    # A helpdesk retrying signs the same event again, with the time of the retry.
    now = int(time.time())
    first = post_signed(client, "acme", generic_event(topic="Refund"), timestamp=now - 2)
    second = post_signed(client, "acme", generic_event(topic="Refund"), timestamp=now - 1)
    assert first.status_code == second.status_code == 202
    assert second.json()["status"] == "updated"
    assert Interaction.objects.count() == 1
    post_signed(client, "acme", generic_event(topic="Late delivery", channel="email"))
    interaction = Interaction.objects.get()
    assert (interaction.topic, interaction.channel) == ("Late delivery", "email")
    assert TicketLink.objects.count() == 1


def test_an_event_for_a_scored_ticket_leaves_its_interaction_as_scored(client, acme, supervisor):
    from tests.conftest import review

    post_signed(client, "acme", generic_event(topic="Refund"))
    interaction = Interaction.objects.get()
    review(interaction, supervisor)
    again = post_signed(client, "acme", generic_event(topic="Upgrade", channel="email"))
    assert again.status_code == 202
    assert again.json()["status"] == "unchanged"
    assert "already scored" in again.json()["detail"]
    interaction.refresh_from_db()
    assert (interaction.topic, interaction.channel) == ("Refund", "chat")


def test_the_same_ticket_id_from_two_connections_makes_two_interactions(client, acme, agent):
    other = make_connection("globex")
    map_agent(other, "alice@corp.test", agent)
    post_signed(client, "acme", generic_event())
    post_signed(client, "globex", generic_event())
    assert Interaction.objects.count() == 2


def queued_release():
    """The release the mapping queued: its arguments, as the worker will get them."""
    return ProcrastinateJob.objects.get(task_name="integrations.tasks.release_held").args


def test_an_unknown_agent_is_held_then_mapping_queues_the_release_of_its_tickets(
    client, acme, agent, admin_user, django_capture_on_commit_callbacks
):
    response = post_signed(client, "acme", generic_event(agent="newbie@corp.test"))
    assert response.status_code == 202
    assert response.json()["status"] == "held"
    assert "held" in response.json()["detail"]
    post_signed(client, "acme", generic_event(ticket_id="4822", agent="NEWBIE@corp.test"))
    held = UnmappedAgent.objects.get()
    assert (held.identity, held.count) == ("newbie@corp.test", 2)
    assert HeldTicket.objects.count() == 2
    assert not Interaction.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        _, queued = mapping_add(
            actor=admin_user, connection=acme, identity="newbie@corp.test", user=agent
        )
    # The admin's request only maps and queues: the tickets wait for the worker.
    assert queued == 2 and HeldTicket.objects.count() == 2 and not Interaction.objects.exists()
    arguments = queued_release()
    assert arguments == {
        "connection_id": acme.pk,
        "identity": "newbie@corp.test",
        "actor_id": admin_user.pk,
    }
    release_held(**arguments)  # what the worker does with the deferred job
    assert Interaction.objects.filter(agent=agent).count() == 2
    assert not UnmappedAgent.objects.exists() and not HeldTicket.objects.exists()
    entry = AuditEntry.objects.filter(model="rubrics.Interaction", action="create").first()
    assert (entry.actor, entry.source) == (admin_user, "helpdesk mapping of newbie@corp.test")


def test_the_release_runs_in_batches_and_a_retry_resumes(
    client, acme, agent, admin_user, monkeypatch
):
    monkeypatch.setattr(services, "RELEASE_BATCH", 2)
    for number in range(5):
        post_signed(client, "acme", generic_event(ticket_id=f"50{number}", agent="n@corp.test"))
    mapping_add(actor=admin_user, connection=acme, identity="n@corp.test", user=agent)
    real = services._release
    calls = []

    def second_fails(*args):
        calls.append(args)
        released = real(*args)
        if len(calls) == 2:
            raise RuntimeError("worker stopped")
        return released

    monkeypatch.setattr(services, "_release", second_fails)
    arguments = {"connection_id": acme.pk, "identity": "n@corp.test", "actor_id": admin_user.pk}
    with pytest.raises(RuntimeError):
        release_held(**arguments)
    assert (Interaction.objects.count(), HeldTicket.objects.count()) == (2, 3)
    monkeypatch.setattr(services, "_release", real)
    release_held(**arguments)
    assert (Interaction.objects.count(), HeldTicket.objects.count()) == (5, 0)


def test_a_ticket_sent_again_after_the_mapping_keeps_its_newer_event(
    client, acme, agent, admin_user
):
    post_signed(client, "acme", generic_event(agent="n@corp.test", topic="Old topic"))
    mapping_add(actor=admin_user, connection=acme, identity="n@corp.test", user=agent)
    # Before the worker runs, the helpdesk sends the ticket again: now mapped, it is stored.
    post_signed(client, "acme", generic_event(agent="n@corp.test", topic="New topic"))
    release_held(connection_id=acme.pk, identity="n@corp.test", actor_id=admin_user.pk)
    assert Interaction.objects.get().topic == "New topic"
    assert not HeldTicket.objects.exists()


def test_a_release_after_the_mapping_was_removed_leaves_the_tickets_held(
    client, acme, agent, admin_user
):
    post_signed(client, "acme", generic_event(agent="n@corp.test"))
    mapping, _ = mapping_add(actor=admin_user, connection=acme, identity="n@corp.test", user=agent)
    mapping.delete()
    release_held(connection_id=acme.pk, identity="n@corp.test", actor_id=admin_user.pk)
    assert HeldTicket.objects.count() == 1 and not Interaction.objects.exists()


def test_a_mapped_agent_outside_the_connections_team_is_held(client, north, agent, other_agent):
    connection = make_connection("northdesk", team=north)
    map_agent(connection, "oscar@corp.test", other_agent)  # a stale mapping, made past the rule
    response = post_signed(client, "northdesk", generic_event(agent="oscar@corp.test"))
    assert response.json()["status"] == "held"
    assert not Interaction.objects.exists()


def test_mapping_refuses_an_agent_outside_the_connections_team(north, other_agent, admin_user):
    from django.core.exceptions import ValidationError

    connection = make_connection("northdesk", team=north)
    with pytest.raises(ValidationError, match="not an agent of this connection"):
        mapping_add(actor=admin_user, connection=connection, identity="o@x.test", user=other_agent)


@pytest.mark.parametrize(
    "change, words",
    [
        ({"channel": "fax"}, "channel must be one of"),
        ({"solved_at": "yesterday"}, "ISO 8601"),
        ({"solved_at": "2026-03-01T10:00:00"}, "ISO 8601"),
        ({"ticket_id": "has space"}, "ticket_id"),
        ({"ticket_id": None}, "ticket_id"),
        ({"agent": ""}, "agent"),
        ({"solved_at": "2000-01-01T10:00:00Z"}, "last year"),
    ],
)
def test_a_bad_generic_event_is_refused_with_a_message(client, acme, change, words):
    response = post_signed(client, "acme", generic_event() | change)
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert nothing_stored()


def test_a_body_that_is_not_json_is_refused(client, acme):
    response = post_signed(client, "acme", None, body=b"ticket=1")
    assert response.status_code == 400
    assert nothing_stored()


def test_the_demo_secret_is_refused_when_debug_is_off(client, agent, settings):
    make_connection("demo", secret=DEMO_SECRET)
    settings.DEBUG = False
    response = post_signed(client, "demo", generic_event(), secret=DEMO_SECRET)
    assert response.status_code == 403
    assert "demo secret" in response.json()["detail"]


def _now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 600))


def zendesk_event(status="SOLVED"):
    return {
        "type": "zen:event-type:ticket.status_changed",
        "account_id": 10001,
        "id": "cbe4028c-7239-495d-b020-f22348516046",
        "time": _now_iso(),
        "zendesk_event_version": "2022-11-06",
        "subject": "zen:ticket:35436",
        "detail": {
            "id": "35436",
            "assignee_id": "381528",
            "requester_id": "9873843",
            "status": status,
            "subject": "My card 4111 1111 1111 1111 was charged twice",
            "description": "Call me on +44 20 7946 0958 or mail jo.bloggs@mail.test",
            "type": "question",
            "via": {"channel": "web_messaging"},
        },
        "event": {"current": status, "previous": "OPEN"},
    }


def freshdesk_event(status="Resolved"):
    return {
        "freshdesk_webhook": {
            "ticket_id": 612,
            "ticket_subject": "Refund for order 7781",
            "ticket_description": "Please phone me at 07700 900123",
            "ticket_status": status,
            "ticket_source": "Phone",
            "ticket_ticket_type": "Refund",
            "ticket_agent_email": "alice@corp.test",
            "ticket_contact_email": "jo.bloggs@mail.test",
            "ticket_contact_phone": "+44 20 7946 0958",
            "ticket_resolved_at": _now_iso(),
        }
    }


def intercom_event(topic="conversation.admin.closed"):
    return {
        "type": "notification_event",
        "app_id": "abc123",
        "topic": topic,
        "id": "notif_1",
        "created_at": int(time.time()),
        "data": {
            "type": "notification_event_data",
            "item": {
                "type": "conversation",
                "id": "178928392",
                "state": "closed",
                "source": {
                    "type": "email",
                    "subject": "Where is my parcel?",
                    "body": "<p>I live at 10 Downing Street, SW1A 2AA</p>",
                    "author": {"type": "user", "email": "jo.bloggs@mail.test", "name": "Jo"},
                },
                "admin_assignee_id": 814860,
                "statistics": {"last_close_at": int(time.time()) - 120},
                "conversation_parts": {
                    "conversation_parts": [
                        {"part_type": "comment", "body": "Card 4111111111111111"},
                        {
                            "part_type": "close",
                            "author": {"type": "admin", "id": "814860", "email": "Alice@corp.test"},
                        },
                    ]
                },
            },
        },
    }


@pytest.mark.parametrize(
    "kind, event, identity, ticket, channel, topic",
    [
        ("zendesk", zendesk_event, "381528", "35436", "chat", "question"),
        ("freshdesk", freshdesk_event, "alice@corp.test", "612", "phone", "Refund"),
        ("intercom", intercom_event, "alice@corp.test", "178928392", "email", "Helpdesk ticket"),
    ],
)
def test_each_products_solved_event_is_read(
    client, agent, kind, event, identity, ticket, channel, topic
):
    connection = make_connection(kind, kind=kind)
    map_agent(connection, identity, agent)
    response = post_signed(client, kind, event())
    assert response.status_code == 202, response.content
    interaction = Interaction.objects.get()
    assert (interaction.reference, interaction.channel, interaction.topic) == (
        ticket,
        channel,
        topic,
    )
    assert interaction.agent == agent


@pytest.mark.parametrize(
    "kind, event",
    [
        ("zendesk", lambda: zendesk_event("OPEN")),
        ("freshdesk", lambda: freshdesk_event("Pending")),
        ("intercom", lambda: intercom_event("conversation.user.replied") | {}),
    ],
)
def test_an_event_about_an_open_ticket_is_acknowledged_and_ignored(client, agent, kind, event):
    connection = make_connection(kind, kind=kind)
    map_agent(connection, "381528", agent)
    payload = event()
    if kind == "intercom":
        payload["data"]["item"]["state"] = "open"
    response = post_signed(client, kind, payload)
    assert response.status_code == 202
    assert response.json()["status"] == "ignored"
    assert not Interaction.objects.exists()


def test_a_body_over_64_kb_is_refused(client, acme):
    body = json.dumps(generic_event(padding="x" * 70_000)).encode()
    response = post_signed(client, "acme", None, body=body)
    assert response.status_code == 413
    assert nothing_stored()


def test_an_event_signed_with_the_old_secret_after_a_change_is_refused(client, acme):
    acme.signing_secret = "the-new-secret-after-rotation"
    acme.save()
    response = post_signed(client, "acme", generic_event())
    assert response.status_code == 403
    ok = post_signed(client, "acme", generic_event(), secret="the-new-secret-after-rotation")
    assert ok.status_code == 202
