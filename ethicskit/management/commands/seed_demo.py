"""Create the demo teams, people and scored interactions.

Interactions, evaluations and ratings are generated inside PostgreSQL with generate_series,
in chunks, so a million interactions take well under two minutes. The score formula used
here mirrors `rubrics.models.weighted_score`; a test recomputes seeded scores with the engine.
"""

import sys
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from calibration import selectors
from calibration.fairness_job import fairness_refresh
from calibration.models import CalibrationSession
from calibration.services import (
    calibration_agree,
    calibration_score_submit,
    calibration_session_open,
)
from cases.models import Case
from cases.services import concern_raise, pending_reports_deliver
from ethicskit import demo_tags
from integrations.models import AgentMapping, Connection
from integrations.services import DEMO_SECRET
from qa.models import AssignmentRule
from qa.services import assignment_rule_set, assignments_top_up
from rubrics import rollups
from rubrics.models import LOW_RATING, Interaction, Rubric
from teams.models import Membership, Role, Team

DEFAULT_PASSWORD = "ethicskit-demo"
CHUNK = 50_000

TEAMS = {
    "Team North": {
        "supervisor": ("supervisor1", "Sam", "Okafor"),
        "agents": [
            ("agent1", "Alex", "Morgan", 4.1),
            ("agent2", "Priya", "Natarajan", 3.7),
            ("agent3", "Jonas", "Berg", 3.2),
            ("agent4", "Maria", "Costa", 4.4),
        ],
    },
    "Team South": {
        "supervisor": ("supervisor2", "Dana", "Whitfield"),
        "agents": [
            ("agent5", "Tomás", "Reyes", 3.9),
            ("agent6", "Lena", "Fischer", 3.5),
            ("agent7", "Kwame", "Mensah", 4.2),
            ("agent8", "Hana", "Sato", 2.9),
        ],
    },
}
ADMIN = ("admin", "Ada", "Admin")
CALIBRATORS = ["supervisor1", "supervisor2", "admin"]
# How far each demo calibration rating sits from 3: mostly close, sometimes apart.
SPREAD = [1, 1, 0, 1, 2, 1, 0]
DEMO_AGREED_NOTES = [
    "The agent said plainly what the plan costs each month and what it leaves out.",
    "Two options were laid out with their trade-offs before asking which suited.",
]
TOPICS = [
    "Billing question",
    "Refund request",
    "Discount request",
    "Account access",
    "Delivery delay",
    "Data privacy question",
    "Service complaint",
    "Cancellation",
    "Product information",
    "Plan change",
]


