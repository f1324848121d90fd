"""File imports of helpdesk tickets: the preview and its errors, the totals, the mapping kept per
connection, the background import in batches, re-imports, undo, malformed files and access."""

import io
from datetime import timedelta

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from integrations import importing
from integrations.import_files import FileRefused, read_table
from integrations.import_models import ColumnMapping, ImportJob
from integrations.models import TicketLink
from integrations.tasks import import_run
from rubrics.models import Interaction
from tests.conftest import review
from tests.helpdesk import make_connection, map_agent

pytestmark = pytest.mark.django_db

HEADER = "Ticket,Assignee,Via,Solved,Subject,Requester email\n"
MAPPING = {
    "ticket_id": "Ticket",
    "agent": "Assignee",
    "channel": "Via",
    "solved_at": "Solved",
    "topic": "Subject",
}


def solved(hours_ago=2):
    return (timezone.now() - timedelta(hours=hours_ago)).isoformat(timespec="seconds")


# One time for every row of a module run, so a re-import of the same row is unchanged.
WHEN = solved(hours_ago=3)


def csv_file(lines, name="tickets.csv", header=HEADER):
    return SimpleUploadedFile(name, (header + "".join(lines)).encode(), content_type="text/csv")


def line(ticket, agent="alice@corp.test", channel="chat", when=None, topic="Refund"):
    return f"{ticket},{agent},{channel},{when or WHEN},{topic},jo@example.com\n"


@pytest.fixture
def acme(agent, other_agent):
    connection = make_connection("acme")
    map_agent(connection, "alice@corp.test", agent)
    map_agent(connection, "oscar@corp.test", other_agent)
    return connection


def preview(user, connection, lines, **kwargs):
    return importing.import_preview(
        user=user, connection=connection, upload=csv_file(lines, **kwargs), mapping=MAPPING
    )


def run(job):
    importing.import_start(job=job)
    import_run(job_id=job.pk)  # what the worker does with the deferred job
    job.refresh_from_db()
    return job


# Preview -------------------------------------------------------------------------------------


def test_the_preview_shows_each_kind_of_row_error_and_the_totals(acme, supervisor):
    job = preview(
        supervisor,
        acme,
        [
            line("1001"),
            line("1002", agent="nobody@corp.test"),
            line("1003", when="last tuesday"),
            line("1004", topic="Call me on 020 7946 0958"),
            line("1001"),
            line("1005", agent="oscar@corp.test"),
            line("1006", channel="fax"),
            line("1007", channel="Phone", topic=""),
        ],
    )
    errors = {row["row"]: " ".join(row["errors"]) for row in job.preview["errors"]}
    assert errors[3].startswith("Unknown agent 'nobody@corp.test'")
    assert "Bad date 'last tuesday'" in errors[4]
    assert "Personal data in the topic" in errors[5]
    assert "Duplicate ticket: 1001 is also on row 2" in errors[6]
    assert "another team" in errors[7]
    assert "Unknown channel 'fax'" in errors[8]
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert (job.preview["create"], job.preview["update"], job.preview["skip"]) == (2, 0, 6)
    # Nothing personal is kept, not even in the preview: the refused topic is hidden.
    assert "7946" not in str(job.preview) and "jo@example.com" not in str(job.preview)
    assert [row[0] for row in job.rows] == ["1001", "1007"]
    assert job.rows[1][3:] == ["phone", job.rows[1][4], "Helpdesk ticket"]
    assert not Interaction.objects.exists()


def test_a_wrongly_mapped_column_of_customer_details_never_reaches_the_preview(acme, supervisor):
    mapping = {**MAPPING, "channel": "Requester email", "solved_at": "Requester email"}
    job = importing.import_preview(
        user=supervisor, connection=acme, upload=csv_file([line("1")]), mapping=mapping
    )
    assert "jo@example.com" not in str(job.preview) and job.rows == []
    assert "Unknown channel (hidden: personal data)" in job.preview["errors"][0]["errors"][0]


def test_an_admin_imports_for_every_team(acme, admin_user):
    job = preview(admin_user, acme, [line("1"), line("2", agent="oscar@corp.test")])
    assert job.preview["create"] == 2 and job.preview["error_count"] == 0


def test_the_mapping_is_saved_per_connection_and_offered_next_time(acme, supervisor, login):
    other = make_connection("other")
    preview(supervisor, acme, [line("1")])
    assert ColumnMapping.objects.get(connection=acme).as_dict() == MAPPING
    assert not ColumnMapping.objects.filter(connection=other).exists()
    page = login(supervisor).get(f"/imports/new/?connection={acme.pk}")
    assert page.context["form"].initial["agent"] == "Assignee"
    page = login(supervisor).get(f"/imports/new/?connection={other.pk}")
    assert page.context["form"].initial["agent"] == "agent"


def test_a_missing_column_names_the_files_columns(acme, supervisor):
    with pytest.raises(FileRefused, match="no column named 'Ticket'.*'Id'"):
        preview(supervisor, acme, [line("1")], header=HEADER.replace("Ticket", "Id"))
    assert not ImportJob.objects.exists()


