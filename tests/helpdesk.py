"""Helpers for the helpdesk-connection tests: a connection, a mapping, a signed POST."""

import json
import time

from integrations.models import AgentMapping, Connection
from integrations.signing import SIGNATURE_HEADER, signature_header

SECRET = "a-long-test-secret-for-signing"


def make_connection(slug="acme", kind="generic", team=None, secret=SECRET):
    return Connection.objects.create(
        name=slug.title(),
        slug=slug,
        kind=kind,
        ticket_url_template=f"https://{slug}.example.test/tickets/{{id}}",
        signing_secret=secret,
        team=team,
    )


def map_agent(connection, identity, user):
    return AgentMapping.objects.create(connection=connection, identity=identity, user=user)


def generic_event(ticket_id="4821", agent="alice@corp.test", **extra):
    solved = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 3600))
    return {"ticket_id": ticket_id, "agent": agent, "channel": "chat", "solved_at": solved} | extra


def post_signed(client, slug, payload, *, secret=SECRET, timestamp=None, header=None, body=None):
    """POST `payload` (or raw `body`) signed with `secret`; `header` replaces the signature."""
    raw = body if body is not None else json.dumps(payload).encode()
    headers = {}
    value = signature_header(secret, raw, timestamp) if header is None else header
    if value != "":
        headers[SIGNATURE_HEADER] = value
    return client.post(
        f"/api/v1/webhooks/{slug}/", data=raw, content_type="application/json", headers=headers
    )
