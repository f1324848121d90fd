"""Assign random unassigned, unreviewed interactions per agent from the last 7 days.

Each goes to one of its team's supervisors (spread evenly), due by the end of this week. A
team's rule (see the README) does this every hour by itself; this is for a one-off sample:
    python manage.py sample_reviews --per-agent 2
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qa.services import assignments_sample
from teams.models import Team


class Command(BaseCommand):
    help = "Assign N random unassigned, unreviewed interactions per agent from the last 7 days."

    def add_arguments(self, parser):
        parser.add_argument("--per-agent", type=int, required=True, help="How many per agent.")
        parser.add_argument(
            "--team", action="append", default=[], help="Only this team (by name); repeatable."
        )

    def handle(self, *args, per_agent, team, **options):
        teams = Team.objects.order_by("name")
        if team:
            teams = teams.filter(name__in=team)
            missing = set(team) - set(teams.values_list("name", flat=True))
            if missing:
                raise CommandError(f"No team called: {', '.join(sorted(missing))}.")
        try:
            made = assignments_sample(teams=list(teams), per_agent=per_agent)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Assigned {made} interaction{'s' if made != 1 else ''} for review.")
        )