# Import, re-import, undo ---------------------------------------------------------------------


def test_the_import_runs_in_the_background_and_creates_linked_interactions(
    acme, supervisor, agent, django_capture_on_commit_callbacks
):
    job = preview(supervisor, acme, [line("1001"), line("1002", topic="Delivery")])
    with django_capture_on_commit_callbacks(execute=True):
        importing.import_start(job=job)
    deferred = ProcrastinateJob.objects.get(task_name="integrations.tasks.import_run")
    assert deferred.args == {"job_id": job.pk}
    import_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_count, job.rows_done, job.percent_done) == ("done", 2, 2, 100)
    interaction = Interaction.objects.get(reference="1002")
    assert (interaction.agent, interaction.team_id, interaction.topic) == (
        agent,
        agent.membership.team_id,
        "Delivery",
    )
    assert interaction.ticket_url == "https://acme.example.test/tickets/1002"
    assert TicketLink.objects.get(interaction=interaction).source == "import"


def test_a_reimport_updates_rather_than_duplicates(acme, supervisor):
    run(preview(supervisor, acme, [line("1001"), line("1002")]))
    job = preview(supervisor, acme, [line("1001"), line("1002", topic="Changed"), line("1003")])
    assert (job.preview["create"], job.preview["update"], job.preview["skip"]) == (1, 1, 1)
    job = run(job)
    assert (job.created_count, job.updated_count, job.skipped_count) == (1, 1, 1)
    assert Interaction.objects.count() == 3
    assert Interaction.objects.get(reference="1002").topic == "Changed"


def test_a_scored_ticket_is_left_as_it_is(acme, supervisor):
    run(preview(supervisor, acme, [line("1001")]))
    review(Interaction.objects.get(), supervisor)
    job = preview(supervisor, acme, [line("1001", topic="Changed")])
    assert job.preview["skip"] == 1 and job.rows == []
    assert Interaction.objects.get().topic == "Refund"


def test_batches_are_all_or_nothing(acme, supervisor, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    job = preview(supervisor, acme, [line(str(n)) for n in range(5)])
    real = importing._import_batch
    calls = []

    def second_fails(job, batch):
        calls.append(batch)
        result = real(job, batch)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return result

    monkeypatch.setattr(importing, "_import_batch", second_fails)
    importing.import_start(job=job)
    with pytest.raises(RuntimeError):
        import_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_done, Interaction.objects.count()) == ("failed", 2, 2)
    assert "database went away" in job.error


def test_the_queries_of_a_batch_do_not_grow_with_its_size(acme, supervisor, monkeypatch):
    """Two batches of 2 rows and two of 20 cost the same queries: each batch writes its
    interactions, links, import rows and audit entries in bulk, updates and new rows alike."""
    counts = []
    for size in (2, 20):
        monkeypatch.setattr(importing, "BATCH_SIZE", size)
        known = [f"{size}-{n}" for n in range(size)]
        run(preview(supervisor, acme, [line(ticket) for ticket in known]))
        # Each batch holds as many changed tickets as new ones.
        changed_and_new = [
            line(ticket, topic="Changed")
            for known_ticket in known
            for ticket in (known_ticket, f"{known_ticket}-new")
        ]
        job = preview(supervisor, acme, changed_and_new)
        importing.import_start(job=job)
        with CaptureQueriesContext(connection) as queries:
            import_run(job_id=job.pk)
        job.refresh_from_db()
        assert (job.created_count, job.updated_count) == (size, size)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_rows_written_with_copy_get_their_defaults_and_time_stamps(acme, supervisor):
    from core.bulk import copy_rows

    run(preview(supervisor, acme, [line("1001")]))
    interaction = Interaction.objects.get()
    TicketLink.objects.all().delete()
    copy_rows(TicketLink, [{"interaction": interaction, "connection": acme, "ticket_id": "1001"}])
    link = TicketLink.objects.get()
    assert (link.interaction, link.source) == (interaction, "webhook")  # the field's default
    assert link.created_at is not None and link.updated_at is not None


def test_undo_reverts_the_whole_import(acme, supervisor):
    run(preview(supervisor, acme, [line("1001"), line("1002")]))
    job = run(preview(supervisor, acme, [line("1002", topic="Changed"), line("1003")]))
    assert importing.import_undo(job=job) == 2
    job.refresh_from_db()
    assert job.status == "undone" and not job.can_undo
    assert set(Interaction.objects.values_list("reference", "topic")) == {
        ("1001", "Refund"),
        ("1002", "Refund"),
    }
    assert not TicketLink.objects.filter(ticket_id="1003").exists()


