"""File imports of solved tickets: check a file and preview it, import it in batches, undo it.

Only five fields of a row are kept: the ticket id, the agent (through the connection's agent
mapping), the channel, when it was solved and an optional topic. Other columns are read to find
these and dropped. The privacy guard is called on every kept text explicitly (bulk writes skip
model validators); a row with personal data is an error, never stored.

A ticket already imported or sent by the webhook for the connection is updated, not
duplicated; one that has been scored since is left as it is (skipped).
"""

import re
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import dateparse, timezone
from procrastinate.contrib.django import app

from core.bulk import copy_create, copy_rows, reserve_ids
from core.privacy import describe
from integrations.import_files import FileRefused, read_table
from integrations.import_models import ColumnMapping, ImportedRow, ImportJob
from integrations.models import TICKET_ID_RE, AgentMapping, Connection, TicketLink
from integrations.services import FALLBACK_TOPIC, mappable_agents, mapping_add, ticket_url
from rubrics.models import Channel, Evaluation, Interaction, validate_occurred_at
from teams import audit
from teams.access import is_admin, teams_led_by

BATCH_SIZE = 1000
SAMPLE_ROWS = 20
ERRORS_KEPT = 200
UNKNOWN_KEPT = 50
TOPIC_MAX = 120
HIDDEN = "(hidden: personal data)"
TICKET_ID = re.compile(TICKET_ID_RE)
# What helpdesks call their channels, beyond EthicsKit's own values and labels.
CHANNEL_ALIASES = {
    "voice": Channel.PHONE,
    "call": Channel.PHONE,
    "mail": Channel.EMAIL,
    "web": Channel.CHAT,
    "messaging": Channel.CHAT,
    "whatsapp": Channel.CHAT,
    "in person": Channel.IN_PERSON,
    "walk-in": Channel.IN_PERSON,
}
CHANNELS = {
    **{value: value for value in Channel.values},
    **{str(label).lower(): value for value, label in Channel.choices},
    **CHANNEL_ALIASES,
}
UPDATED_FIELDS = ["agent_id", "team_id", "occurred_at", "channel", "topic"]
AUDITED_FIELDS = ["agent", "team", "occurred_at", "channel", "topic"]


def connections_for_importer(user):
    """Admins import for every connection; a supervisor for those serving every team or one of
    the teams they lead."""
    connections = Connection.objects.filter(is_active=True)
    if is_admin(user):
        return connections
    return connections.filter(team__isnull=True) | connections.filter(team__in=teams_led_by(user))


def agents_to_map(user, connection: Connection):
    """The agents an importer may map a helpdesk identity to: the connection's, and for a
    supervisor only those of the teams they lead (integrations.services.mapping_add)."""
    agents = mappable_agents(connection)
    if is_admin(user):
        return agents
    return agents.filter(membership__team__in=teams_led_by(user))


def import_map_agent(*, user, job: "ImportJob", identity: str, agent) -> None:
    """Map an identity the preview of `job` found unknown; the file is checked again when it is
    uploaded again (its refused rows are not kept)."""
    if job.status != ImportJob.Status.PREVIEW:
        raise ValidationError("This import has started: map agents before the next upload.")
    if identity not in job.preview.get("unknown_agents", []):
        raise ValidationError("This file names no such unknown agent.")
    mapping_add(actor=user, connection=job.connection, identity=identity, user=agent)


def get_import_for_user(user, pk) -> ImportJob:
    job = ImportJob.objects.visible_to(user).select_related("connection").filter(pk=pk).first()
    if job is None:
        raise Http404("No such import among yours.")
    return job


# Preview -------------------------------------------------------------------------------------


