"""Rendered pages kept in each worker's memory, dropped everywhere through PostgreSQL.

The agent's home page is the most opened page of the app and changes rarely, so each worker
keeps the copy it rendered per person (the "pages" cache: Django's local-memory backend). A
write that changes what such a page shows calls `invalidate()`: the copy goes here at once, and
a NOTIFY, sent when the write commits, tells every other worker (on any server) to drop theirs.
Each worker LISTENs on its own database connection; notifications come in with the replies to
the queries a request makes anyway (its session's and user's), so checking them costs no query.

Where a page's copy could outlive a missed notification, it is dropped instead: a new database
connection (at least once per DJANGO_CONN_MAX_AGE) starts with an empty cache, and copies expire
after five minutes. Behind a pooler in transaction mode (PgBouncer), LISTEN does not work:
set DJANGO_PAGE_CACHE=0 there.

The CSRF token differs per browser, so pages are stored with a placeholder in its place and get
the visitor's own token when served. Pages with a one-time message are never stored.
"""

import secrets
import threading

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.middleware.csrf import get_token

CHANNEL = "ethicskit_pages"
EVERYTHING = "*"
# Random per process, so no text a user writes into a page can pose as it.
CSRF_PLACEHOLDER = f"csrf{secrets.token_hex(16)}"

_listening = threading.local()
# Counts the drops in this process: a page whose rendering overlapped one is not kept, in case
# another thread of a threaded server (runserver) dropped what it was drawn from.
_drops = 0


def _cache():
    return caches["pages"]


def invalidate(*keys: str) -> None:
    """Drop these pages (or `EVERYTHING`) in this worker now and in every worker once the
    current transaction commits (at once outside a transaction)."""
    if not settings.PAGE_CACHE or not keys:
        return
    _drop(set(keys))
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            # PostgreSQL folds identical notifications of one transaction into one.
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, key])


def _drop(keys: set[str]) -> None:
    global _drops
    _drops += 1
    if EVERYTHING in keys:
        _cache().clear()
    else:
        _cache().delete_many(keys)


def forget() -> None:
    """Start over in this worker: no pages kept, and LISTEN again before the next lookup."""
    _cache().clear()
    _listening.on = None


def _sync() -> bool:
    """Apply the invalidations other workers sent; False when the cache cannot be trusted."""
    try:
        connection.ensure_connection()
        raw = connection.connection
        with connection.wrap_database_errors:
            if getattr(_listening, "on", None) is not raw:
                # A new connection missed whatever was sent before it listened.
                _cache().clear()
                with connection.cursor() as cursor:
                    cursor.execute(f"LISTEN {CHANNEL}")
                _listening.on = raw
            keys = _received(raw)
    except DatabaseError:
        _listening.on = None
        return False
    if keys:
        _drop(keys)
    return True


def _received(raw) -> set[str]:
    """The payloads that arrived on the connection, taken without waiting."""
    if hasattr(raw, "poll"):  # psycopg2 keeps them in a list, filled by poll()
        raw.poll()
        keys = {notification.payload for notification in raw.notifies}
        raw.notifies.clear()
        return keys
    # psycopg 3 keeps those that came with query results; timeout=0 reads what else is there.
    return {notification.payload for notification in raw.notifies(timeout=0)}


def serve(request, key: str, render) -> HttpResponse:
    """The page stored under `key`, or `render(csrf_token)`'s, stored when it says so.

    `render` gets the token to put in the page and returns (html, cacheable).
    """
    usable = settings.PAGE_CACHE and not len(messages.get_messages(request)) and _sync()
    page = _cache().get(key) if usable else None
    if page is None:
        drops = _drops
        page, cacheable = render(CSRF_PLACEHOLDER)
        if usable and cacheable and drops == _drops:
            _cache().set(key, page)
    return HttpResponse(page.replace(CSRF_PLACEHOLDER, get_token(request)))


# Wiring: the app that owns a page says which writes change it -------------------------------


def drop_on(signals, sender, keys_for, uid: str) -> None:
    """When `sender` sends one of `signals`, drop the pages `keys_for(instance, **kwargs)` names
    (EVERYTHING for all). The app that serves a page calls this for each model the page shows."""

    def receiver(sender, instance, **kwargs):
        keys = keys_for(instance, **kwargs)
        if keys:
            invalidate(*keys)

    for signal in signals:
        signal.connect(receiver, sender=sender, weak=False, dispatch_uid=f"pagecache.{uid}")


# Small values kept beside the pages, under the same drops ---------------------------------


def drops() -> int:
    """The count of drops so far in this worker; pass it to `keep` to skip a value drawn while
    something was dropped."""
    return _drops


def recall(key: str):
    """The value kept under `key`, or None; only while this worker's connection already listens,
    so no value is trusted that could have missed its drop."""
    if not _listening_here() or not _sync():
        return None
    return _cache().get(key)


def keep(key: str, value, *, since: int) -> None:
    """Keep `value` under `key`, unless something was dropped since `since` or this worker's
    connection does not listen (then nothing would tell it to drop the value)."""
    if _listening_here() and since == _drops:
        _cache().set(key, value)


def _listening_here() -> bool:
    raw = connection.connection
    return settings.PAGE_CACHE and raw is not None and getattr(_listening, "on", None) is raw