def test_undo_is_refused_once_an_interaction_is_scored_or_after_a_day(acme, supervisor):
    job = run(preview(supervisor, acme, [line("1001"), line("1002")]))
    review(Interaction.objects.get(reference="1002"), supervisor)
    with pytest.raises(Exception, match="1 of its interactions have been scored"):
        importing.import_undo(job=job)
    assert Interaction.objects.count() == 2
    job = run(preview(supervisor, acme, [line("2001")]))
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=1))
    job.refresh_from_db()
    with pytest.raises(Exception, match="that day is over"):
        importing.import_undo(job=job)


# Malformed files -----------------------------------------------------------------------------


def upload(content: bytes, name="tickets.csv"):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ((HEADER + "1,alice@corp.test,chat,2026-01-01,Caf\xe9\n").encode("latin-1"), "not UTF-8"),
        (
            (HEADER + '1,alice@corp.test,chat,2026-01-01,"=HYPERLINK(""http://x"")",a\n').encode(),
            "formula",
        ),
        ((HEADER + "2,alice@corp.test,chat,2026-01-01,+SUM(A1),b\n").encode(), "formula"),
        (b"Ticket," + b"x" * 10_000_000 + b"\n", "longer than 64 KB"),
        ((HEADER + "1,2\n").encode(), "more or fewer columns"),
        (b"", "empty"),
        (b"PK\x03\x04 not really a workbook", "Excel workbook"),
    ],
)
def test_a_malformed_file_is_refused_with_a_message(content, message):
    with pytest.raises(FileRefused, match=message):
        read_table(upload(content))


def test_a_too_large_file_is_refused(settings):
    settings.ETHICSKIT_IMPORT_MAX_BYTES = 100
    with pytest.raises(FileRefused, match="the limit is"):
        read_table(upload(b"x" * 200))


def test_a_malformed_file_imports_nothing_and_the_page_says_why(acme, supervisor, login):
    body = (HEADER + line("1") + '2,alice@corp.test,chat,2026-01-01,"=cmd()",x\n').encode()
    response = login(supervisor).post(
        "/imports/new/",
        {"connection": acme.pk, **MAPPING, "file": upload(body)},
    )
    assert response.status_code == 200
    assert "holds a formula" in response.content.decode()
    assert not ImportJob.objects.exists() and not Interaction.objects.exists()


def test_an_xlsx_export_is_read(acme, supervisor):
    data = tablib.Dataset(headers=list(MAPPING.values()))
    data.append(["1001", "alice@corp.test", "email", solved(), "Billing"])
    content = data.export("xlsx")
    headers, rows = read_table(upload(content, name="tickets.xlsx"))
    assert headers == list(MAPPING.values()) and rows[0][:3] == ("1001", "alice@corp.test", "email")
    job = importing.import_preview(
        user=supervisor,
        connection=acme,
        upload=SimpleUploadedFile("t.xlsx", content),
        mapping=MAPPING,
    )
    assert job.preview["create"] == 1


# Pages and access ----------------------------------------------------------------------------


def test_the_pages_walk_from_upload_to_undo(acme, supervisor, login, django_assert_max_num_queries):
    client = login(supervisor)
    file = io.BytesIO((HEADER + line("1001") + line("1002", agent="x@corp.test")).encode())
    file.name = "tickets.csv"
    response = client.post("/imports/new/", {"connection": acme.pk, **MAPPING, "file": file})
    job = ImportJob.objects.get()
    assert response.url == f"/imports/{job.pk}/"
    page = client.get(response.url).content.decode()
    assert "Unknown agent" in page and "Import 1 row(s)" in page
    client.post(f"/imports/{job.pk}/start/")
    import_run(job_id=job.pk)
    bar = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "<progress" in bar and "Undo this import" in bar and "<html" not in bar
    with django_assert_max_num_queries(12):
        assert "tickets.csv" in client.get("/imports/").content.decode()
    client.post(f"/imports/{job.pk}/undo/")  # not confirmed: nothing happens
    assert Interaction.objects.count() == 1
    client.post(f"/imports/{job.pk}/undo/", {"confirm": "yes"})
    assert not Interaction.objects.exists()


def test_imports_are_seen_by_their_author_and_admins_only(
    acme, supervisor, other_supervisor, admin_user, agent, login
):
    job = preview(supervisor, acme, [line("1")])
    assert login(admin_user).get(f"/imports/{job.pk}/").status_code == 200
    assert login(other_supervisor).get(f"/imports/{job.pk}/").status_code == 404
    undo = login(other_supervisor).post(f"/imports/{job.pk}/undo/", {"confirm": "yes"})
    assert undo.status_code == 404
    assert login(agent).get("/imports/").status_code == 403
    assert login(agent).get("/imports/new/").status_code == 403


def test_a_supervisor_imports_only_through_connections_serving_their_team(
    acme, supervisor, south, login
):
    southern = make_connection("southern", team=south)
    offered = login(supervisor).get("/imports/new/").context["form"].fields["connection"]
    assert list(offered.queryset) == [acme]
    response = login(supervisor).post(
        "/imports/new/",
        {"connection": southern.pk, **MAPPING, "file": upload((HEADER + line("1")).encode())},
    )
    assert response.status_code == 200 and not ImportJob.objects.exists()