def import_preview(*, user, connection: Connection, upload, mapping: dict[str, str]) -> ImportJob:
    """Read the file, check every row and keep the checked rows in a new previewed import.
    The mapping is saved for the connection. Raises FileRefused for a file refused whole."""
    headers, rows = read_table(upload)
    missing = [name for name in mapping.values() if name and name not in headers]
    if missing:
        raise FileRefused(
            f"The file has no column named {', '.join(repr(name) for name in missing)}. "
            f"Its columns are: {', '.join(repr(header) for header in headers)}. "
            "Pick the right ones below and upload the file again."
        )
    ColumnMapping.objects.update_or_create(connection=connection, defaults=mapping)
    columns = {field: headers.index(name) for field, name in mapping.items() if name}
    checker = RowChecker(user=user, connection=connection)
    checked = [checker.check(number, row, columns) for number, row in enumerate(rows, start=2)]
    checker.sort_existing([row for row in checked if not row["errors"]])
    totals = {"create": 0, "update": 0, "skip": 0}
    for row in checked:
        totals[row["outcome"]] += 1
    errors = [{"row": row["row"], "errors": row["errors"]} for row in checked if row["errors"]]
    return ImportJob.objects.create(
        connection=connection,
        created_by=user,
        file_name=str(upload.name)[:200],
        rows_in_file=len(rows),
        rows=[row["kept"] for row in checked if row["outcome"] != "skip"],
        preview={
            **totals,
            "valid": totals["create"] + totals["update"],
            "error_count": len(errors),
            "unknown_agents": sorted(checker.unknown.values(), key=str.lower)[:UNKNOWN_KEPT],
            "errors": errors[:ERRORS_KEPT],
            "sample": [
                {
                    "row": row["row"],
                    "errors": row["errors"],
                    "outcome": row["outcome"],
                    "note": row.get("note", ""),
                    "shown": {
                        field: text
                        if field == "agent" or not checker.personal_data(text)
                        else HIDDEN
                        for field, text in row["shown"].items()
                    },
                }
                for row in checked[:SAMPLE_ROWS]
            ],
        },
    )


class RowChecker:
    """Checks rows one by one against the connection's mapping and the importer's teams."""

    def __init__(self, *, user, connection: Connection):
        self.connection = connection
        mappings = (
            # Only people a mapping may name: active agents with a team (in the connection's).
            AgentMapping.objects.filter(connection=connection, user__in=mappable_agents(connection))
            .annotate(key=Lower("identity"))
            .values_list("key", "user_id", "user__membership__team_id")
        )
        self.agents = {key: (user_id, team_id) for key, user_id, team_id in mappings}
        self.teams = (
            None if is_admin(user) else set(teams_led_by(user).values_list("pk", flat=True))
        )
        self.seen: dict[str, int] = {}
        self.unknown: dict[str, str] = {}  # lower case -> the identity as the file has it
        self.guard_cache: dict[str, list[str]] = {}

    def personal_data(self, text: str) -> list[str]:
        if text not in self.guard_cache:
            self.guard_cache[text] = describe(text)
        return self.guard_cache[text]

    def quote(self, text: str) -> str:
        """A value for a message or the preview: quoted, or hidden if it holds personal data
        (a wrongly mapped column must not carry a customer's details into the preview). The
        agent's identity is shown as it is: it is staff's, and mappings keep it too."""
        return HIDDEN if self.personal_data(text) else repr(text)

    def check(self, number: int, row: tuple, columns: dict[str, int]) -> dict:
        value = {
            field: (row[index] if index < len(row) else "") for field, index in columns.items()
        }
        errors: list[str] = []
        shown = dict(value)
        ticket_id = value["ticket_id"]
        if not ticket_id:
            errors.append("No ticket id.")
        elif self.personal_data(ticket_id):
            errors.append("Personal data in the ticket id: it is not imported.")
            shown["ticket_id"] = HIDDEN
        elif not TICKET_ID.match(ticket_id):
            errors.append("The ticket id is not up to 64 letters, digits and . _ : # / -.")
        elif ticket_id in self.seen:
            errors.append(f"Duplicate ticket: {ticket_id} is also on row {self.seen[ticket_id]}.")
        else:
            self.seen[ticket_id] = number
        agent = self.agents.get(value["agent"].lower())
        if agent is None and not value["agent"]:
            errors.append("No agent.")
        elif agent is None:
            self.unknown.setdefault(value["agent"].lower(), value["agent"])
            errors.append(
                f"Unknown agent {repr(value['agent'])}: nobody is mapped to this helpdesk "
                "identity yet."
            )
        elif agent[1] is None:
            errors.append(f"{repr(value['agent'])} is not an agent of any team.")
        elif self.teams is not None and agent[1] not in self.teams:
            errors.append(f"{repr(value['agent'])} is an agent of another team than yours.")
        channel = CHANNELS.get(value["channel"].lower())
        if channel is None:
            errors.append(f"Unknown channel {self.quote(value['channel'])}.")
        solved_at = _parse_when(value["solved_at"], errors, self.quote)
        topic = value.get("topic", "") or FALLBACK_TOPIC
        if self.personal_data(topic):
            errors.append("Personal data in the topic: it is not imported.")
            shown["topic"] = HIDDEN
        elif len(topic) > TOPIC_MAX:
            errors.append(f"The topic is longer than {TOPIC_MAX} characters.")
        kept = None
        if not errors:
            kept = [ticket_id, agent[0], agent[1], channel, solved_at.isoformat(), topic]
        outcome = "skip" if errors else "create"
        return {"row": number, "shown": shown, "errors": errors, "outcome": outcome, "kept": kept}

    def sort_existing(self, rows: list[dict]) -> None:
        """Rows whose ticket exists already become updates, or skips when unchanged or scored."""
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            existing = _existing(self.connection, [row["kept"][0] for row in batch])
            for row in batch:
                found = existing.get(row["kept"][0])
                if found is not None:
                    interaction, scored = found
                    unchanged = _values_of(interaction) == _values_of_row(row["kept"])
                    row["outcome"] = "skip" if scored or unchanged else "update"
                    if scored:
                        row["errors"] = []
                        row["note"] = "Already scored: left as it is."


