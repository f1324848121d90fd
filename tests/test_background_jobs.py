"""The background jobs' own behaviour: periodic upkeep (sessions, log purge, old jobs), errors
kept for admins, and the admin's count of failed jobs. (Real worker processes:
test_worker_processes.py; e-mail through a worker: test_notification_email.py.)"""

import asyncio
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from ethicskit.tasks import purge_logs
from notifications.jobs import error_record, record_errors
from notifications.models import JobError
from notifications.tasks import (
    _every,
    errors_of_removed_jobs_delete,
    send_notification_email,
)
from teams.models import SignedInSession
from teams.tasks import sessions_clear

pytestmark = pytest.mark.django_db


def test_every_periodic_job_is_registered():
    periodic = {task.periodic_id for task in app.periodic_registry.periodic_tasks.values()}
    assert periodic >= {
        "daily_digest",
        "retry_stalled_jobs",
        "remove_old_jobs",
        "clear_sessions",
        "purge_logs",
    }


def test_the_stalled_job_check_runs_every_minute_or_every_few_seconds():
    assert _every(60) == "* * * * *"
    assert _every(300) == "* * * * *"
    assert _every(5) == "* * * * * */5"


def test_mail_tasks_retry_with_a_growing_wait():
    strategy = send_notification_email.retry_strategy
    assert strategy.max_attempts == 5
    assert strategy.exponential_wait == 5


def test_sessions_clear_removes_ended_and_idle_sessions_with_their_rows(client, agent, settings):
    now = timezone.now()

    def session(key, expires_in, idle_for):
        row = Session.objects.create(session_key=key, session_data="", expire_date=now + expires_in)
        SignedInSession.objects.create(
            session=row, user=agent, last_seen_at=now - idle_for, created_at=now - idle_for
        )

    session("ended", timedelta(seconds=-1), timedelta(minutes=1))
    session("idle", timedelta(hours=5), timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 3600))
    session("live", timedelta(hours=5), timedelta(minutes=1))
    assert sessions_clear(now=now) == 2
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert list(SignedInSession.objects.values_list("session_id", flat=True)) == ["live"]


def test_the_nightly_log_purge_runs_only_when_switched_on(settings, monkeypatch):
    calls = []

    class Report:
        total = 3

    monkeypatch.setattr(
        "ethicskit.tasks.logs_purge", lambda **kwargs: calls.append(kwargs) or Report()
    )
    settings.ETHICSKIT_PURGE_LOGS_DAILY = False
    assert purge_logs(timestamp=0) == 0
    assert calls == []
    settings.ETHICSKIT_PURGE_LOGS_DAILY = True
    assert purge_logs(timestamp=0) == 3
    assert calls == [{"apply": True}]


def test_a_failed_attempt_leaves_its_error_for_admins(monkeypatch):
    recorded = []

    def later(function):
        async def call(**kwargs):
            recorded.append(kwargs)

        return call

    monkeypatch.setattr("notifications.jobs.sync_to_async", later)

    class Context:
        job = object()

    async def failing():
        raise ConnectionRefusedError("mail server down")

    async def fine():
        return "done"

    assert asyncio.run(record_errors(fine, Context, None)) == "done"
    assert recorded == []
    with pytest.raises(ConnectionRefusedError):  # still fails, so the job is retried
        asyncio.run(record_errors(failing, Context, None))
    assert [call["job"] for call in recorded] == [Context.job]
    assert str(recorded[0]["error"]) == "mail server down"


def test_an_error_record_keeps_the_traceback():
    job = send_notification_email.defer(notification_id=123)
    row = ProcrastinateJob.objects.get(pk=job)
    try:
        raise ConnectionRefusedError("mail server down")
    except ConnectionRefusedError as error:
        error_record(job=row, error=error)
    error = JobError.objects.get()
    assert (error.job_id, error.task_name, error.attempt) == (job, row.task_name, 1)
    assert "Traceback" in error.error
    assert "ConnectionRefusedError: mail server down" in error.error


def test_errors_go_with_their_jobs():
    kept = send_notification_email.defer(notification_id=1)

    class Job:
        task_name = "t"
        attempts = 0

    Job.id = kept
    error_record(job=Job, error=ValueError("kept"))
    Job.id = 999_999
    error_record(job=Job, error=ValueError("its job was removed"))
    assert errors_of_removed_jobs_delete() == 1
    assert list(JobError.objects.values_list("job_id", flat=True)) == [kept]


def test_the_admin_home_counts_failed_jobs_and_links_to_them(admin_user, login):
    client = login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "No background job has failed." in page
    job = send_notification_email.defer(notification_id=1)
    ProcrastinateJob.objects.filter(pk=job).update(status="failed")
    page = client.get(reverse("admin:index")).content.decode()
    assert "1 background job failed after every retry" in page
    assert "procrastinatejob/?status__exact=failed" in page
    jobs = client.get(reverse("admin:procrastinate_procrastinatejob_changelist"))
    assert jobs.status_code == 200
    assert b"send_notification_email" in jobs.content


def test_the_job_list_leaves_upkeep_out_by_default_and_has_no_inline_styles(admin_user, login):
    from notifications.tasks import retry_stalled_jobs

    client = login(admin_user)
    send_notification_email.defer(notification_id=1)
    retry_stalled_jobs.defer(timestamp=0)
    url = reverse("admin:procrastinate_procrastinatejob_changelist")

    def rows(query):
        page = client.get(url, query).content.decode()
        return page.split('id="result_list"')[1].split("</table>")[0]

    work = rows({})
    assert "send_notification_email" in work and "retry_stalled_jobs" not in work
    assert "style=" not in work
    upkeep = rows({"kind": "upkeep"})
    assert "retry_stalled_jobs" in upkeep and "send_notification_email" not in upkeep
    everything = rows({"kind": "all"})
    assert "retry_stalled_jobs" in everything and "send_notification_email" in everything
