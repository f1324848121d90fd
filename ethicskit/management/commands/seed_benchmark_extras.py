"""Add to the benchmark database what the newer pages read: calibration sessions, cases and the
fairness audit's table. Idempotent; run by bench/run.py after `seed_benchmark`."""

import random
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from calibration import selectors
from calibration.fairness_job import fairness_refresh
from calibration.models import CalibrationSession
from calibration.services import calibration_score_submit, calibration_session_open
from cases.models import Case
from cases.services import concern_raise, pending_reports_deliver
from rubrics.models import Interaction

# One session a month per pair of neighbouring teams, two interactions each, three coders.
SESSIONS = 40
CATEGORIES = ["gift", "abuse", "breach", "violation"]


class Command(BaseCommand):
    help = "Calibration sessions, cases and the fairness audit for the benchmark database."

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=SESSIONS)
        parser.add_argument("--cases-per-agent", type=int, default=1)
        parser.add_argument("--admin-totp-key", default="", help="The admin's authenticator key.")
        parser.add_argument("--webhook-slug", default="bench-helpdesk")
        parser.add_argument("--webhook-secret", default="bench-webhook-secret-0123456789abcdef")

    def handle(
        self, *args, sessions, cases_per_agent, admin_totp_key, webhook_slug, webhook_secret, **_
    ):
        if "bench" not in settings.DATABASES["default"]["NAME"]:
            raise CommandError("Refusing: the database name must contain 'bench'.")
        random.seed(11)
        users = get_user_model().objects
        if admin_totp_key:
            # Admins sign in with a second factor; the benchmark signs in with this key.
            TOTPDevice.objects.update_or_create(
                user=users.get(username="bench-admin"),
                name="Benchmark",
                defaults={"key": admin_totp_key, "confirmed": True},
            )
        if not CalibrationSession.objects.exists():
            admin = users.get(username="bench-admin")
            for number in range(sessions):
                self.calibrate(admin, number)
        if not Case.objects.exists():
            agents = list(users.filter(username__startswith="bench-agent").order_by("username"))
            with transaction.atomic():
                for agent in agents * cases_per_agent:
                    concern_raise(
                        reporter=agent,
                        category=random.choice(CATEGORIES),
                        description="A benchmark concern about how a refund was handled.",
                        anonymous=random.random() < 0.3,
                    )
            pending_reports_deliver()
        self.stdout.write(f"Fairness audit rows: {fairness_refresh()}")
        if apps.is_installed("integrations"):
            self.helpdesk(webhook_slug, webhook_secret)

    def helpdesk(self, slug, secret):
        """A generic helpdesk connection whose identities are the agents' usernames, for the
        benchmark's signed webhook events."""
        connection_model = apps.get_model("integrations", "Connection")
        mapping_model = apps.get_model("integrations", "AgentMapping")
        connection, _ = connection_model.objects.update_or_create(
            slug=slug,
            defaults={
                "name": "Benchmark helpdesk",
                "kind": "generic",
                "ticket_url_template": "https://helpdesk.example.com/tickets/{id}",
                "signing_secret": secret,
            },
        )
        if not connection.mappings.exists():
            agents = get_user_model().objects.filter(username__startswith="bench-agent")
            mapping_model.objects.bulk_create(
                mapping_model(connection=connection, identity=agent.username, user=agent)
                for agent in agents
            )
        self.stdout.write(f"Helpdesk connection {slug!r} for the webhook events.")

    def calibrate(self, admin, number):
        team = 1 + number % 40
        coders = [
            f"bench-supervisor{team:02d}",
            f"bench-supervisor{1 + team % 40:02d}",
            "bench-admin",
        ]
        pair = list(
            Interaction.objects.filter(
                agent__username__startswith=f"bench-agent{team:02d}-"
            ).order_by("-occurred_at")[number // 40 * 2 : number // 40 * 2 + 2]
        )
        people = list(get_user_model().objects.filter(username__in=coders))
        with transaction.atomic():
            session = calibration_session_open(
                facilitator=admin,
                interaction_ids=[each.pk for each in pair],
                participant_usernames=coders,
                deadline=timezone.now() + timedelta(days=7),
            )
            for person in people:
                for interaction in pair:
                    criteria = selectors.rubric_for(interaction).criteria.all()
                    calibration_score_submit(
                        session=session,
                        participant=person,
                        interaction=interaction,
                        ratings={each.key: random.randint(2, 5) for each in criteria},
                    )
