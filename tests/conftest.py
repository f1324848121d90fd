"""Shared personas: every test speaks of the same people.

- agent: Alice, an agent in North, led by supervisor Sue
- other_agent: Oscar, an agent in South, led by Sam (other_supervisor)
- supervisor: Sue, who leads North
- other_supervisor: Sam, who leads South
- admin: Ada, an administrator (staff, Admin group)
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from teams.models import Membership, Role, Team

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher's deliberate slowness costs about 0.3 s per persona and proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_page_cache():
    # Rendered pages live in the process's memory (core/pagecache.py), beyond any test's
    # rolled-back transaction.
    from core import pagecache

    pagecache.forget()


def make_user(username, role, *, team=None, leads=(), **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    user.groups.add(Group.objects.get(name=role))
    if team is not None:
        Membership.objects.create(user=user, team=team)
    for led in leads:
        led.supervisors.add(user)
    return user


@pytest.fixture
def north(db):
    return Team.objects.create(name="North")


@pytest.fixture
def south(db):
    return Team.objects.create(name="South")


@pytest.fixture
def agent(north):
    return make_user("alice", Role.AGENT, team=north, first_name="Alice")


@pytest.fixture
def other_agent(south):
    return make_user("oscar", Role.AGENT, team=south, first_name="Oscar")


@pytest.fixture
def supervisor(north):
    return make_user("sue", Role.SUPERVISOR, leads=[north], first_name="Sue")


@pytest.fixture
def other_supervisor(south):
    return make_user("sam", Role.SUPERVISOR, leads=[south], first_name="Sam")


@pytest.fixture
def admin_user(db):
    return make_user("ada", Role.ADMIN, is_staff=True, first_name="Ada")


@pytest.fixture
def personas(agent, other_agent, supervisor, other_supervisor, admin_user):
    return {
        "agent": agent,
        "other_agent": other_agent,
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "admin": admin_user,
    }


@pytest.fixture
def login(client):
    def log_in_as(user):
        client.force_login(user)
        return client

    return log_in_as


RATINGS = {"empathy": 4, "accuracy": 5, "fairness": 3, "transparency": 4, "respect": 5}


def low_comments(ratings):
    """A comment for each rating of 1 or 2, which the scoring rules require."""
    return {key: "Needs work here." for key, value in ratings.items() if value and value <= 2}


def self_score(agent, ratings=None, *, days_ago=1, reference="ZD-1", submission_token=None):
    """An interaction the agent has self-scored, through the service."""
    from datetime import timedelta

    from django.utils import timezone

    from rubrics.models import Rubric
    from rubrics.services import interaction_self_score

    ratings = ratings or RATINGS
    return interaction_self_score(
        agent=agent,
        rubric=Rubric.objects.current(),
        interaction_fields={
            "occurred_at": timezone.now() - timedelta(days=days_ago),
            "channel": "phone",
            "reference": reference,
            "topic": "Refund request",
            "summary": "",
        },
        ratings=ratings,
        comments=low_comments(ratings),
        submission_token=submission_token,
    )


def review(interaction, reviewer, ratings=None, comment=""):
    """A supervisor's review of a self-scored interaction, through the service."""
    from rubrics.services import review_submit

    ratings = ratings or RATINGS
    return review_submit(
        interaction=interaction,
        reviewer=reviewer,
        ratings=ratings,
        comments=low_comments(ratings),
        comment=comment,
    )


def rubric_with_critical(*keys):
    """The next rubric version, saved through the versioning service as the admin's form saves
    it, with the criteria `keys` critical and every other one not."""
    from rubrics.versions import CRITERION_CONTENT, Rubric, rubric_version_create

    current = Rubric.objects.current()
    criteria = [
        {field: getattr(criterion, field) for field in CRITERION_CONTENT}
        | {"critical": criterion.key in keys}
        for criterion in current.criteria.all()
    ]
    return rubric_version_create(
        name=current.name,
        notes=f"Critical: {', '.join(keys) or 'none'}.",
        criteria=criteria,
        based_on=current,
    )


# --- Two-factor sign-in ------------------------------------------------------------------------


def totp_code(key: bytes, at: float | None = None) -> str:
    """The six-digit code an authenticator app shows for this key at this time (default: now)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def pass_second_factor(client, user):
    """Mark the client's session as having passed the second factor with the user's
    authenticator (made if they have none), as the verify page does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def force_login_includes_the_second_factor(monkeypatch):
    """client.force_login stands for a finished sign-in, so for people who must use two-factor
    sign-in it includes that step; tests/test_two_factor.py walks the real steps."""
    from django.test import Client

    from signin.two_factor import two_factor_required

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if two_factor_required(user):
            pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
