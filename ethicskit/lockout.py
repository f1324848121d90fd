"""Sign-in throttling: when django-axes makes a sign-in wait, and for how long.

Failed sign-ins are counted two ways over the last `AXES_COOLOFF_TIME` (the longest pause):

- for one username, from any address: `AXES_FAILURE_LIMIT` failures pause sign-in as that
  username, so guessing one person's password from many addresses gets nowhere;
- from one address, for any usernames: `LOCKOUT_ADDRESS_FAILURE_LIMIT` failures pause sign-in
  from that address, so spraying one password over many usernames is limited too.

A pause starts at the last counted failure and lasts `LOCKOUT_FIRST_PAUSE`, doubled for each
failure beyond the limit, never longer than `AXES_COOLOFF_TIME`. Attempts made during a pause
are refused unchecked and not counted (`AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT` is off),
so nobody can stretch a pause: when it ends, the right password works again, and a stranger
hammering a colleague's username costs that colleague at most one pause at a time.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

# 2**12 first pauses is far beyond any sensible longest pause; the cap keeps the power finite.
MAX_DOUBLINGS = 12


@dataclass(frozen=True)
class Pause:
    """A pause in force: what it is for ("username" or "address"), and until when."""

    reason: str
    failures: int
    until: datetime

    def minutes_left(self, now: datetime | None = None) -> int:
        seconds = (self.until - (now or timezone.now())).total_seconds()
        return max(1, math.ceil(seconds / 60))


def pause_length(failures: int, limit: int) -> timedelta:
    """The pause after `failures` failures: the first pause at the limit, doubling after it."""
    doublings = min(max(failures - limit, 0), MAX_DOUBLINGS)
    return min(settings.LOCKOUT_FIRST_PAUSE * 2**doublings, settings.AXES_COOLOFF_TIME)


def current_pause(username: str | None, ip_address: str | None, now: datetime) -> Pause | None:
    """The pause that holds a sign-in as `username` from `ip_address` at `now`, if any."""
    recent = AccessAttempt.objects.filter(attempt_time__gt=now - settings.AXES_COOLOFF_TIME)
    counts = [
        ("username", "username", username, settings.AXES_FAILURE_LIMIT),
        ("address", "ip_address", ip_address, settings.LOCKOUT_ADDRESS_FAILURE_LIMIT),
    ]
    for reason, field, value, limit in counts:
        if value is None:
            continue
        found = recent.filter(**{field: value}).aggregate(
            failures=Sum("failures_since_start"), last=Max("attempt_time")
        )
        failures = found["failures"] or 0
        if failures >= limit:
            until = found["last"] + pause_length(failures, limit)
            if now < until:
                return Pause(reason=reason, failures=failures, until=until)
    return None


def pause_for(request, credentials=None) -> Pause | None:
    """The pause that holds this sign-in request, if any."""
    return current_pause(
        get_client_username(request, credentials),
        getattr(request, "axes_ip_address", None),
        getattr(request, "axes_attempt_time", None) or timezone.now(),
    )


class ThrottlingHandler(AxesDatabaseHandler):
    """django-axes' database handler, deciding pauses with `current_pause`.

    Rows are still kept per username, address and browser; a successful sign-in clears only
    the failures of that username from that address (`AXES_LOCKOUT_PARAMETERS`), forgiving a
    person's own typing but not a stranger's guesses from elsewhere.
    """

    def is_locked(self, request, credentials=None) -> bool:
        return pause_for(request, credentials) is not None

    def get_failures(self, request, credentials=None) -> int:
        """Recent failures for this username from any address."""
        username = get_client_username(request, credentials)
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        since = now - settings.AXES_COOLOFF_TIME
        found = AccessAttempt.objects.filter(username=username, attempt_time__gt=since).aggregate(
            failures=Sum("failures_since_start")
        )
        return found["failures"] or 0

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure just counted may have started a pause for the address alone.
        if (
            request is not None
            and not request.axes_locked_out
            and self.is_locked(request, credentials)
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
