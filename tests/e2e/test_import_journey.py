"""Supervisor1 imports a 500-row export of solved tickets with three bad rows: he sees them in
the preview, maps the helpdesk identity of his new agent, uploads the file again, imports it,
watches the progress reach done, finds the interactions in his review queue and undoes it."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from tests.conftest import make_user
from tests.e2e.conftest import E2E

pytestmark = E2E

SHOTS = Path("/work/walk-shots")
HEADER = "Ticket ID,Assignee email,Via,Solved at,Subject,Requester email\n"
COLUMNS = {
    "#id_ticket_id": "Ticket ID",
    "#id_agent": "Assignee email",
    "#id_channel": "Via",
    "#id_solved_at": "Solved at",
    "#id_topic": "Subject",
}
ROWS = 500
# Three bad rows (file rows count the header as row 1): an identity nobody mapped yet, a date
# that is no date, and a ticket that is on the file twice.
UNKNOWN_ROW, BAD_DATE_ROW, DUPLICATE_ROW = 102, 202, 302


def export() -> bytes:
    """A helpdesk export, newest ticket first; the requester's e-mail is dropped on import."""
    now = timezone.now()
    lines = []
    for index in range(ROWS):
        row = index + 2
        ticket = f"T-{1000 + index}"
        agent = "alex.morgan@acme.test" if index % 2 else "riley.chen@acme.test"
        solved = (now - timedelta(minutes=10 * (index + 1))).isoformat(timespec="seconds")
        if row == UNKNOWN_ROW:
            agent = "jamie.lee@acme.test"
        if row == BAD_DATE_ROW:
            solved = "31/02/2026"
        if row == DUPLICATE_ROW:
            ticket = "T-1010"
        channel = ("email", "chat", "voice")[index % 3]
        lines.append(
            f"{ticket},{agent},{channel},{solved},Refund request,buyer{index}@example.com\n"
        )
    return (HEADER + "".join(lines)).encode()


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"import-{name}.png"), full_page=True)


