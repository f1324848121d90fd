"""A triage request's owner hears of it, unless they logged it themselves."""

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from checklists.models import TriageRequest
from checklists.services import triage_request_log
from notifications.models import KINDS_BY_ROLE, Kind, Notification
from teams.models import Role

pytestmark = pytest.mark.django_db

DESCRIPTION = "Caller from Brightwater wants a discount they do not qualify for"


def log(user, risk="high", impact="low"):
    return triage_request_log(
        logged_by=user, description=DESCRIPTION, ethical_risk=risk, business_impact=impact
    )


@time_machine.travel(datetime(2026, 5, 14, 9), tick=False)
def test_the_owner_is_told_the_rank_and_due_day_only(agent, supervisor):
    request = log(agent)  # high risk, low impact: rank 2, promptly, due the next day
    assert request.owner == supervisor
    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (supervisor, Kind.TRIAGE_ASSIGNED)
    assert note.url == f"/triage/{request.pk}/"
    assert note.text == "A triage request was given to you: rank 2, promptly, due 15 May 2026."
    assert "Brightwater" not in note.text and "discount" not in note.text
    assert not Notification.objects.filter(recipient=agent).exists()


@time_machine.travel(datetime(2026, 5, 14, 9), tick=False)
def test_an_admin_owner_is_told_when_the_team_has_no_supervisor(other_agent, admin_user):
    request = log(other_agent, risk="high", impact="high")
    assert request.owner == admin_user
    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (admin_user, Kind.TRIAGE_ASSIGNED)
    assert "rank 1, immediately, due 14 May 2026" in note.text


def test_no_notice_when_the_logger_owns_it(supervisor, admin_user):
    assert log(supervisor).owner == supervisor and log(admin_user).owner == admin_user
    assert TriageRequest.objects.count() == 2
    assert not Notification.objects.exists()


def test_a_failed_log_tells_nobody(agent, supervisor):
    with pytest.raises(ValidationError):
        log(agent, risk="medium")
    assert not Notification.objects.exists()


def test_leaders_may_choose_how_it_reaches_them():
    assert Kind.TRIAGE_ASSIGNED in KINDS_BY_ROLE[Role.SUPERVISOR]
    assert Kind.TRIAGE_ASSIGNED in KINDS_BY_ROLE[Role.ADMIN]
    assert Kind.TRIAGE_ASSIGNED not in KINDS_BY_ROLE[Role.AGENT]
