"""`make bench`: measure EthicsKit's main pages against the machine's own floor.

1. Builds (once) a benchmark database beside the app's: 40 teams x 25 agents, N evaluations
   over 12 months, 10,000 scripts and FAQ entries (teams/management/commands/seed_benchmark.py).
2. Serves it with gunicorn, 2 workers, DEBUG off, on a free local port.
3. Measures each page (p50, p95, requests per second, errors) with a keep-alive HTTP client,
   and in the same run the floors: a bare Django view's throughput on the same server and the
   raw SQL time of the dashboards' aggregates.
4. Prints a table with each figure's ratio to its floor and writes bench/results.json.

    .venv/bin/python bench/run.py [--rows 1000000] [--requests 600] [--concurrency 4]
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "bench-password-1"
RATINGS = {"empathy": 4, "accuracy": 5, "fairness": 3, "transparency": 4, "respect": 5}
SEARCHES = ["refund", "refnd delay", "discount policy", "privacy breach", "escalation manager"]


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


def manage(*args, env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(base_url: str, rows: int, env: dict) -> str:
    """Create and fill the benchmark database unless a complete one with `rows` exists."""
    name = f"ethicskit_bench_{rows}"
    marker = f"ethicskit benchmark, {rows} evaluations, complete"
    admin = connect(base_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        )
        found = cursor.fetchone()
        if found and found[0] == marker:
            print(f"Reusing the benchmark database {name}.")
            return with_database(base_url, name)
        print(f"Building the benchmark database {name} ({rows:,} evaluations)…")
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = with_database(base_url, name)
    seed_env = {**env, "DATABASE_URL": url}
    manage("migrate", "--noinput", "-v0", env=seed_env)
    manage("seed_benchmark", "--rows", str(rows), "--password", PASSWORD, env=seed_env)
    with admin.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [marker])
    admin.close()
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server_env = {**env, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    manage("collectstatic", "--noinput", "-v0", env=server_env)
    gunicorn = Path(PYTHON).with_name("gunicorn")
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


class Session:
    """A logged-in browser, reduced to cookies and one keep-alive connection per thread."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.local = threading.local()

    def connection(self) -> http.client.HTTPConnection:
        if not hasattr(self.local, "connection"):
            self.local.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return self.local.connection

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        for attempt in range(2):
            connection = self.connection()
            try:
                connection.request(method, path, body=data, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, OSError):
                connection.close()
                del self.local.connection
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, payload

    def login(self, username: str) -> "Session":
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"Could not log in as {username} (status {status}).")
        return self


def measure(name, session, make_request, total, concurrency, ok=(200,)) -> dict:
    """Run `total` requests over `concurrency` threads after a short warm-up."""
    for _ in range(min(20, total)):
        make_request(session)
    latencies, errors, lock = [], [0], threading.Lock()
    per_thread = total // concurrency

    def worker():
        mine, failed = [], 0
        for _ in range(per_thread):
            started = time.perf_counter()
            status = make_request(session)
            mine.append((time.perf_counter() - started) * 1000)
            failed += status not in ok
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    result = {
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "rps": round(len(latencies) / elapsed, 1),
        "errors": errors[0],
        "requests": len(latencies),
    }
    print(
        f"  {name:<24} p50 {result['p50_ms']:>8.1f} ms  p95 {result['p95_ms']:>8.1f} ms  "
        f"{result['rps']:>8.1f} req/s  errors {result['errors']}"
    )
    return result


def get(path):
    return lambda session: session.request("GET", path)[0]


