"""Top up every active assignment rule now: what the worker's hourly job does.

`--per-agent 3` first sets a weekly rule of 3 on every team (or on each `--team`).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qa.services import assignment_rule_set, assignments_top_up
from teams.models import Team


class Command(BaseCommand):
    help = "Create this period's missing assignments for every team with an active rule."

    def add_arguments(self, parser):
        parser.add_argument(
            "--per-agent", type=int, help="Set this weekly rule on the teams first (1 to 50)."
        )
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
            if per_agent is not None:
                for each in teams:
                    assignment_rule_set(team=each, per_agent=per_agent, period="week")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        made = assignments_top_up(teams=list(teams))
        self.stdout.write(
            self.style.SUCCESS(f"Created {made} assignment{'s' if made != 1 else ''}.")
        )
