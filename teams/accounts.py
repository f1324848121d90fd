"""Signed-in sessions and passwords: how long a session lives, who is signed in where, and
what a new password changes.

- A session lasts at most `SESSION_COOKIE_AGE` from sign-in, however busy (its expiry is fixed
  at sign-in), and ends after `SESSION_IDLE_TIMEOUT` seconds without a request. The last
  request's time is written at most once a minute, so a busy page costs no extra query.
- Each signed-in session has a `SignedInSession` row for the profile's "Your sessions" list.
- A new password ends every session of its owner; the password change page keeps the one it
  was made from (`update_session_auth_hash`). It also lifts a temporary password, which an
  admin's password sets again right after (`mark_temporary`).
- While an admin-set password is temporary, every page leads to the password change page.
"""

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.db import InterfaceError, OperationalError
from django.shortcuts import redirect
from django.utils import timezone

from teams import audit
from teams.models import SignedInSession, TemporaryPassword

LAST_SEEN = "ethicskit_last_seen"
SIGNED_IN_AT = "ethicskit_signed_in_at"
MUST_CHANGE_PASSWORD = "ethicskit_must_change_password"
# The sign-in steps (password change, second factor, sign-out) stay open to someone holding a
# temporary password; every other page leads to the password change.
ACCOUNT_PAGES = "/accounts/"
# How stale the recorded last request may get before it is written again.
ACTIVITY_WRITE_INTERVAL = 60
USER_AGENT_LENGTH = SignedInSession._meta.get_field("user_agent").max_length


def session_started(sender, request, user, **kwargs):
    """On sign-in: fix the session's end, start its idle clock, list it, note a temporary
    password."""
    session = request.session
    now = timezone.now()
    session.set_expiry(now + timedelta(seconds=settings.SESSION_COOKIE_AGE))
    session[LAST_SEEN] = time.time()
    session[SIGNED_IN_AT] = now.isoformat()
    if TemporaryPassword.objects.filter(user=user).exists():
        session[MUST_CHANGE_PASSWORD] = True
    if session.session_key is None:
        session.save()
    _record(request, user)


def _record(request, user):
    session = request.session
    signed_in_at = session.get(SIGNED_IN_AT)
    SignedInSession.objects.update_or_create(
        session_id=session.session_key,
        defaults={
            "user": user,
            "last_seen_at": timezone.now(),
            "created_at": datetime.fromisoformat(signed_in_at) if signed_in_at else timezone.now(),
            "user_agent": request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH],
        },
    )


def sessions_of(user):
    """The person's live sessions, most recently used first."""
    return SignedInSession.objects.filter(user=user, session__expire_date__gt=timezone.now())


def end_sessions(user, *, keep: str | None = None) -> int:
    """End every session of `user` except the one with key `keep`; how many ended."""
    sessions = Session.objects.filter(signed_in__user=user)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    return sessions.delete()[1].get(Session._meta.label, 0)


def mark_temporary(user) -> None:
    """The password just set for `user` by someone else must be replaced at next sign-in."""
    TemporaryPassword.objects.update_or_create(user=user, defaults={"set_at": timezone.now()})


class NewPasswordEndsSessions:
    """A password validator that refuses nothing: Django calls `password_changed` after every
    saved password change, from any page, the admin or a shell. That ends the owner's sessions,
    lifts a temporary password and is written to the audit log. Its help text, shown with the rules, says so."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        end_sessions(user)
        TemporaryPassword.objects.filter(user=user).delete()
        audit.log_password_changed(user)

    def get_help_text(self):
        return "A new password signs the account out of its other sessions."


class SessionLimitsMiddleware:
    """Ends a signed-in session idle for too long, keeps its idle clock and list row current,
    and holds someone with a temporary password on the password change page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started_with = request.session.session_key
        try:
            signed_in = request.user.is_authenticated
        except (OperationalError, InterfaceError):
            # The database is unreachable: the view gives its own answer (a 503 page, or the
            # health check's JSON), as it would without this middleware.
            signed_in = False
        if signed_in:
            response = self._limit(request)
            if response is not None:
                return response
        response = self.get_response(request)
        session = request.session
        if (
            signed_in
            and request.user.is_authenticated
            and session.session_key not in (None, started_with)
        ):
            # A password change keeps its own session under a new key (a sign-in is recorded
            # by `session_started`).
            _record(request, request.user)
        return response

    def _limit(self, request):
        session = request.session
        now = time.time()
        last_seen = session.get(LAST_SEEN)
        if last_seen is None or now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            messages.info(
                request, "You were signed out after a while without activity. Please sign in again."
            )
            return None
        if now - last_seen > ACTIVITY_WRITE_INTERVAL:
            session[LAST_SEEN] = now
            SignedInSession.objects.filter(session_id=session.session_key).update(
                last_seen_at=timezone.now()
            )
        if session.get(MUST_CHANGE_PASSWORD):
            if not TemporaryPassword.objects.filter(user=request.user).exists():
                del session[MUST_CHANGE_PASSWORD]
            elif not request.path.startswith(ACCOUNT_PAGES):
                messages.warning(
                    request,
                    "Your password was set by an administrator. Choose your own to continue.",
                )
                return redirect("password_change")
        return None
