"""Pick random unreviewed interactions per agent from the last 7 days for review.

Run it from a scheduler (e.g. every Monday) so each agent gets a fair share of reviews:
    python manage.py sample_reviews --per-agent 2
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rubrics.services import review_sample
from teams.models import Team


class Command(BaseCommand):
    help = "Pick N random unreviewed, self-scored interactions per agent from the last 7 days."

    def add_arguments(self, parser):
        parser.add_argument("--per-agent", type=int, required=True, help="How many per agent.")
        parser.add_argument(
            "--team", action="append", default=[], help="Only this team (by name); repeatable."
        )

    def handle(self, *args, per_agent, team, **options):
        teams = Team.objects.all()
        if team:
            teams = teams.filter(name__in=team)
            missing = set(team) - set(teams.values_list("name", flat=True))
            if missing:
                raise CommandError(f"No team called: {', '.join(sorted(missing))}.")
        try:
            picked = review_sample(teams=teams, per_agent=per_agent)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Picked {picked} interaction{'s' if picked != 1 else ''} for review."
            )
        )
