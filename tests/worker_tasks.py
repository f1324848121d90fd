"""Tasks only the tests' worker processes load (ETHICSKIT_TASK_MODULES=tests.worker_tasks).

Each run writes a row to `test_job_runs` (made by the test): which job, which worker process,
and whether it started or finished, so a test can count how often each job ran.
"""

import os
import time

from django.db import connection
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app


def _record(job_id: int, event: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO test_job_runs (job_id, pid, event) VALUES (%s, %s, %s)",
            [job_id, os.getpid(), event],
        )


@app.task(queue="tests", pass_context=True)
def record_run(context, number: int, seconds: float = 0.0, first_try_only: bool = False) -> int:
    """Takes `seconds` (on its first attempt only, with `first_try_only`)."""
    _record(context.job.id, "started")
    if not first_try_only or context.job.attempts == 0:
        time.sleep(seconds)
    _record(context.job.id, "finished")
    return number


@app.task(queue="tests", retry=RetryStrategy(max_attempts=1))
def always_fails(number: int) -> None:
    raise ConnectionRefusedError(f"mail server down ({number})")
