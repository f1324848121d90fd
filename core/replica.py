"""Reads that may go to a read replica: the dashboards' and the fairness audit's.

Off unless `ETHICSKIT_REPLICA_URL` is set (settings then add `DATABASES["replica"]` and list
this router). Only code inside `replica_reads()` (or a view wrapped in `@reads_from_replica`) reads
from the replica; everything else reads and writes the primary, as without a replica. Inside
the block a read stays on the primary when it could miss this request's own write: in a
transaction, or after the block has written anything.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import connections

REPLICA = "replica"
# None: reads go to the primary; "replica": to the replica; "primary": the block wrote.
_reads: ContextVar[str | None] = ContextVar("replica_reads", default=None)


@contextmanager
def replica_reads():
    """Send this block's reads to the replica, when one is configured (without the router,
    Django reads the primary as always)."""
    token = _reads.set(REPLICA)
    try:
        yield
    finally:
        _reads.reset(token)


@contextmanager
def primary_reads():
    """Send this block's reads to the primary, even inside `replica_reads()`: for reads of
    what only this connection holds (temporary tables)."""
    token = _reads.set("primary")
    try:
        yield
    finally:
        _reads.reset(token)


def reads_from_replica(view):
    """A view whose reads may lag the primary by the replica's delay (seconds)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


def _read_database() -> str:
    if _reads.get() == REPLICA and not connections["default"].in_atomic_block:
        return REPLICA
    return "default"


class ReplicaRouter:
    """Listed in DATABASE_ROUTERS only when a replica is configured."""

    def db_for_read(self, model, **hints):
        return _read_database()

    def db_for_write(self, model, **hints):
        if _reads.get() == REPLICA:
            # A read after this write must see it: the rest of the block reads the primary.
            _reads.set("primary")
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return None
