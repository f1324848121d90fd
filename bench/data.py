"""The benchmark's database: built once per size beside the app's, topped up with what newer
pages read, and counted (the proportions docs/performance.md states)."""

import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "bench-password-1"
# The benchmark admin's authenticator key (hex): admins sign in with a second factor.
ADMIN_TOTP_KEY = "3132333435363738393031323334353637383930"
# The benchmark helpdesk connection's slug and signing secret (seed_benchmark_extras).
WEBHOOK_SLUG = "bench-helpdesk"
WEBHOOK_SECRET = "bench-webhook-secret-0123456789abcdef"


def base_database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    sys.path.insert(0, str(ROOT))
    from ethicskit.database import embedded_database_url

    return embedded_database_url()


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def connect(url: str):
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    return psycopg2.connect(
        dbname=parts.path.lstrip("/"),
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or "") or None,
        host=query.get("host") or parts.hostname,
        port=parts.port,
    )


def manage(*args, env, capture=False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=not capture,
        capture_output=capture,
        text=True,
    )


# One inbox notification per review, to its agent, read when the agent saw the review.
REVIEW_NOTIFICATIONS_SQL = """
INSERT INTO notifications_notification (recipient_id, kind, text, url, created_at, read_at)
SELECT i.agent_id, 'review_submitted', 'A supervisor reviewed one of your interactions.',
       '/interactions/' || i.id || '/', e.created_at, e.seen_at
FROM rubrics_evaluation e JOIN rubrics_interaction i ON i.id = e.interaction_id
WHERE e.kind = 'review' AND e.is_current
"""
# The weeks before this one: four reviews in five came from the team's rule, done when the
# review was saved (the rest were reviews a supervisor chose without an assignment).
ASSIGNMENT_HISTORY_SQL = """
INSERT INTO qa_assignment (interaction_id, reviewer_id, team_id, agent_id, period, period_start,
                           due_on, source, status, skip_reason, created_at, done_at)
SELECT i.id, e.author_id, i.team_id, i.agent_id, 'week', w.start, w.start + 6, 'rule', 'done',
       '', w.start::timestamptz, e.created_at
FROM rubrics_evaluation e JOIN rubrics_interaction i ON i.id = e.interaction_id
CROSS JOIN LATERAL (SELECT date_trunc('week', i.occurred_at)::date AS start) AS w
WHERE e.kind = 'review' AND e.is_current AND i.id % 5 <> 0
  AND i.occurred_at < date_trunc('week', now())
ON CONFLICT (interaction_id) DO NOTHING
"""
# Each assignment told its reviewer once; all read but this week's.
ASSIGNMENT_NOTIFICATIONS_SQL = """
INSERT INTO notifications_notification (recipient_id, kind, text, url, created_at, read_at)
SELECT a.reviewer_id, 'assignment_given', 'A review was assigned to you.', '/assignments/',
       a.period_start::timestamptz,
       CASE WHEN a.status = 'open' THEN NULL ELSE a.period_start::timestamptz END
FROM qa_assignment a
"""


def fill_notifications(url: str) -> None:
    """Notifications of reviews (the commonest kind by far) and of assignments; once per
    database. Past assignments come first, so their notifications are among them."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM qa_assignment WHERE status = 'done')")
        if not cursor.fetchone()[0]:
            cursor.execute(ASSIGNMENT_HISTORY_SQL)
            cursor.execute("ANALYZE qa_assignment")
        cursor.execute("SELECT EXISTS (SELECT 1 FROM notifications_notification)")
        if not cursor.fetchone()[0]:
            cursor.execute(REVIEW_NOTIFICATIONS_SQL)
            cursor.execute(ASSIGNMENT_NOTIFICATIONS_SQL)
            cursor.execute("ANALYZE notifications_notification")


def top_up(url: str, env: dict) -> None:
    """What the newer pages read, added to any benchmark database that lacks it."""
    seed_env = {**env, "DATABASE_URL": url}
    # Every team's rule (10 reviews per agent a week) and this week's open assignments.
    manage("assign_reviews", "--per-agent", "10", env=seed_env)
    fill_notifications(url)
    manage(
        "seed_benchmark_extras",
        f"--admin-totp-key={ADMIN_TOTP_KEY}",
        f"--webhook-slug={WEBHOOK_SLUG}",
        f"--webhook-secret={WEBHOOK_SECRET}",
        env=seed_env,
    )


def prepare_database(base_url: str, rows: int, env: dict, name: str = "") -> str:
    """Create and fill the benchmark database unless a complete one with `rows` exists."""
    name = name or f"ethicskit_bench_{rows}"
    marker = f"ethicskit benchmark, {rows} evaluations, complete"
    admin = connect(base_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        )
        found = cursor.fetchone()
        url = with_database(base_url, name)
        if found and found[0] == marker:
            print(f"Reusing the benchmark database {name}.")
            # Migrations added since it was built (the rollups' fills itself), and the
            # training data when it was built before training existed.
            manage("migrate", "--noinput", "-v0", env={**env, "DATABASE_URL": url})
            manage("seed_benchmark", "--only-training", env={**env, "DATABASE_URL": url})
            top_up(url, env)
            return url
        print(f"Building the benchmark database {name} ({rows:,} evaluations)…")
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    seed_env = {**env, "DATABASE_URL": url}
    manage("migrate", "--noinput", "-v0", env=seed_env)
    manage("seed_benchmark", "--rows", str(rows), "--password", PASSWORD, env=seed_env)
    top_up(url, env)
    with admin.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [marker])
    admin.close()
    return url


COUNTED = {
    "evaluations": "rubrics_evaluation",
    "interactions": "rubrics_interaction",
    "assignments": "qa_assignment",
    "notifications": "notifications_notification",
    "calibration_sessions": "calibration_calibrationsession",
    "cases": "cases_case",
    "training_attempts": "training_attempt",
}


def proportions(url: str) -> dict[str, int]:
    """Rows of each table the pages read, and the agents they belong to."""
    counts = {}
    with connect(url) as connection, connection.cursor() as cursor:
        for label, table in COUNTED.items():
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            if cursor.fetchone()[0]:
                cursor.execute(f"SELECT count(*) FROM {table}")
                counts[label] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM auth_user WHERE username LIKE 'bench-agent%%'")
        counts["agents"] = cursor.fetchone()[0]
    return counts


def database_bytes(url: str) -> dict[str, int]:
    """Bytes of the largest tables with their indexes (pg_total_relation_size)."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 2 DESC LIMIT 12"
        )
        return dict(cursor.fetchall())
