"""A pytest plugin for `make mutation` only (pyproject.toml, [tool.mutmut] pytest_add_cli_args).

mutmut runs the stats and the clean tests in its own process, then forks one child per mutant,
several at a time. So:
- Each pytest session closes its database connections when it ends: no child inherits an open
  connection from mutmut's process.
- mutmut's own sessions create and migrate the test database (kept by --reuse-db), then drop
  the mutant runs' copies of it, which are stale once a migration is added.
- A mutant's run takes a free slot (a file lock, released when the child exits) and uses that
  slot's copy of the test database, made from the migrated one the first time the slot is used.
  Runs side by side thus never see each other's rows, and none migrates again.
- A mutant's run keeps only the tests of its file's target in tests/mutation_report.py: mutmut
  would run every selected test that reaches the mutated function, and most pages reach the
  privacy guard and the access helpers.
"""

import fcntl
import os
from pathlib import Path

import pytest
from django.db import connections

SLOTS = 32
_held_lock = None  # the slot's lock file, open for as long as this process lives
# The database names the settings give, before pytest-django points them at the test database.
# mutmut runs several sessions in one process; each starts from these.
_configured_names: dict[str, str] = {}


def in_a_mutant_run() -> bool:
    return "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", "")


def _take_a_slot() -> int:
    global _held_lock
    for slot in range(SLOTS):
        lock = open(Path(f".mutation-db-slot-{slot}.lock"), "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        _held_lock = lock
        return slot
    raise RuntimeError(f"More than {SLOTS} mutant runs at once.")


def _test_database_name(alias: str) -> str:
    connection = connections[alias]
    connection.settings_dict["NAME"] = _configured_names[alias]
    return connection.creation._get_test_db_name()


def _copies_of(template: str) -> str:
    return template.replace("_", r"\_") + r"\_mutant%"


class CopyOfTheTestDatabase:
    @pytest.fixture(scope="session")
    def django_db_setup(self, django_db_blocker):
        from django.conf import settings

        slot = _take_a_slot()
        with django_db_blocker.unblock():
            for alias in connections:
                connection = connections[alias]
                template = _test_database_name(alias)
                name = f"{template}_mutant{slot}"
                with connection._nodb_cursor() as cursor:
                    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                    if cursor.fetchone() is None:
                        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                settings.DATABASES[alias]["NAME"] = name
                connection.settings_dict["NAME"] = name
                connection.close()


def pytest_configure(config):
    from django.conf import settings

    for alias, database in settings.DATABASES.items():
        _configured_names.setdefault(alias, database["NAME"])
    # Registered now, after pytest-django, so that this django_db_setup replaces its own.
    if in_a_mutant_run():
        config.pluginmanager.register(CopyOfTheTestDatabase(), "mutation-copy-of-test-database")


def pytest_collection_modifyitems(config, items):
    if not in_a_mutant_run():
        return
    from tests.mutation_report import tests_for_mutant

    files = tests_for_mutant(os.environ["MUTANT_UNDER_TEST"])
    kept = [item for item in items if item.nodeid.split("::")[0] in files]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def pytest_sessionfinish(session, exitstatus):
    connections.close_all()
    if in_a_mutant_run():
        return
    from django.conf import settings
    from pytest_django.plugin import blocking_manager_key

    with session.config.stash[blocking_manager_key].unblock():
        for alias in connections:
            connection = connections[alias]
            template = _test_database_name(alias)
            settings.DATABASES[alias]["NAME"] = _configured_names[alias]
            with connection._nodb_cursor() as cursor:
                cursor.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s",
                    [_copies_of(template)],
                )
                for (name,) in cursor.fetchall():
                    cursor.execute(f'DROP DATABASE "{name}"')
