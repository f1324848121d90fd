from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ethicskit.retention import logs_purge

WHAT = {
    "audit addresses": "addresses cleared from audit entries (the entries stay)",
    "sign-ins": "sign-in records",
    "failed sign-ins": "failed sign-in records",
    "sign-in attempts": "counted sign-in attempts",
}


class Command(BaseCommand):
    help = (
        "Remove the audit log's addresses and the sign-in log once older than DAYS (by default "
        "ETHICSKIT_LOG_RETENTION_DAYS). A dry run unless given --apply; run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            help=f"Retention period in days; default {settings.LOG_RETENTION_DAYS}.",
        )
        parser.add_argument(
            "--apply", action="store_true", help="Remove them; without it, only report."
        )

    def handle(self, *args, older_than, apply, **options):
        try:
            report = logs_purge(older_than_days=older_than, apply=apply)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        cutoff = timezone.localtime(report.cutoff)
        verb = "Removed" if apply else "Would remove"
        self.stdout.write(f"{verb} log records from before {cutoff:%Y-%m-%d %H:%M}:")
        for kind, what in WHAT.items():
            self.stdout.write(f"  {report.removed.get(kind, 0):>7}  {what}")
        if not apply:
            self.stdout.write(
                self.style.WARNING("Dry run: nothing changed. Add --apply to remove.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Done: {report.total} records."))
