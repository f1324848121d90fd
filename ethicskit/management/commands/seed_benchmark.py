"""Fill a benchmark database: 40 teams of 25 agents, N evaluations over 12 months, and
10,000 library entries. Used by `make bench` (bench/run.py); never run it on real data."""

import random
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from ethicskit.management.commands.seed_demo import CHUNK
from ethicskit.management.commands.seed_demo import Command as DemoSeed
from rubrics import rollups
from rubrics.models import Evaluation, Rubric
from scripts_library.models import FaqCategory, FaqEntry, Script, ScriptCategory
from teams.models import Membership, Role, Team

REVIEW_SHARE = 0.3
WORDS = (
    "refund delay billing account access discount fairness customer promise policy explain "
    "apology escalation transparent honest respect privacy consent data breach complaint "
    "cancellation plan upgrade loyalty credit invoice payment error outage callback follow "
    "deadline exception approval manager empathy listen confirm summary timeline option"
).split()


class Command(BaseCommand):
    help = "Fill the benchmark database (40 teams x 25 agents, N evaluations, 10,000 entries)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1_000_000, help="Evaluations to create.")
        parser.add_argument("--teams", type=int, default=40)
        parser.add_argument("--agents-per-team", type=int, default=25)
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--library", type=int, default=10_000, help="Scripts + FAQ entries.")
        parser.add_argument("--password", default="bench-password-1")
        parser.add_argument(
            "--only-training",
            action="store_true",
            help="Add only the training data (attempts, assignments, certificates), if missing.",
        )

    def handle(
        self, *args, rows, teams, agents_per_team, days, library, password, only_training, **options
    ):
        if "bench" not in settings.DATABASES["default"]["NAME"]:
            raise CommandError("Refusing: the database name must contain 'bench'.")
        random.seed(7)
        if only_training:
            self.create_training()
            return
        started = time.monotonic()
        rubric = Rubric.objects.current()
        with transaction.atomic():
            agents = self.create_people(teams, agents_per_team, password)
        # Each interaction has a self-score and, for a share of them, a review.
        interactions = round(rows / (1 + REVIEW_SHARE))
        seeder = DemoSeed(stdout=self.stdout)
        done = 0
        while done < interactions:
            size = min(CHUNK, interactions - done)
            with transaction.atomic():
                seeder.create_interactions(
                    rubric, agents, size, REVIEW_SHARE, offset=done, days=days
                )
            done += size
            seeder.progress(done, interactions, started)
        self.create_library(library)
        self.create_training()
        self.stdout.write(f"Rollups: {rollups.rebuild()}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Benchmark data: {Evaluation.objects.count():,} evaluations, "
            f"{len(agents)} agents, in {time.monotonic() - started:.0f} s."
        )

    def create_training(self, per_agent=80, days=180):
        """Each agent's practice answers over half a year, every team's assignments (one due,
        one overdue), and certificates for every other agent: the practice set and the team
        training page at scale. Skipped when there are attempts already."""
        from datetime import timedelta

        from django.utils import timezone

        from training.models import Assignment, Attempt, Certificate, Dilemma, Module

        if Attempt.objects.exists():
            return
        dilemmas = [
            (dilemma.pk, [(option.pk, option.verdict) for option in dilemma.options.all()])
            for dilemma in Dilemma.objects.published().prefetch_related("options")
        ]
        agents = list(
            get_user_model()
            .objects.filter(username__startswith="bench-agent")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        now, today = timezone.now(), timezone.localdate()
        for chunk_start in range(0, len(agents), 100):
            rows = []
            for agent in agents[chunk_start : chunk_start + 100]:
                for _ in range(per_agent):
                    dilemma, options = random.choice(dilemmas)
                    option, verdict = random.choice(options)
                    when = now - timedelta(minutes=random.randint(0, days * 24 * 60))
                    rows.append(
                        Attempt(
                            user_id=agent,
                            dilemma_id=dilemma,
                            option_id=option,
                            verdict=verdict,
                            answered_at=when,
                        )
                    )
            with transaction.atomic():
                Attempt.objects.bulk_create(rows)
        due, overdue, passed = (
            Module.objects.get(slug="honest-and-fair-dealing"),
            Module.objects.get(slug="pressure-and-hard-conversations"),
            Module.objects.get(slug="data-and-privacy"),
        )
        with transaction.atomic():
            for team in Team.objects.all():
                Assignment.objects.create(module=due, team=team, due_on=today + timedelta(days=14))
                Assignment.objects.create(
                    module=overdue, team=team, due_on=today - timedelta(days=3)
                )
            Certificate.objects.bulk_create(
                Certificate(
                    user_id=agent,
                    module=passed,
                    name=f"Agent {agent}",
                    module_title=passed.title,
                    passed_on=today - timedelta(days=random.randint(1, 90)),
                    best_answers=6,
                    out_of=6,
                )
                for agent in agents[::2]
            )
        self.stdout.write(f"Training: {Attempt.objects.count():,} practice answers.")

    def create_people(self, teams, agents_per_team, password):
        User = get_user_model()
        groups = {role: Group.objects.get(name=role) for role in Role.values}
        hashed = User(username="x")
        hashed.set_password(password)
        people = []
        admin = User.objects.create(
            username="bench-admin", password=hashed.password, is_staff=True, is_superuser=True
        )
        admin.groups.add(groups[Role.ADMIN])
        agents = []
        for number in range(1, teams + 1):
            team = Team.objects.create(name=f"Team {number:02d}")
            supervisor = User.objects.create(
                username=f"bench-supervisor{number:02d}", password=hashed.password
            )
            supervisor.groups.add(groups[Role.SUPERVISOR])
            team.supervisors.add(supervisor)
            for seat in range(1, agents_per_team + 1):
                agent = User(
                    username=f"bench-agent{number:02d}-{seat:02d}", password=hashed.password
                )
                people.append(agent)
                agents.append((agent, (team, supervisor, round(random.uniform(2.8, 4.5), 2))))
        User.objects.bulk_create(people)
        groups[Role.AGENT].user_set.add(*people)
        Membership.objects.bulk_create(
            Membership(user=agent, team=team) for agent, (team, _, _) in agents
        )
        return agents

    def create_library(self, total):
        def text(words):
            return " ".join(random.choice(WORDS) for _ in range(words))

        category = ScriptCategory.objects.create(name="Benchmark", slug="benchmark", position=99)
        faq_category = FaqCategory.objects.create(name="Benchmark", position=99)
        half = total // 2
        Script.objects.bulk_create(
            Script(
                category=category,
                title=f"{text(3).capitalize()} {number}",
                slug=f"bench-script-{number}",
                situation=text(15),
                body=f"{text(40)} [Customer Name] {text(20)}",
                status=Script.Status.PUBLISHED,
            )
            for number in range(half)
        )
        FaqEntry.objects.bulk_create(
            FaqEntry(
                category=faq_category,
                question=f"{text(6).capitalize()} {number}?",
                answer=text(50),
                position=number,
            )
            for number in range(total - half)
        )
        # Bulk inserts skip the save signals, so build the search index in one go.
        call_command("rebuild_search_index", stdout=self.stdout)
