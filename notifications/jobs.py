"""Hooks into the Procrastinate app (PROCRASTINATE_ON_APP_READY): every failed attempt of a
job leaves its error where admins can read it."""

import traceback

from asgiref.sync import sync_to_async

from notifications.models import JobError


def on_app_ready(app) -> None:
    app.worker_defaults["worker_middleware"] = [
        *app.worker_defaults.get("worker_middleware", []),
        record_errors,
    ]


def error_record(*, job, error: BaseException) -> JobError:
    text = "".join(traceback.format_exception(error))
    return JobError.objects.create(
        job_id=job.id, task_name=job.task_name, attempt=job.attempts + 1, error=text[-4000:]
    )


async def record_errors(call_next, context, worker):
    try:
        return await call_next()
    except Exception as error:
        await sync_to_async(error_record)(job=context.job, error=error)
        raise