def _parse_when(text: str, errors: list[str], quote):
    try:
        when = dateparse.parse_datetime(text)
        if when is None and (day := dateparse.parse_date(text)) is not None:
            when = datetime.combine(day, time.min)
    except ValueError:
        when = None
    if when is None:
        errors.append(f"Bad date {quote(text)}: use ISO 8601, e.g. 2026-03-05T14:30:00+01:00.")
        return None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    try:
        validate_occurred_at(when)
    except ValidationError as error:
        errors.append(f"Bad date {quote(text)}: {error.messages[0]}")
        return None
    return when


def _existing(connection, ticket_ids: list[str], *, lock=False) -> dict:
    """ticket id -> (its interaction, whether it has been scored), for the tickets known."""
    links = TicketLink.objects.filter(connection=connection, ticket_id__in=ticket_ids)
    if lock:
        links = links.select_for_update(of=("self",))
    links = list(links.select_related("interaction"))
    scored = set(
        Evaluation.objects.filter(
            interaction_id__in=[link.interaction_id for link in links]
        ).values_list("interaction_id", flat=True)
    )
    return {link.ticket_id: (link.interaction, link.interaction_id in scored) for link in links}


def _values_of(interaction: Interaction) -> tuple:
    return (
        interaction.agent_id,
        interaction.team_id,
        interaction.occurred_at,
        interaction.channel,
        interaction.topic,
    )


def _values_of_row(kept: list) -> tuple:
    _, user_id, team_id, channel, solved_at, topic = kept
    return (user_id, team_id, datetime.fromisoformat(solved_at), channel, topic)


# Import and undo -----------------------------------------------------------------------------


def import_start(*, job: ImportJob) -> None:
    """Queue a previewed import for the background worker (integrations.tasks.import_run,
    named rather than imported: the task module imports this one)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportJob.Status.PREVIEW:
            raise ValidationError("This import has already been started.")
        if not job.rows:
            raise ValidationError("No row of this file can be imported: fix the errors first.")
        job.status = ImportJob.Status.QUEUED
        job.save(update_fields=["status"])
        task = app.configure_task("integrations.tasks.import_run", queue="default")
        transaction.on_commit(lambda: task.defer(job_id=job.pk))


def import_run(*, job_id: int) -> None:
    """Import a queued file in batches of BATCH_SIZE rows, each all-or-nothing in its own
    transaction; progress is saved with each batch, so a retry resumes after the last one."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    with audit.audit_context(source=f"file import {job.pk}", actor=job.created_by):
        _import_rows(job)


def _import_rows(job: ImportJob) -> None:
    try:
        for start in range(job.rows_done, len(job.rows), BATCH_SIZE):
            with transaction.atomic():
                counts = _import_batch(job, job.rows[start : start + BATCH_SIZE])
                job.rows_done = start + len(job.rows[start : start + BATCH_SIZE])
                job.created_count += counts["created"]
                job.updated_count += counts["updated"]
                job.skipped_count += counts["skipped"]
                job.save(
                    update_fields=["rows_done", "created_count", "updated_count", "skipped_count"]
                )
    except Exception as error:
        job.status = ImportJob.Status.FAILED
        job.error = f"Stopped after {job.rows_done} rows: {error}"[:500]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.status = ImportJob.Status.DONE
    job.skipped_count += job.preview.get("skip", 0)
    job.finished_at = timezone.now()
    job.rows = []  # imported: the rows now live as interactions
    job.save(update_fields=["status", "skipped_count", "finished_at", "rows"])


