from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ethicskit.management.commands.scan_personal_data import write_scan_report
from ethicskit.personal_data_scan import personal_data_scan
from ethicskit.retention import RETENTION_MINIMUM_DAYS, interactions_purge
from teams.audit import audit_context

WHAT = {
    "rubrics.Interaction": "interactions (reference, topic and summary)",
    "rubrics.Evaluation": "evaluations (comment and revision reason)",
    "rubrics.Rating": "rating comments",
    "rubrics.CoachingComment": "coaching comments",
    "rubrics.Dispute": "disputes (reason and resolution reason)",
    "checklists.ChecklistAnswer": "checklist-answer notes",
}


class Command(BaseCommand):
    help = (
        "Clear the free text and helpdesk references of interactions older than DAYS, keeping "
        "scores, rating values, statuses and dates. A dry run unless given --apply."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="DAYS",
            help=f"Retention period in days; at least {RETENTION_MINIMUM_DAYS}.",
        )
        parser.add_argument(
            "--apply", action="store_true", help="Clear the text; without it, only report."
        )
        parser.add_argument(
            "--redact",
            action="store_true",
            help="With --apply, also replace personal data the guard finds in the text kept.",
        )

    def handle(self, *args, older_than, apply, redact, **options):
        try:
            with transaction.atomic(), audit_context(source="manage.py purge_interactions"):
                report = interactions_purge(older_than_days=older_than, apply=apply)
                # Text kept by the purge is still checked against today's guard.
                scanned = personal_data_scan(redact=apply and redact)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        cutoff = timezone.localtime(report.cutoff)
        verb = "Cleared" if apply else "Would clear"
        self.stdout.write(
            f"{verb} free text of interactions that happened before {cutoff:%Y-%m-%d %H:%M}:"
        )
        for label, what in WHAT.items():
            self.stdout.write(f"  {report.cleared.get(label, 0):>7}  {what}")
        self.stdout.write("Scores, rating values, statuses and dates are kept.")
        if not apply:
            self.stdout.write(self.style.WARNING("Dry run: nothing changed. Add --apply to clear."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Done: {report.total} rows cleared."))
        write_scan_report(
            self.stdout,
            self.style,
            scanned,
            verb_found="Redacted" if scanned.redacted else "Text kept holds",
        )
        if scanned.total and not scanned.redacted:
            self.stdout.write(
                "Add --apply --redact, or run scan_personal_data --redact, to replace it."
            )
