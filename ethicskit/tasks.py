"""Nightly jobs that reach across apps, run by the Procrastinate worker."""

from django.conf import settings
from procrastinate.contrib.django import app

from ethicskit.retention import logs_purge


@app.periodic(cron="45 2 * * *", periodic_id="purge_logs")
@app.task(queue="upkeep", queueing_lock="purge_logs")
def purge_logs(timestamp: int) -> int:
    """`manage.py purge_logs --apply`, every night, when ETHICSKIT_PURGE_LOGS_DAILY is on."""
    if not settings.ETHICSKIT_PURGE_LOGS_DAILY:
        return 0
    return logs_purge(apply=True).total
