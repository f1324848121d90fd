from django.core.management.base import BaseCommand
from django.db import DatabaseError

from ethicskit.personal_data_scan import personal_data_scan
from teams.audit import audit_context


def write_scan_report(stdout, style, report, *, verb_found: str) -> None:
    """Counts by table, field and kind; never a stored value."""
    if not report.total:
        stdout.write("No stored text holds personal data the guard would refuse.")
        return
    stdout.write(f"{verb_found} personal data the guard would refuse now:")
    for (label, name, kind), count in sorted(report.found.items()):
        stdout.write(f"  {count:>7}  {label}.{name}: {kind}")
    rows = ", ".join(f"{label} {count}" for label, count in sorted(report.rows.items()) if count)
    stdout.write(f"Rows: {rows}.")


class Command(BaseCommand):
    help = (
        "Report stored free text that the privacy guard would refuse today, by table, field and "
        "kind, without printing it. --redact replaces what was found, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--redact",
            action="store_true",
            help='Replace each finding with "[removed: <kind>]"; without it, only report.',
        )

    def handle(self, *args, redact, **options):
        try:
            with audit_context(source="manage.py scan_personal_data"):
                report = personal_data_scan(redact=redact)
        except DatabaseError:
            self.stderr.write("The database refused the redaction; nothing was changed.")
            raise
        write_scan_report(
            self.stdout, self.style, report, verb_found="Redacted" if redact else "Found"
        )
        if report.total and not redact:
            self.stdout.write(self.style.WARNING("Nothing changed. Add --redact to replace it."))
        elif report.total:
            self.stdout.write(self.style.SUCCESS(f"Done: {report.total} rows redacted."))
