"""Time a file import of N generated tickets: `manage.py bench_import --rows 100000`.

For `make bench` and by hand on a development database: a connection `bench-import` mapping
every agent by username, a CSV of N solved tickets, then the preview (reading and checking)
and the import (batches, as the worker runs it) are timed and printed in rows per second. The
import is undone afterwards unless `--keep`."""

import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from integrations import importing
from integrations.models import AgentMapping, Connection
from integrations.services import mappable_agents
from rubrics.models import Channel
from teams.models import Role

TOPICS = ["Refund", "Delivery", "Billing", "Password reset", "Complaint", "Upgrade"]


def bench_csv(usernames: list[str], rows: int, *, prefix: str) -> bytes:
    """A ticket export of `rows` solved tickets of the given agents, with a column that is
    never kept (as real exports have)."""
    now = timezone.now()
    chooser = random.Random(rows)
    lines = ["ticket,agent,channel,solved_at,topic,priority"]
    for number in range(rows):
        solved = now - timedelta(minutes=chooser.randrange(60, 60 * 24 * 60))
        lines.append(
            f"{prefix}{number},{chooser.choice(usernames)},{chooser.choice(Channel.values)},"
            f"{solved.isoformat(timespec='seconds')},{chooser.choice(TOPICS)},normal"
        )
    return ("\n".join(lines) + "\n").encode()


def bench_import(rows: int, *, keep: bool = False, out=print) -> dict[str, float]:
    """Preview and import `rows` generated tickets; returns the seconds of each step."""
    admin = get_user_model().objects.filter(groups__name=Role.ADMIN).order_by("pk").first()
    if admin is None:
        raise CommandError("No admin to import as: run seed_demo (or create one) first.")
    connection, _ = Connection.objects.get_or_create(
        slug="bench-import",
        defaults={
            "name": "Benchmark import",
            "kind": Connection.Kind.GENERIC,
            "ticket_url_template": "https://helpdesk.example/tickets/{id}",
            "signing_secret": "bench-import-secret-not-used",
        },
    )
    agents = list(mappable_agents(connection))
    if not agents:
        raise CommandError("No agents to import for: run seed_demo first.")
    for agent in agents:
        AgentMapping.objects.get_or_create(
            connection=connection, identity=agent.get_username(), defaults={"user": agent}
        )
    prefix = f"B{int(time.time())}-"
    content = bench_csv([agent.get_username() for agent in agents], rows, prefix=prefix)
    mapping = {
        "ticket_id": "ticket",
        "agent": "agent",
        "channel": "channel",
        "solved_at": "solved_at",
        "topic": "topic",
    }
    started = time.perf_counter()
    job = importing.import_preview(
        user=admin,
        connection=connection,
        upload=SimpleUploadedFile("bench.csv", content),
        mapping=mapping,
    )
    previewed = time.perf_counter()
    importing.import_start(job=job)
    importing.import_run(job_id=job.pk)
    imported = time.perf_counter()
    job.refresh_from_db()
    timings = {"preview": previewed - started, "import": imported - previewed}
    total = imported - started
    out(
        f"{rows:,} rows: preview {timings['preview']:.1f} s "
        f"({rows / timings['preview']:,.0f} rows/s), import {timings['import']:.1f} s "
        f"({rows / timings['import']:,.0f} rows/s); created {job.created_count:,}, "
        f"skipped {job.skipped_count:,}"
    )
    # Upload to the last row stored, as the person importing waits for it (not the undo).
    out(f"Finished in {total:.1f} s: {rows / total:,.0f} rows/s from upload to imported.")
    if not keep:
        importing.import_undo(job=job)
    return timings


class Command(BaseCommand):
    help = "Time a file import of N generated tickets (rows per second)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--keep", action="store_true", help="Keep the imported interactions.")

    def handle(self, *args, rows, keep, **options):
        if rows < 1:
            raise CommandError("--rows must be at least 1.")
        bench_import(rows, keep=keep, out=self.stdout.write)
