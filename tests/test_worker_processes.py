"""Background jobs across real worker processes (`manage.py procrastinate worker`) on one
committed test database: each job runs exactly once however many workers compete for it, and
the job of a worker killed mid-run is retried by another, once.

The tasks are tests/worker_tasks.py's; each run leaves rows in `test_job_runs`.
"""

import signal
import time

import pytest
from django.db import connection
from procrastinate.contrib.django.models import ProcrastinateJob

from notifications.models import JobError
from tests.servers import workers
from tests.worker_tasks import always_fails, record_run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Long enough for a loaded machine; the tests wait on conditions, never on the clock.
PATIENCE = 120


@pytest.fixture
def job_runs():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE test_job_runs (job_id bigint, pid int, event text, "
            "at timestamptz DEFAULT clock_timestamp())"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_job_runs")
        cursor.execute("DELETE FROM procrastinate_jobs")
        cursor.execute("DELETE FROM procrastinate_workers")


def runs() -> list[tuple[int, int, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT job_id, pid, event FROM test_job_runs ORDER BY at")
        return cursor.fetchall()


def wait_for(condition, what: str):
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"Still waiting for {what}"
        time.sleep(0.2)


def succeeded() -> int:
    return ProcrastinateJob.objects.filter(task_name=record_run.name, status="succeeded").count()


def test_two_workers_run_every_job_exactly_once(job_runs):
    with workers(2) as processes:
        jobs = [record_run.defer(number=n, seconds=0.02) for n in range(80)]
        wait_for(lambda: succeeded() == len(jobs), "every job to succeed")
        pids = {process.pid for process in processes}

    done = runs()
    finished = [job_id for job_id, _, event in done if event == "finished"]
    started = [job_id for job_id, _, event in done if event == "started"]
    assert sorted(finished) == sorted(jobs)  # each job once: none lost, none twice
    assert sorted(started) == sorted(jobs)
    # Both workers took jobs from the one queue.
    assert {pid for _, pid, _ in done} == pids


def test_the_job_of_a_killed_worker_is_retried_once_by_another(job_runs):
    quick = {
        "ETHICSKIT_WORKER_HEARTBEAT_SECONDS": "1",
        "ETHICSKIT_WORKER_STALLED_SECONDS": "3",
        "ETHICSKIT_STALLED_CHECK_SECONDS": "1",
    }
    with workers(1, **quick) as (doomed,):
        job = record_run.defer(number=1, seconds=600, first_try_only=True)
        wait_for(lambda: (job, doomed.pid, "started") in runs(), "the long job to start")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
    assert ProcrastinateJob.objects.get(pk=job).status == "doing"  # held by a dead worker
    # Queued while no worker runs: they must not be lost either.
    others = [record_run.defer(number=n) for n in range(2, 6)]

    with workers(1, **quick) as (rescuer,):
        wait_for(lambda: succeeded() == 1 + len(others), "the stalled job to be retried")

    by_job: dict[int, list[tuple[int, str]]] = {}
    for job_id, pid, event in runs():
        by_job.setdefault(job_id, []).append((pid, event))
    # Killed once while started, then run once to the end by the other worker.
    assert by_job[job] == [
        (doomed.pid, "started"),
        (rescuer.pid, "started"),
        (rescuer.pid, "finished"),
    ]
    for other in others:
        assert [event for _, event in by_job[other]] == ["started", "finished"]
    assert ProcrastinateJob.objects.get(pk=job).attempts >= 1


def test_a_failing_job_is_retried_then_left_failed_with_its_error_for_admins(job_runs):
    job = always_fails.defer(number=7)
    with workers(1):
        wait_for(
            lambda: ProcrastinateJob.objects.get(pk=job).status == "failed",
            "the job to fail for good",
        )
    errors = list(JobError.objects.filter(job_id=job).order_by("attempt"))
    assert [error.attempt for error in errors] == [1, 2]  # tried, retried, then given up
    assert all("ConnectionRefusedError: mail server down (7)" in e.error for e in errors)
    JobError.objects.filter(job_id=job).delete()
