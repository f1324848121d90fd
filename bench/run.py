"""`make bench`: measure every page people open daily against the machine's own floor.

1. Builds (once per size) a benchmark database beside the app's: 40 teams x 25 agents, N
   evaluations over 12 months, 10,000 scripts and FAQ entries, and what the newer pages read
   (assignments, notifications, calibration sessions, cases, practice answers): bench/data.py.
2. Serves it with gunicorn, 2 workers, DEBUG off, on a free local port.
3. Drives each page with wrk for a fixed time, logged in through a session cookie, after the
   workers are idle again (bench/load.py), and records p50, p95, requests per second and
   errors. A page that completes fewer than --min-requests in its window, or whose requests
   time out, is reported as failing, with how long one request takes on its own. Signed
   webhook events go through a Python loop; the import runs `bench_import` (bench/intake.py).
4. Measures the floors in the same run (a bare Django view, a signed-in one, the dashboards'
   raw SQL) and the machine factor: the reference bare view's 3,700 req/s over this run's.
5. Prints every figure beside the factor, checks the targets (bench/report.py) and writes
   bench/results.json and bench/results-<rows>.json.

    .venv/bin/python bench/run.py [--rows 1000000] [--seconds 10] [--concurrency 2]
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data, intake, report  # noqa: E402
from bench import load as loads  # noqa: E402

PAGES = [
    "agent_home",
    "self_score_submit",
    "my_scores",
    "my_reviews",
    "team_dashboard",
    "organisation_dashboard",
    "review_queue",
    "my_assignments",
    "inbox",
    "calibration_session",
    "fairness_audit",
    "case_list",
    "search",
    "practice_set",
    "team_training",
    "webhook",
    "import",
]
# Not measured unless named: a page whose every request outlasts wrk's 10-second timeout, to
# see a failing page reported as failing (and the next page unharmed).
CHECKS = ["slow_check"]


def start_server(url: str, env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server_env = {**env, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    data.manage("collectstatic", "--noinput", "-v0", env=server_env)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "ethicskit.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            # Long enough to time a failing page's request on its own.
            "--timeout",
            "150",
        ],
        cwd=ROOT,
        env=server_env,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sql_floor(url: str, sql: str, runs: int = 5) -> float:
    """Median time of a raw aggregate over every current evaluation, in ms."""
    connection = data.connect(url)
    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    connection.close()
    return round(statistics.median(timings), 2)


TEAM_AVERAGES_SQL = """
    SELECT i.team_id, e.kind, avg(e.score), avg(e.percent), count(*)
    FROM rubrics_evaluation e JOIN rubrics_interaction i ON i.id = e.interaction_id
    WHERE e.is_current GROUP BY i.team_id, e.kind
"""
WEEKLY_TREND_SQL = """
    SELECT date_trunc('week', i.occurred_at), e.kind, avg(e.score)
    FROM rubrics_evaluation e JOIN rubrics_interaction i ON i.id = e.interaction_id
    WHERE e.is_current GROUP BY 1, 2
