import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from rubrics import rollup_rebuild, rollups


class Command(BaseCommand):
    help = (
        "Recompute the dashboards' rollups (per-agent daily and weekly sums) from the "
        "evaluations. With --check, only compare them and exit 1 if they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare only; change nothing.")

    def handle(self, *args, check, **options):
        if check:
            stored, expected = rollups.stored(), rollups.expected()
            differing = {
                table: len(set(stored[table].items()) ^ set(expected[table].items()))
                for table in expected
            }
            if any(differing.values()):
                raise CommandError(f"The rollups differ from the evaluations: {differing}.")
            self.stdout.write("The rollups match the evaluations.")
            return
        started = time.monotonic()
        # Built aside and swapped in: pages read the old rollups until the new are complete,
        # and writes go on meanwhile (rubrics/rollup_rebuild.py).
        # Inside a transaction (a test, a migration) nothing else can write: built in place.
        aside = not connection.in_atomic_block
        written = rollup_rebuild.rebuild_aside() if aside else rollups.rebuild()
        caught_up = written.pop("caught up interactions", 0)
        written.pop("seconds", None)
        rows = ", ".join(f"{count:,} {table}" for table, count in written.items())
        self.stdout.write(
            f"Rebuilt the rollups: {rows} rows in {time.monotonic() - started:.1f} s"
            + (f" ({caught_up} interactions written meanwhile caught up)." if aside else ".")
        )
