"""`make bench-plans`: the query plans behind each page the benchmark measures.

Opens every GET page of `make bench` once, as the same person, on the benchmark database of
`--rows` evaluations (built by `make bench`), captures the page's SQL, and writes the
`EXPLAIN (ANALYZE, BUFFERS)` of its slowest queries to docs/plans/<rows>.md, with each page's
query count and SQL time. Read it beside docs/performance.md: a plan shows whether a page's
cost is bounded (index scans under a LIMIT) or grows with the data (scans, sorts of a team's
whole history).

    .venv/bin/python bench/plans.py [--rows 1000000] [--top 3]
"""

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402

# Who opens each page, as in bench/run.py's measure_pages.
AGENT, SUPERVISOR, ADMIN = "bench-agent01-01", "bench-supervisor01", "bench-admin"


def pages(calibration: int) -> dict[str, tuple[str, str]]:
    year_ago = (date.today() - timedelta(days=364)).isoformat()
    return {
        "agent_home": (AGENT, "/"),
        "my_scores": (AGENT, "/my/scores/"),
        "my_reviews": (AGENT, "/my/reviews/"),
        "team_dashboard": (SUPERVISOR, "/dashboard/"),
        "organisation_dashboard": (ADMIN, f"/dashboard/organisation/?date_from={year_ago}"),
        "review_queue": (SUPERVISOR, "/reviews/"),
        "my_assignments": (SUPERVISOR, "/assignments/"),
        "inbox": (AGENT, "/inbox/"),
        "calibration_session": (SUPERVISOR, f"/calibrations/{calibration}/"),
        "fairness_audit": (ADMIN, "/fairness/"),
        "case_list": (ADMIN, "/cases/"),
        "search": (AGENT, "/library/search/?q=refund+delay"),
        "practice_set": (AGENT, "/training/practice/"),
        "team_training": (SUPERVISOR, "/training/team/"),
    }


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", default="", help="Its name (ethicskit_bench_<rows>).")
    parser.add_argument("--top", type=int, default=3, help="Plans per page, slowest first.")
    return parser.parse_args()


def main():
    args = arguments()
    name = args.database or f"ethicskit_bench_{args.rows}"
    os.environ["DATABASE_URL"] = data.with_database(data.base_database_url(), name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-plans-" + "x" * 40)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

    import django

    django.setup()
    import logging

    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from calibration.models import CalibrationSession

    logging.getLogger("axes").setLevel(logging.WARNING)
    calibration = CalibrationSession.objects.order_by("pk").values_list("pk", flat=True).first()
    clients = {}
    for username in (AGENT, SUPERVISOR, ADMIN):
        client = clients[username] = Client()
        client.post("/accounts/login/", {"username": username, "password": data.PASSWORD})
        if username == ADMIN:
            # The page checks the second factor; a one-time code can be spent only once per
            # 30 s, so the session is marked as `make bench`'s sign-in leaves it.
            device = TOTPDevice.objects.get(user__username=ADMIN, confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    timed = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            text = connection.ops.last_executed_query(context["cursor"], sql, params)
            timed.append(((time.perf_counter() - started) * 1000, text))

    lines = [
        f"# Query plans at {args.rows:,} evaluations",
        "",
        "Written by `make bench-plans` (`bench/plans.py`): each page opened once on the benchmark "
        "database, its SQL captured, and the plans of its slowest queries "
        "(`EXPLAIN (ANALYZE, BUFFERS)`, run right after the page, so the cache is warm). "
        "Times are this machine's, on one request; `make bench` gives the figures under load.",
        "",
    ]
    for page, (username, path) in pages(calibration).items():
        client = clients[username]
        client.get(path)  # warm the caches the page keeps, as under load
        timed.clear()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        queries = list(timed)
        total_sql = sum(ms for ms, _ in queries)
        lines += [
            f"## `{page}`: `{path}` as {username}",
            "",
            f"HTTP {response.status_code}, {elapsed:.1f} ms in process, {len(queries)} queries, "
            f"{total_sql:.1f} ms of SQL.",
            "",
        ]
        for ms, sql in sorted(queries, key=lambda q: -q[0])[: args.top]:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            shown = sql if len(sql) <= 600 else sql[:600] + " …"
            lines += [f"{ms:.1f} ms: `{shown}`", "", "```", *plan, "```", ""]
        print(f"{page:<24} {len(queries):>3} queries, {total_sql:7.1f} ms SQL, {elapsed:7.1f} ms")
    out = ROOT / "docs" / "plans" / f"{args.rows}.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print(f"Wrote {out.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