def upload(page, data):
    page.set_input_files(
        "#id_file", files=[{"name": "solved-tickets.csv", "mimeType": "text/csv", "buffer": data}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Preview the import").click()


def totals(page):
    return tuple(
        page.text_content(f"#total-{name}").strip() for name in ("create", "update", "skip")
    )


def test_supervisor_previews_fixes_the_mapping_imports_and_undoes_a_file(visit, live_server):
    from procrastinate.contrib.django.models import ProcrastinateJob

    from integrations.import_models import ImportJob
    from integrations.models import AgentMapping, Connection, TicketLink
    from integrations.tasks import import_run
    from rubrics.models import Interaction
    from teams.models import Role, Team

    north = Team.objects.create(name="Team North")
    south = Team.objects.create(name="Team South")
    alex = make_user("agent1", Role.AGENT, team=north, first_name="Alex", last_name="Morgan")
    riley = make_user("agent2", Role.AGENT, team=north, first_name="Riley", last_name="Chen")
    make_user("agent3", Role.AGENT, team=north, first_name="Jamie", last_name="Lee")
    make_user("agent9", Role.AGENT, team=south, first_name="Oscar", last_name="Diaz")
    supervisor1 = make_user("supervisor1", Role.SUPERVISOR, leads=[north], first_name="Sam")
    # The admin's part (tests/e2e/test_helpdesk_journey.py): a connection serving every team,
    # its ticket address pointing back at this server, two of North's agents mapped.
    connection = Connection.objects.create(
        name="Acme Zendesk",
        slug="acme-zendesk",
        kind="zendesk",
        ticket_url_template=f"{live_server.url}/healthz?ticket={{id}}",
        signing_secret="journey-signing-secret-0123456789",
    )
    AgentMapping.objects.create(connection=connection, identity="alex.morgan@acme.test", user=alex)
    AgentMapping.objects.create(connection=connection, identity="riley.chen@acme.test", user=riley)
    data = export()

    lead = visit(supervisor1)
    page = lead.go("/imports/")
    page.get_by_role("link", name="Import a file").click()
    page.wait_for_url("**/imports/new/")
    lead.check()
    # One connection serves his team: one place to pick it.
    assert page.locator("select").count() == 1
    # The export names its columns its own way: he says which holds what.
    for field, column in COLUMNS.items():
        page.fill(field, column)
    shoot(page, "1-upload")
    upload(page, data)

    # The preview: exactly the three bad rows, each saying what is wrong, and the totals.
    page.wait_for_url("**/imports/*/")
    lead.check()
    shoot(page, "2-preview-three-errors")
    assert totals(page) == ("497", "0", "3")
    errors = page.locator("#row-errors li").all_inner_texts()
    assert errors == [
        f"Row {UNKNOWN_ROW}: Unknown agent 'jamie.lee@acme.test': nobody is mapped to this "
        "helpdesk identity yet.",
        f"Row {BAD_DATE_ROW}: Bad date '31/02/2026': use ISO 8601, e.g. 2026-03-05T14:30:00+01:00.",
        f"Row {DUPLICATE_ROW}: Duplicate ticket: T-1010 is also on row 12.",
    ]
    assert page.get_by_role("button", name="Import 497 row(s)").is_visible()
    first = page.locator("tbody tr").first.locator("td").all_inner_texts()
    assert first[:2] == ["2", "T-1000"] and first[-1] == "New"
    assert "@example.com" not in page.content()  # the requester's column is never shown
    assert not Interaction.objects.exists()

    # He maps the new agent's helpdesk identity, choosing among his own team's agents only.
    picker = page.get_by_label("Agent for jamie.lee@acme.test")
    offered = picker.locator("option").all_inner_texts()
    assert offered == [
        "Pick an agent",
        "Alex Morgan (Team North)",
        "Riley Chen (Team North)",
        "Jamie Lee (Team North)",
    ]
    picker.select_option(label="Jamie Lee (Team North)")
    with page.expect_navigation():
        page.get_by_role("button", name="Map this identity").click()
    alert = page.get_by_role("alert").inner_text()
    assert alert.startswith("Mapped jamie.lee@acme.test to Jamie Lee.")
    assert "mapped to Jamie Lee" in page.get_by_test_id("unknown-agent").inner_text()
    lead.check("preview after mapping")
    shoot(page, "3-identity-mapped")

    # He uploads the file again: the columns he named are offered, the preview changes.
    page.get_by_role("link", name="Upload the file again").click()
    page.wait_for_url("**/imports/new/?connection=*")
    for field, column in COLUMNS.items():
        assert page.input_value(field) == column
    upload(page, data)
    page.wait_for_url("**/imports/*/")
    lead.check("second preview")
    shoot(page, "4-preview-after-mapping")
    assert totals(page) == ("498", "0", "2")
    errors = page.locator("#row-errors li").all_inner_texts()
    assert [error.split(":")[0] for error in errors] == [
        f"Row {BAD_DATE_ROW}",
        f"Row {DUPLICATE_ROW}",
    ]
    assert not page.get_by_test_id("unknown-agent").count()
    job = ImportJob.objects.latest("pk")
    assert ImportJob.objects.count() == 2 and job.preview["valid"] == 498

    # He imports; the worker runs the deferred task; the bar polls until it reaches done.
    with page.expect_navigation():
        page.get_by_role("button", name="Import 498 row(s)").click()
    assert "Waiting to start: 0 of 498 rows" in page.inner_text("#import-progress")
    deferred = ProcrastinateJob.objects.get(task_name="integrations.tasks.import_run")
    assert deferred.args == {"job_id": job.pk}
    import_run(job_id=job.pk)  # what the worker does with it
    page.get_by_text("Imported: 498 of 498 rows").wait_for(timeout=10_000)
    assert page.get_attribute("#import-bar", "value") == "100"
    assert "Created 498, updated 0, skipped 2." in page.inner_text("#import-progress")
    lead.check("import done")
    shoot(page, "5-imported")
    assert Interaction.objects.count() == 498
    assert TicketLink.objects.filter(source=TicketLink.Source.IMPORT).count() == 498
    assert Interaction.objects.filter(agent__username="agent3").count() == 1

    # The newest ticket heads his review queue; its reference opens the ticket in a new tab.
    queue = lead.go("/reviews/")
    shoot(queue, "6-review-queue")
    link = queue.get_by_test_id("ticket-link").first
    assert link.inner_text().startswith("T-1000")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
    with queue.context.expect_page() as opened:
        link.click()
    ticket = opened.value
    ticket.wait_for_load_state()
    assert ticket.url.endswith("/healthz?ticket=T-1000")
    ticket.close()

    # He undoes the import: the interactions are gone, from the queue too.
    page = lead.go(f"/imports/{job.pk}/")
    page.get_by_label("Delete the 498 interactions this import created").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Undo this import").click()
    assert page.get_by_role("alert").inner_text() == "Import undone: 498 interaction(s) reverted."
    assert "Undone on" in page.inner_text("#import-progress")
    lead.check("import undone")
    shoot(page, "7-undone")
    assert not Interaction.objects.exists() and not TicketLink.objects.exists()
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.UNDONE
    queue = lead.go("/reviews/")
    assert not queue.get_by_test_id("ticket-link").count()
    lead.check("queue after undo")