def _import_batch(job: ImportJob, batch: list[list]) -> dict[str, int]:
    connection = job.connection
    existing = _existing(connection, [kept[0] for kept in batch], lock=True)
    new, changed, records, before = [], [], [], {}
    skipped = 0
    for kept in batch:
        ticket_id, user_id, team_id, channel, solved_at, topic = kept
        found = existing.get(ticket_id)
        if found is None:
            new.append(
                Interaction(
                    agent_id=user_id,
                    team_id=team_id,
                    occurred_at=datetime.fromisoformat(solved_at),
                    channel=channel,
                    reference=ticket_id,
                    topic=topic,
                    ticket_url=ticket_url(connection, ticket_id),
                )
            )
            continue
        interaction, scored = found
        if scored or _values_of(interaction) == _values_of_row(kept):
            skipped += 1
            continue
        previous = {
            "agent_id": interaction.agent_id,
            "team_id": interaction.team_id,
            "occurred_at": interaction.occurred_at.isoformat(),
            "channel": interaction.channel,
            "topic": interaction.topic,
        }
        before[interaction.pk] = audit.snapshot(interaction, AUDITED_FIELDS)
        interaction.agent_id, interaction.team_id = user_id, team_id
        interaction.occurred_at = datetime.fromisoformat(solved_at)
        interaction.channel, interaction.topic = channel, topic
        changed.append(interaction)
        records.append(
            {
                "job": job,
                "interaction": interaction,
                "action": ImportedRow.Action.UPDATED,
                "previous": previous,
            }
        )
    # Written with COPY (core.bulk), the ids reserved first: links and import rows need them.
    for interaction, pk in zip(new, reserve_ids(Interaction, len(new)), strict=True):
        interaction.pk = pk
    copy_create(new)
    copy_rows(
        TicketLink,
        [
            {
                "interaction": interaction,
                "connection": connection,
                "ticket_id": interaction.reference,
                "source": TicketLink.Source.IMPORT,
            }
            for interaction in new
        ],
    )
    Interaction.objects.bulk_update(changed, UPDATED_FIELDS)
    audit.log_created(new)
    audit.log_updated(changed, before)
    records += [
        {"job": job, "interaction": interaction, "action": ImportedRow.Action.CREATED}
        for interaction in new
    ]
    copy_rows(ImportedRow, records)
    return {"created": len(new), "updated": len(changed), "skipped": skipped}


UNDO_SCORED = (
    "This import cannot be undone: {count} of its interactions have been scored since "
    "(a review or a self-score). Undoing it would take those scores away; nothing was changed."
)
UNDO_USED = (
    "This import cannot be undone: some of its interactions are used elsewhere now (an "
    "assignment or a calibration session). Nothing was changed."
)


def _delete_created(job: ImportJob, created: list[int]) -> None:
    """Delete the interactions an import created, in bulk: their ticket links and import rows
    first, then the interactions (logged in the audit log as deleted). A row elsewhere that
    still points at one (an assignment, a calibration session) makes the database refuse."""
    job.imported_rows.all()._raw_delete(job.imported_rows.db)
    for start in range(0, len(created), BATCH_SIZE):
        chunk = created[start : start + BATCH_SIZE]
        TicketLink.objects.filter(interaction_id__in=chunk)._raw_delete(TicketLink.objects.db)
        doomed = Interaction.objects.filter(pk__in=chunk)
        audit.log_deleted(list(doomed))
        try:
            with transaction.atomic():
                doomed._raw_delete(doomed.db)
        except IntegrityError:
            raise ValidationError(UNDO_USED) from None


def import_undo(*, job: ImportJob) -> int:
    """Revert a finished import as a whole, in one transaction: delete the interactions it
    created and restore those it changed. Refused after the undo window, or when any of them
    has been scored since. Returns how many interactions were touched."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportJob.Status.DONE:
            raise ValidationError("Only a finished import can be undone.")
        if not job.can_undo:
            raise ValidationError(
                "An import can be undone for a day after it finished; that day is over."
            )
        rows = list(job.imported_rows.values_list("interaction_id", "action", "previous"))
        touched = [interaction_id for interaction_id, _, _ in rows]
        scored = (
            Evaluation.objects.filter(interaction_id__in=touched)
            .values("interaction_id")
            .distinct()
            .count()
        )
        if scored:
            raise ValidationError(UNDO_SCORED.format(count=scored))
        previous = {pk: values for pk, action, values in rows if action == "updated"}
        restored = list(Interaction.objects.filter(pk__in=list(previous)))
        before = {
            interaction.pk: audit.snapshot(interaction, AUDITED_FIELDS) for interaction in restored
        }
        for interaction in restored:
            values = previous[interaction.pk]
            for name in ("agent_id", "team_id", "channel", "topic"):
                setattr(interaction, name, values[name])
            interaction.occurred_at = datetime.fromisoformat(values["occurred_at"])
        Interaction.objects.bulk_update(restored, UPDATED_FIELDS, batch_size=BATCH_SIZE)
        audit.log_updated(restored, before)
        created = [pk for pk, action, _ in rows if action == ImportedRow.Action.CREATED]
        _delete_created(job, created)
        job.status = ImportJob.Status.UNDONE
        job.undone_at = timezone.now()
        job.save(update_fields=["status", "undone_at"])
        return len(rows)