"""


def worker_rss_mb(master: subprocess.Popen) -> list[float]:
    sizes = []
    for pid in loads.worker_pids(master):
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(round(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024, 1))
    return sizes


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", default="", help="Its name (ethicskit_bench_<rows>).")
    parser.add_argument("--seconds", type=int, default=10, help="Measured seconds per page.")
    parser.add_argument(
        "--concurrency", type=int, default=2, help="Open connections (gunicorn has 2 workers)."
    )
    parser.add_argument(
        "--page",
        action="append",
        choices=PAGES + CHECKS,
        help="Measure only this page (repeatable); the floors are always measured.",
    )
    parser.add_argument("--soak", type=int, default=10_000, help="Requests before reading RSS.")
    parser.add_argument(
        "--min-requests", type=int, default=100, help="Fewer in a page's window: failing."
    )
    parser.add_argument(
        "--drain-seconds",
        type=float,
        default=60,
        help="Wait this long for busy workers before restarting them.",
    )
    parser.add_argument(
        "--slow-timeout", type=float, default=120, help="Longest wait for a failing request."
    )
    parser.add_argument("--import-rows", type=int, default=100_000)
    return parser.parse_args()


def measure_pages(driver: loads.Load, names: list[str], url: str, env: dict) -> dict:
    port = driver.port
    with data.connect(url) as connection, connection.cursor() as cursor:
        # The first session calibrates Team 01, with bench-supervisor01 among its coders.
        cursor.execute("SELECT min(id) FROM calibration_calibrationsession")
        calibration = cursor.fetchone()[0]
    agent = loads.Session(port).login("bench-agent01-01")
    # Submissions come from a teammate, so the measured agent's pages stay the same size.
    scorer = loads.Session(port).login("bench-agent01-02")
    supervisor = loads.Session(port).login("bench-supervisor01")
    admin = loads.Session(port).login("bench-admin")
    year_ago = (date.today() - timedelta(days=364)).isoformat()
    agents = [f"bench-agent{team:02d}-{seat:02d}" for team in range(1, 41) for seat in (3, 4)]

    def webhook():
        unavailable = intake.webhook_available(port, agents[0])
        if unavailable:
            print(f"  {'webhook':<24} {unavailable}")
            return {"status": unavailable}
        return driver.loop("webhook (events/s)", intake.webhook_events(agents))

    def import_rows():
        result = intake.measure_import({**env, "DATABASE_URL": url}, driver.import_rows)
        if result["status"] == "ok":
            print(
                f"  {'import':<24} {result['rows']:,} rows in {result['seconds']} s: "
                f"{result['rows_per_s']:,.0f} rows/s"
            )
        else:
            print(f"  {'import':<24} {result['status']}")
        return result

    measures = {
        "agent_home": lambda: driver.measure("agent home", agent, "/"),
        "self_score_submit": lambda: driver.measure(
            "self-score submit",
            scorer,
            "/score/",
            expected=302,
            body_lua=loads.self_score_lua(scorer),
        ),
        "my_scores": lambda: driver.measure("my scores", agent, "/my/scores/"),
        "my_reviews": lambda: driver.measure("my reviews", agent, "/my/reviews/"),
        "team_dashboard": lambda: driver.measure("team dashboard", supervisor, "/dashboard/"),
        "organisation_dashboard": lambda: driver.measure(
            "organisation dashboard", admin, f"/dashboard/organisation/?date_from={year_ago}"
        ),
        "review_queue": lambda: driver.measure("review queue", supervisor, "/reviews/"),
        "my_assignments": lambda: driver.measure("my assignments", supervisor, "/assignments/"),
        "inbox": lambda: driver.measure("inbox", agent, "/inbox/"),
        "calibration_session": lambda: driver.measure(
            "calibration session", supervisor, f"/calibrations/{calibration}/"
        ),
        "fairness_audit": lambda: driver.measure("fairness audit", admin, "/fairness/"),
        "case_list": lambda: driver.measure("case list", admin, "/cases/"),
        "search": lambda: driver.measure(
            "search", agent, "/library/search/", body_lua=loads.search_lua()
        ),
        # The spaced-repetition set from the agent's 80 answers, and 25 agents' progress.
        "practice_set": lambda: driver.measure("practice set", agent, "/training/practice/"),
        "team_training": lambda: driver.measure("team training", supervisor, "/training/team/"),
        "webhook": webhook,
        "import": import_rows,
        "slow_check": lambda: driver.measure("slow check", agent, "/bench/slow"),
    }
    assert list(measures) == PAGES + CHECKS
    # The import adds interactions, so it goes last, after every page and the soak.
    ordered = [name for name in names if name != "import"]
    pages = {name: measures[name]() for name in ordered}
    return pages, (measures["import"] if "import" in names else None)


def main():
    args = arguments()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    wrk = loads.ensure_wrk()
    url = data.prepare_database(data.base_database_url(), args.rows, env, args.database)
    counts = data.proportions(url)
    print("Data: " + ", ".join(f"{count:,} {label}" for label, count in counts.items()))
    server, port = start_server(url, env)
    try:
        driver = loads.Load(wrk, port, server, url, args)
        driver.import_rows = args.import_rows
        print(
            f"\nMeasuring on {counts['evaluations']:,} evaluations with wrk: {args.seconds:g} s "
            f"per page, {args.concurrency} connections, each page after the workers are idle:"
        )
        agent = loads.Session(port).login("bench-agent01-01")
        floors = {
            # Without a session: a signed-in request's middleware reads the session, the user
            # and the roles (the second-factor check), and this floor is the one with no
            # database at all, as the 3,700 req/s reference was measured.
            "bare_view": driver.measure("bare view (floor)", loads.Session(port), "/bench/bare"),
            "signed_in_view": driver.measure("signed-in view (floor)", agent, "/bench/signed-in"),
        }
        pages, run_import = measure_pages(driver, args.page or PAGES, url, env)
        floors["sql_team_averages_ms"] = sql_floor(url, TEAM_AVERAGES_SQL)
        floors["sql_weekly_trend_ms"] = sql_floor(url, WEEKLY_TREND_SQL)
        driver.wait_until_idle()
        while driver.served < args.soak:
            driver.run(agent, "/", seconds=5)
        served = driver.served
        rss = worker_rss_mb(server)
    finally:
        server.terminate()
        server.wait(timeout=60)
    if run_import:
        pages["import"] = run_import()

    factor = report.machine_factor(floors["bare_view"]["rps"])
    for name, page in pages.items():
        report.judge(name, page, factor, floors["signed_in_view"]["rps"])
    report.print_table(pages, factor)
    bare, signed_in = floors["bare_view"], floors["signed_in_view"]
    print(
        f"\nFloors: bare view {bare['rps']} req/s (p95 {bare['p95_ms']} ms); signed-in "
        f"view {signed_in['rps']} req/s ({signed_in['rps'] / bare['rps']:.1%} of bare); raw SQL "
        f"per-team averages {floors['sql_team_averages_ms']} ms, weekly trend "
        f"{floors['sql_weekly_trend_ms']} ms."
    )
    print(f"Gunicorn worker RSS after {served:,} requests: {', '.join(f'{mb} MB' for mb in rss)}.")
    if driver.restarts:
        print(f"Workers were restarted {driver.restarts} time(s) to drain a page.")
    results = {
        "pages": pages,
        "floors": floors,
        "rows": counts["evaluations"],
        "size": args.rows,
        "machine_factor": factor,
        "reference_bare_rps": report.REFERENCE_BARE_RPS,
        "data": counts,
        "worker_rss_mb": rss,
        "worker_restarts": driver.restarts,
        "requests_served": served,
        "concurrency": args.concurrency,
        "seconds_per_page": args.seconds,
        "load_generator": "wrk",
        "measured_at": datetime.now().isoformat(timespec="seconds"),
    }
    report.save(results)
    results["growth"] = report.check_growth()
    if results["growth"] is not None:
        report.save(results)
    misses = report.verdict(results)
    print("\nTargets: " + ("all met." if not misses else "missed: " + "; ".join(misses) + "."))


if __name__ == "__main__":
    main()
