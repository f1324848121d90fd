from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

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

    def handle(self, *args, older_than, apply, **options):
        try:
            with audit_context(source="manage.py purge_interactions"):
                report = interactions_purge(older_than_days=older_than, apply=apply)
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