class Command(BaseCommand):
    help = "Create demo teams, users and about 200 scored interactions over the last 90 days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="Password for every demo user."
        )
        parser.add_argument(
            "--interactions",
            type=int,
            default=200,
            help="Total demo interactions to have (only the missing ones are created).",
        )
        parser.add_argument("--review-share", type=float, default=0.3, help="Share reviewed (0-1).")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only seed a database that has no users yet (what `make run` does).",
        )

    def handle(self, *args, password, interactions, review_share, force, if_empty, **options):
        if if_empty and get_user_model().objects.exists():
            self.stdout.write("The database already has users, so no demo data was added.")
            self.stdout.write(
                self.summary("the one you chose when seeding (default ethicskit-demo)")
            )
            return
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Add --force to seed demo data anyway."
            )
        if interactions < 0:
            raise CommandError("--interactions cannot be negative.")
        if not 0 <= review_share <= 1:
            raise CommandError("--review-share must be between 0 and 1.")
        rubric = Rubric.objects.current()
        if rubric is None:
            raise CommandError("No rubric found: run `python manage.py migrate` first.")

        with transaction.atomic():
            agents = self.create_people(password)
            self.create_training(agents)
            self.create_cases(agents)
            self.create_helpdesk_connection(agents)
        existing = Interaction.objects.filter(
            agent_id__in=[agent.id for agent, _ in agents]
        ).count()
        missing = max(0, interactions - existing)
        self.stdout.write(f"Demo interactions: {existing} found, creating {missing}.")
        started = time.monotonic()
        done = 0
        while done < missing:
            size = min(CHUNK, missing - done)
            with transaction.atomic():
                self.create_interactions(rubric, agents, size, review_share, offset=existing + done)
            done += size
            self.progress(done, missing, started)
        if missing:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE rubrics_interaction, rubrics_evaluation, rubrics_rating")
            # The generator writes evaluations in bulk, past the services that keep the
            # dashboards' rollups up to date, so they are rebuilt once at the end.
            rollups.rebuild()
        self.assign_reviews()
        with transaction.atomic():
            tagged = demo_tags.tag_reviews()
            demo_tags.tag_cases()
            demo_tags.discount_requests(agents)
        self.stdout.write(f"Root causes on demo reviews: {tagged} tagged.")
        with transaction.atomic():
            self.create_calibration_sessions()
        # The fairness audit is computed each night; once now, so its page is not empty.
        fairness_refresh()
        self.stdout.write(self.style.SUCCESS(self.summary(password)))

    def assign_reviews(self):
        """Each demo team reviews 2 interactions per agent a week (a rule set once, never
        changed if someone edited it), and this week's assignments so far."""
        for team in Team.objects.filter(name__in=list(TEAMS)):
            if not AssignmentRule.objects.filter(team=team).exists():
                assignment_rule_set(team=team, per_agent=2, period="week")
        made = assignments_top_up()
        self.stdout.write(f"Assignments for this week: {made} created.")

    def create_cases(self, agents):
        """A few cases: a named gift routed to a supervisor, an anonymous abusive-customer
        report, and a named data breach for compliance. Only once: reseeding adds none."""
        if Case.objects.exists():
            return
        (first, _), (second, _) = agents[0], agents[1]
        for reporter, category, anonymous, text in [
            (first, "gift", False, "A customer offered concert tickets for a faster refund."),
            (second, "abuse", True, "A caller shouted insults for ten minutes on ticket ZD-2031."),
            (second, "breach", False, "A refund export was left on a shared drive."),
        ]:
            concern_raise(
                reporter=reporter, category=category, description=text, anonymous=anonymous
            )
        pending_reports_deliver()

    def create_helpdesk_connection(self, agents):
        """The generic demo connection `demo`, its demo secret (refused with DEBUG off) and each
        demo agent mapped by their username."""
        demo, _ = Connection.objects.get_or_create(
            slug="demo",
            defaults={
                "name": "Demo helpdesk",
                "kind": Connection.Kind.GENERIC,
                "ticket_url_template": "https://helpdesk.example.com/tickets/{id}",
                "signing_secret": DEMO_SECRET,
            },
        )
        for agent, _ in agents:
            AgentMapping.objects.get_or_create(
                connection=demo, identity=agent.username, defaults={"user": agent}
            )

    def create_people(self, password):
        User = get_user_model()
        groups = {role: Group.objects.get(name=role) for role in Role.values}

        def person(username, first, last, role, **flags):
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            # A reserved domain: under `make run` the worker prints their e-mails to the console.
            user.email = f"{username}@example.com"
            for flag, value in flags.items():
                setattr(user, flag, value)
            user.set_password(password)
            user.save()
            user.groups.add(groups[role])
            return user

        person(*ADMIN, Role.ADMIN, is_staff=True, is_superuser=True)
        agents = []
        for team_name, spec in TEAMS.items():
            team, _ = Team.objects.get_or_create(name=team_name)
            supervisor = person(*spec["supervisor"], Role.SUPERVISOR)
            team.supervisors.add(supervisor)
            for username, first, last, skill in spec["agents"]:
                agent = person(username, first, last, Role.AGENT)
                Membership.objects.update_or_create(user=agent, defaults={"team": team})
                agents.append((agent, (team, supervisor, skill)))
        return agents

    def create_training(self, agents):
        """Team North must pass "Honest and fair dealing" within two weeks; agent3 has practised
        and missed two dilemmas; agent4 passed "Data and privacy". agent2 is left untouched for
        a first practice. Each step runs once, so seeding again adds nothing."""
        from datetime import timedelta

        from django.utils import timezone

        from training.models import Assignment, Attempt, Certificate, Dilemma, Module
        from training.services import attempt_record, module_submit

        by_name = {agent.username: (agent, team, lead) for agent, (team, lead, _) in agents}
        if "agent3" not in by_name or "agent4" not in by_name:
            return
        _, north, lead = by_name["agent3"]
        fair = Module.objects.filter(slug="honest-and-fair-dealing", published=True).first()
        if fair and not Assignment.objects.filter(module=fair, team=north).exists():
            Assignment.objects.create(
                module=fair,
                team=north,
                due_on=timezone.localdate() + timedelta(days=14),
                assigned_by=lead,
            )
        agent3, agent4 = by_name["agent3"][0], by_name["agent4"][0]
        if not Attempt.objects.filter(user=agent3).exists():
            for index, dilemma in enumerate(Dilemma.objects.published().order_by("title")[:3]):
                verdict = "best" if index == 2 else "harmful"
                option = dilemma.options.filter(verdict=verdict).first()
                attempt_record(user=agent3, dilemma=dilemma, option_id=option.pk)
        privacy = Module.objects.filter(slug="data-and-privacy", published=True).first()
        if privacy and not Certificate.objects.filter(user=agent4, module=privacy).exists():
            module_submit(
                user=agent4,
                module=privacy,
                answers={
                    d.pk: d.options.get(verdict="best").pk for d in privacy.dilemmas.published()
                },
            )

    def create_interactions(self, rubric, agents, size, review_share, offset, days=90):
        agent_ids = [agent.id for agent, _ in agents]
        team_ids = [team.id for _, (team, _, _) in agents]
        supervisor_ids = [supervisor.id for _, (_, supervisor, _) in agents]
        skills = [skill for _, (_, _, skill) in agents]
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS demo_new, demo_ratings")
            if self.may_skip_foreign_key_triggers(cursor):
                # Every id below comes from rows inserted in this same statement chain, so the
                # per-row foreign-key triggers (half the run time at a million rows) add nothing.
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                """
                CREATE TEMP TABLE demo_new ON COMMIT DROP AS
                WITH picked AS (
                    SELECT g, 1 + (g %% %(agents)s) AS slot,
                           now() - random() * %(days)s * interval '1 day' AS occurred_at
                    FROM generate_series(%(first)s, %(last)s) AS g
                ), inserted AS (
                    INSERT INTO rubrics_interaction
                        (agent_id, team_id, occurred_at, channel, reference, topic, summary, created_at)
                    SELECT (%(agent_ids)s::bigint[])[slot], (%(team_ids)s::bigint[])[slot], occurred_at,
                           (ARRAY['phone','phone','email','chat','chat','in_person','other'])[1 + (g %% 7)],
                           'DEMO-' || lpad(g::text, 7, '0'),
                           (%(topics)s::text[])[1 + (g %% %(topic_count)s)],
                           'Demo interaction generated for trying out EthicsKit.',
                           least(now(), occurred_at + interval '20 minutes')
                    FROM picked
                    RETURNING id, agent_id, occurred_at
                )
                SELECT inserted.id, inserted.agent_id, inserted.occurred_at,
                       (%(skills)s::float8[])[array_position(%(agent_ids)s::bigint[], inserted.agent_id)] AS skill,
                       (%(supervisor_ids)s::bigint[])[array_position(%(agent_ids)s::bigint[], inserted.agent_id)] AS supervisor_id,
                       random() < %(review_share)s AS reviewed
                FROM inserted
                """,
                {
                    "first": offset + 1,
                    "last": offset + size,
                    "agents": len(agent_ids),
                    "agent_ids": agent_ids,
                    "team_ids": team_ids,
                    "supervisor_ids": supervisor_ids,
                    "skills": skills,
                    "topics": TOPICS,
                    "topic_count": len(TOPICS),
                    "review_share": review_share,
                    "days": days,
                },
            )
            # Self-ratings scatter around the agent's skill; reviews run a little lower.
            cursor.execute(
                """
                CREATE TEMP TABLE demo_ratings ON COMMIT DROP AS
                SELECT n.id AS interaction_id, k.kind, c.id AS criterion_id, c.weight, c.critical,
                       greatest(1, least(5, round(n.skill + (random() - 0.5) * 2.4
                                                  - CASE k.kind WHEN 'review' THEN 0.35 ELSE 0 END)))::int AS value
                FROM demo_new n
                CROSS JOIN rubrics_criterion c
                CROSS JOIN (VALUES ('self'), ('review')) AS k(kind)
                WHERE c.rubric_id = %(rubric)s AND (k.kind = 'self' OR n.reviewed)
                """,
                {"rubric": rubric.id},
            )
            cursor.execute(
                """
                WITH scored AS (
                    SELECT interaction_id, kind,
                           round(sum(weight * value)::numeric / sum(weight), 2) AS score,
                           bool_or(critical AND value = 1) AS critical_fail,
                           bool_or(value <= %(low)s) AS any_low
                    FROM demo_ratings GROUP BY interaction_id, kind
                ), inserted AS (
                    INSERT INTO rubrics_evaluation
                        (interaction_id, rubric_id, kind, author_id, score, percent, critical_fail,
                         flagged, revision, is_current, revision_reason, comment, created_at,
                         seen_at, acknowledged_at)
                    SELECT s.interaction_id, %(rubric)s, s.kind,
                           CASE s.kind WHEN 'self' THEN n.agent_id ELSE n.supervisor_id END,
                           s.score,
                           CASE WHEN s.critical_fail THEN 0 ELSE round((s.score - 1) / 4 * 100, 1) END,
                           s.critical_fail, s.critical_fail OR s.any_low, 1, true, '',
                           CASE s.kind WHEN 'review' THEN 'Demo review: keep going, and see the criteria notes.'
                                       ELSE '' END,
                           -- Never later than now: a call from this morning was not
                           -- reviewed the day after tomorrow.
                           least(now(), n.occurred_at + CASE s.kind WHEN 'self' THEN interval '30 minutes'
                                                                 ELSE interval '2 days' END),
                           -- Reviews older than two weeks have been read and acknowledged.
                           CASE WHEN s.kind = 'review' AND n.occurred_at < now() - interval '14 days'
                                THEN n.occurred_at + interval '3 days' END,
                           CASE WHEN s.kind = 'review' AND n.occurred_at < now() - interval '14 days'
                                THEN n.occurred_at + interval '3 days' END
                    FROM scored s JOIN demo_new n ON n.id = s.interaction_id
                    RETURNING id, interaction_id, kind
                )
                INSERT INTO rubrics_rating (evaluation_id, criterion_id, value, comment)
                SELECT e.id, r.criterion_id, r.value,
                       CASE WHEN r.value <= %(low)s THEN 'Demo note: this part of the call needs work.' ELSE '' END
                FROM inserted e
                JOIN demo_ratings r ON r.interaction_id = e.interaction_id AND r.kind = e.kind
                """,
                {"rubric": rubric.id, "low": LOW_RATING},
            )

    def create_calibration_sessions(self):
        """Two revealed calibration sessions (the admin facilitates, both supervisors and the
        admin score), so the calibration pages and worked examples are not empty. Once only."""
        if CalibrationSession.objects.exists():
            return
        people = list(get_user_model().objects.filter(username__in=CALIBRATORS))
        people.sort(key=lambda person: CALIBRATORS.index(person.username))
        interactions = list(
            Interaction.objects.filter(agent__username__startswith="agent").order_by("id")[:4]
        )
        if len(people) < len(CALIBRATORS) or len(interactions) < 4:
            return
        admin = people[-1]
        for number, pair in enumerate((interactions[:2], interactions[2:])):
            session = calibration_session_open(
                facilitator=admin,
                interaction_ids=[each.pk for each in pair],
                participant_usernames=CALIBRATORS,
                deadline=timezone.now() + timedelta(days=7),
            )
            for coder, person in enumerate(people):
                for unit, interaction in enumerate(pair):
                    criteria = selectors.rubric_for(interaction).criteria.all()
                    ratings = {
                        criterion.key: 3 + SPREAD[(position + coder + unit + number) % len(SPREAD)]
                        for position, criterion in enumerate(criteria)
                    }
                    calibration_score_submit(
                        session=session,
                        participant=person,
                        interaction=interaction,
                        ratings=ratings,
                    )
            session.refresh_from_db()
            criterion = selectors.rubric_for(pair[0]).criteria.order_by("position").last()
            calibration_agree(
                session=session,
                facilitator=admin,
                interaction=pair[0],
                criterion_key=criterion.key,
                value=4,
                note=DEMO_AGREED_NOTES[number],
            )

    @staticmethod
    def may_skip_foreign_key_triggers(cursor) -> bool:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        return bool(row and row[0])

    def progress(self, done, total, started):
        width = 30
        filled = int(width * done / total)
        rate = done / max(time.monotonic() - started, 1e-6)
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} ({rate:,.0f}/s)"
        self.stdout.write(line, ending="\n" if done == total else "")
        sys.stdout.flush()

    def summary(self, password):
        lines = [f"Demo logins for http://127.0.0.1:8000 (password: {password}):"]
        lines.append(
            "  admin: administrator, sees every team and the Django admin; signs in with a "
            "code from an authenticator app too (set up at the first sign-in)"
        )
        for team_name, spec in TEAMS.items():
            agents = ", ".join(agent[0] for agent in spec["agents"])
            lines.append(f"  {spec['supervisor'][0]}: supervisor of {team_name}")
            lines.append(f"  {agents}: agents in {team_name}")
        return "\n".join(lines)
