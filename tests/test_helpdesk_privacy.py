"""A helpdesk event full of customers' personal data leaves none of it anywhere: every column of
every row of every table is read after the event, and the logs too."""

import logging

import pytest
from django.db import connection as db

from rubrics.models import Interaction
from tests.helpdesk import generic_event, make_connection, map_agent, post_signed
from tests.test_helpdesk_webhook import freshdesk_event, intercom_event, zendesk_event

pytestmark = pytest.mark.django_db

PERSONAL = [
    "jo.bloggs@mail.test",
    "+44 20 7946 0958",
    "7946 0958",
    "07700 900123",
    "4111 1111 1111 1111",
    "4111111111111111",
    "SW1A 2AA",
    "Downing",
    "Bloggs",
]
SOUP = "Jo Bloggs, jo.bloggs@mail.test, +44 20 7946 0958, card 4111 1111 1111 1111, 07700 900123"


def stored_text() -> str:
    """Every row of every table as text."""
    chunks = []
    with db.cursor() as cursor:
        for table in db.introspection.table_names(cursor):
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 (table names from the catalogue)
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks)


def assert_nothing_personal(caplog, response_text=""):
    text = stored_text() + "\n".join(record.getMessage() for record in caplog.records)
    text += response_text
    for value in PERSONAL:
        assert value not in text, value


@pytest.fixture
def acme(agent):
    connection = make_connection()
    map_agent(connection, "alice@corp.test", agent)
    return connection


def test_a_generic_event_soaked_in_personal_data_keeps_none(client, acme, caplog):
    caplog.set_level(logging.DEBUG)
    payload = generic_event(
        topic=f"Refund for {SOUP}",
        customer={"name": "Jo Bloggs", "email": "jo.bloggs@mail.test", "phone": "07700 900123"},
        subject=SOUP,
        description=SOUP,
        comments=[SOUP, {"body": SOUP}],
        card="4111 1111 1111 1111",
        address="10 Downing Street, SW1A 2AA",
    )
    response = post_signed(client, "acme", payload)
    assert response.status_code == 202
    assert response.json()["topic_dropped"] is True
    interaction = Interaction.objects.get()
    assert interaction.topic == "Helpdesk ticket"
    assert_nothing_personal(caplog, response.content.decode())


@pytest.mark.parametrize(
    "kind, event, identity",
    [
        ("zendesk", zendesk_event, "381528"),
        ("freshdesk", freshdesk_event, "alice@corp.test"),
        ("intercom", intercom_event, "alice@corp.test"),
    ],
)
def test_each_products_event_soaked_in_personal_data_keeps_none(
    client, agent, caplog, kind, event, identity
):
    caplog.set_level(logging.DEBUG)
    connection = make_connection(kind, kind=kind)
    map_agent(connection, identity, agent)
    payload = event()
    # The topic-bearing fields too.
    if kind == "zendesk":
        payload["detail"]["type"] = SOUP
        payload["detail"]["requester"] = {"email": "jo.bloggs@mail.test", "name": "Jo Bloggs"}
    elif kind == "freshdesk":
        payload["freshdesk_webhook"]["ticket_ticket_type"] = SOUP
        payload["freshdesk_webhook"]["ticket_contact_name"] = "Jo Bloggs"
    else:
        payload["data"]["item"]["custom_attributes"] = {"Topic": SOUP}
    response = post_signed(client, kind, payload)
    assert response.status_code == 202, response.content
    assert Interaction.objects.get().topic == "Helpdesk ticket"
    assert_nothing_personal(caplog, response.content.decode())


def test_an_event_for_an_unknown_agent_holds_no_personal_data(client, acme, caplog):
    caplog.set_level(logging.DEBUG)
    payload = generic_event(agent="agent-77", topic=SOUP, description=SOUP)
    response = post_signed(client, "acme", payload)
    assert response.json()["status"] == "held"
    assert_nothing_personal(caplog, response.content.decode())


@pytest.mark.parametrize("ticket_id", ["4111111111111111", "07700900123"])
def test_a_ticket_id_that_is_personal_data_is_refused(client, acme, ticket_id, caplog):
    response = post_signed(client, "acme", generic_event(ticket_id=ticket_id))
    assert response.status_code == 400
    assert ticket_id not in response.content.decode()
    assert not Interaction.objects.exists()
