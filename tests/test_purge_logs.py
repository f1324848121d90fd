"""`manage.py purge_logs`: the audit log's addresses and the sign-in log go after the retention
period (ETHICSKIT_LOG_RETENTION_DAYS, 90 days by default); newer records stay."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import CommandError, call_command
from django.utils import timezone

from ethicskit.retention import logs_purge
from teams.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(agent):
    """One of each record 100 days old and one 10 days old, all holding an address."""
    made = {}
    for age in (100, 10):
        at = timezone.now() - timedelta(days=age)
        where = {"ip_address": f"203.0.113.{age}", "user_agent": "Firefox"}
        made[age] = {
            "audit": AuditEntry.objects.create(
                at=at,
                actor=agent,
                actor_name="alice",
                action="update",
                model="rubrics.Evaluation",
                object_id="1",
                object_repr="Review",
                ip_address=where["ip_address"],
            ),
            "log": AccessLog.objects.create(username="alice", attempt_time=at, **where),
            "failure": AccessFailureLog.objects.create(
                username="alice", attempt_time=at, locked_out=False, **where
            ),
            "attempt": AccessAttempt.objects.create(
                username="alice",
                attempt_time=at,
                failures_since_start=1,
                get_data="",
                post_data="",
                **where,
            ),
        }
        # django-axes stamps attempt_time on creation; set the age afterwards.
        for kind in ("log", "failure", "attempt"):
            record = made[age][kind]
            type(record).objects.filter(pk=record.pk).update(attempt_time=at)
    return made


def remaining():
    return {
        "addresses": sorted(
            AuditEntry.objects.exclude(ip_address=None).values_list("ip_address", flat=True)
        ),
        "entries": AuditEntry.objects.count(),
        "logs": AccessLog.objects.count(),
        "failures": AccessFailureLog.objects.count(),
        "attempts": AccessAttempt.objects.count(),
    }


def test_the_default_period_is_ninety_days(settings):
    assert settings.LOG_RETENTION_DAYS == 90


def test_a_dry_run_counts_and_changes_nothing(logs):
    before = remaining()
    report = logs_purge()
    assert report.removed == {
        "audit addresses": 1,
        "sign-ins": 1,
        "failed sign-ins": 1,
        "sign-in attempts": 1,
    }
    assert remaining() == before


def test_apply_removes_only_what_is_past_the_period(logs):
    entries = AuditEntry.objects.count()
    report = logs_purge(apply=True)
    assert report.total == 4
    assert remaining() == {
        "addresses": ["203.0.113.10"],
        "entries": entries,  # the old entry stays, without its address
        "logs": 1,
        "failures": 1,
        "attempts": 1,
    }
    old = AuditEntry.objects.get(pk=logs[100]["audit"].pk)
    assert old.ip_address is None and old.actor_name == "alice"
    assert AccessLog.objects.get().ip_address == "203.0.113.10"
    assert logs_purge(apply=True).total == 0


def test_the_period_comes_from_the_setting_or_the_command(logs, settings):
    settings.LOG_RETENTION_DAYS = 5
    assert logs_purge().total == 8
    assert logs_purge(older_than_days=200).total == 0


def test_the_command_reports_and_applies(logs):
    out = StringIO()
    call_command("purge_logs", stdout=out)
    assert "Would remove" in out.getvalue() and "Dry run" in out.getvalue()
    assert AccessLog.objects.count() == 2
    out = StringIO()
    call_command("purge_logs", "--older-than", "30", "--apply", stdout=out)
    assert "Done: 4 records." in out.getvalue()
    assert remaining()["logs"] == 1


@pytest.mark.parametrize("days", ["0", "-3"])
def test_a_period_under_a_day_is_refused(logs, days):
    with pytest.raises(CommandError, match="at least 1 day"):
        call_command("purge_logs", "--older-than", days, "--apply")
    assert AccessLog.objects.count() == 2