def self_score_submit(session) -> int:
    body = {
        "occurred_at": (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "channel": "phone",
        "reference": f"BENCH-{uuid.uuid4().hex[:8]}",
        "topic": "Benchmark call",
        "summary": "",
        "rubric_version": "1",
        "submission_token": str(uuid.uuid4()),
        "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
    }
    for key, value in RATINGS.items():
        body[f"rating_{key}"] = str(value)
        body[f"comment_{key}"] = ""
    return session.request("POST", "/score/", body)[0]


def search(session) -> int:
    query = SEARCHES[int(time.perf_counter() * 1000) % len(SEARCHES)]
    return session.request("GET", f"/library/search/?q={urllib.parse.quote(query)}")[0]


def sql_floor(url: str, sql: str, runs: int = 5) -> float:
    """Median time of a raw aggregate over every current evaluation, in ms."""
    connection = connect(url)
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
    children = subprocess.run(
        ["pgrep", "-P", str(master.pid)], capture_output=True, text=True
    ).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(round(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024, 1))
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=600, help="Measured requests per page.")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--soak", type=int, default=10_000, help="Requests before reading RSS.")
    args = parser.parse_args()

    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    url = prepare_database(base_database_url(), args.rows, env)
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM rubrics_evaluation")
        rows = cursor.fetchone()[0]
    server, port = start_server(url, env)
    try:
        agent = Session(port).login("bench-agent01-01")
        supervisor = Session(port).login("bench-supervisor01")
        admin = Session(port).login("bench-admin")
        year_ago = (date.today() - timedelta(days=364)).isoformat()
        n, c = args.requests, args.concurrency
        print(f"\nMeasuring on {rows:,} evaluations, {n} requests per page, {c} at a time:")
        floors = {"bare_view": measure("bare view (floor)", agent, get("/bench/bare"), 4 * n, c)}
        pages = {
            "agent_home": measure("agent home", agent, get("/"), n, c),
            "self_score_submit": measure(
                "self-score submit", agent, self_score_submit, n, c, ok=(302,)
            ),
            "my_scores": measure("my scores", agent, get("/my/scores/"), n, c),
            "team_dashboard": measure("team dashboard", supervisor, get("/dashboard/"), n, c),
            "organisation_dashboard": measure(
                "organisation dashboard",
                admin,
                get(f"/dashboard/organisation/?date_from={year_ago}"),
                max(n // 4, 40),
                c,
            ),
            "review_queue": measure("review queue", supervisor, get("/reviews/"), n, c),
            "search": measure("search", agent, search, n, c),
        }
        floors["sql_team_averages_ms"] = sql_floor(url, TEAM_AVERAGES_SQL)
        floors["sql_weekly_trend_ms"] = sql_floor(url, WEEKLY_TREND_SQL)
        served = sum(page["requests"] + 20 for page in pages.values()) + 4 * n + 20
        if served < args.soak:
            measure("soak: agent home", agent, get("/"), args.soak - served, c)
            served = args.soak
        rss = worker_rss_mb(server)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"\n{'page':<24}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}{'errors':>8}"
        f"{'req/s vs bare':>15}{'p95 vs SQL':>12}"
    )
    bare = floors["bare_view"]["rps"]
    sql_floor_for = {
        "team_dashboard": floors["sql_team_averages_ms"],
        "organisation_dashboard": floors["sql_team_averages_ms"] + floors["sql_weekly_trend_ms"],
    }
    for name, page in pages.items():
        page["rps_vs_bare"] = round(page["rps"] / bare, 3)
        versus_sql = ""
        if name in sql_floor_for:
            page["p95_vs_sql"] = round(page["p95_ms"] / sql_floor_for[name], 2)
            versus_sql = f"{page['p95_vs_sql']:>11.2f}x"
        print(
            f"{name:<24}{page['p50_ms']:>9.1f}{page['p95_ms']:>9.1f}{page['rps']:>9.1f}"
            f"{page['errors']:>8}{page['rps_vs_bare']:>14.1%}{versus_sql:>12}"
        )
    print(
        f"\nFloors: bare view {bare} req/s (p95 {floors['bare_view']['p95_ms']} ms); raw SQL "
        f"per-team averages {floors['sql_team_averages_ms']} ms, weekly trend "
        f"{floors['sql_weekly_trend_ms']} ms."
    )
    print(f"Gunicorn worker RSS after {served:,} requests: {', '.join(f'{mb} MB' for mb in rss)}.")
    results = {
        "pages": pages,
        "floors": floors,
        "rows": rows,
        "worker_rss_mb": rss,
        "requests_served": served,
        "concurrency": args.concurrency,
        "measured_at": datetime.now().isoformat(timespec="seconds"),
    }
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print("Wrote bench/results.json.")


if __name__ == "__main__":
    main()
