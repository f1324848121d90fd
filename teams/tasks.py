"""Background upkeep of sign-ins, run by the Procrastinate worker."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from teams.accounts import ACTIVITY_WRITE_INTERVAL


def sessions_clear(now=None) -> int:
    """Delete the sessions that can no longer be used, with their "Your sessions" rows: those
    past their end (what `clearsessions` does) and those idle longer than the idle limit, which
    the next request would end anyway. How many went."""
    now = now or timezone.now()
    # last_seen_at is written at most every ACTIVITY_WRITE_INTERVAL seconds, so it may lag.
    idle_since = now - timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + ACTIVITY_WRITE_INTERVAL)
    with transaction.atomic():
        ended = Session.objects.filter(expire_date__lt=now) | Session.objects.filter(
            signed_in__last_seen_at__lt=idle_since
        )
        return ended.delete()[1].get("sessions.Session", 0)


@app.periodic(cron="17 * * * *", periodic_id="clear_sessions")
@app.task(queue="upkeep", queueing_lock="clear_sessions")
def clear_sessions(timestamp: int) -> int:
    return sessions_clear()
