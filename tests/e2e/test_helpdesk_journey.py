"""An admin connects a Zendesk, maps an agent; a signed event makes an interaction that the
team's supervisor finds in the queue, its reference a working link to the ticket."""

import json
import time

import requests

from integrations.signing import SIGNATURE_HEADER, signature_header
from tests.conftest import make_user
from tests.e2e.conftest import E2E

pytestmark = E2E

SECRET = "journey-signing-secret-0123456789"


def test_a_signed_zendesk_event_reaches_the_supervisors_queue_with_its_ticket_link(
    visit, live_server
):
    from teams.models import Role, Team

    north = Team.objects.create(name="Team North")
    make_user("agent1", Role.AGENT, team=north, first_name="Alex", last_name="Morgan")
    supervisor1 = make_user("supervisor1", Role.SUPERVISOR, leads=[north], first_name="Sam")
    ada = make_user("ada", Role.ADMIN, is_staff=True, first_name="Ada")

    admin = visit(ada)
    page = admin.go("/helpdesk/")
    page.get_by_role("link", name="New connection").click()
    page.wait_for_url("**/helpdesk/new/")
    admin.check()
    page.fill("#id_name", "Acme Zendesk")
    page.fill("#id_slug", "acme-zendesk")
    page.select_option("#id_kind", "zendesk")
    # The ticket address points back at this server, so the link can be followed.
    page.fill("#id_ticket_url_template", f"{live_server.url}/healthz?ticket={{id}}")
    page.select_option("#id_team", label="Team North")
    page.fill("#id_new_secret", SECRET)
    with page.expect_navigation():
        page.get_by_role("button", name="Create the connection").click()
    page.wait_for_url("**/helpdesk/acme-zendesk/")
    admin.check()
    page.fill("#id_identity", "381528")
    page.select_option("#id_user", label="Alex Morgan (agent1, Team North)")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the mapping").click()
    assert "381528" in page.get_by_test_id("mapping-row").first.inner_text()
    admin.check("connection with a mapping")

    event = {
        "type": "zen:event-type:ticket.status_changed",
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60)),
        "detail": {
            "id": "35436",
            "assignee_id": "381528",
            "status": "SOLVED",
            "subject": "Charged twice on card 4111 1111 1111 1111",
            "via": {"channel": "email"},
        },
        "event": {"current": "SOLVED", "previous": "OPEN"},
    }
    body = json.dumps(event).encode()
    answer = requests.post(
        f"{live_server.url}/api/v1/webhooks/acme-zendesk/",
        data=body,
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature_header(SECRET, body),
        },
        timeout=10,
    )
    assert answer.status_code == 202, answer.text
    assert answer.json()["status"] == "created"

    lead = visit(supervisor1)
    queue = lead.go("/reviews/")
    link = queue.get_by_test_id("ticket-link").first
    assert link.inner_text().startswith("35436")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
    with queue.context.expect_page() as opened:
        link.click()
    ticket = opened.value
    ticket.wait_for_load_state()
    assert ticket.url.endswith("/healthz?ticket=35436")
    ticket.close()
