"""`make bench`: measure EthicsKit's main pages against the machine's own floor.

1. Builds (once) a benchmark database beside the app's: 40 teams x 25 agents, N evaluations
   over 12 months, 10,000 scripts and FAQ entries (ethicskit/management/commands/seed_benchmark.py).
2. Serves it with gunicorn, 2 workers, DEBUG off, on a free local port.
3. Drives each page with wrk (a C load generator; installed with apt-get if missing) for a
   fixed time, logged in through a session cookie, and records p50, p95, requests per second
   and errors (connection errors, timeouts and any unexpected status). In the same run it
   measures the floors: a bare Django view's throughput on the same server (and a signed-in
   one's, which adds only the session and user queries) and the raw SQL
   time of the dashboards' aggregates.
4. Prints a table with each figure's ratio to its floor and writes bench/results.json.

    .venv/bin/python bench/run.py [--rows 1000000] [--seconds 10] [--concurrency 2]
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "bench-password-1"
# The benchmark admin's authenticator key (hex): admins sign in with a second factor.
ADMIN_TOTP_KEY = "3132333435363738393031323334353637383930"
RATINGS = {"empathy": 4, "accuracy": 5, "fairness": 3, "transparency": 4, "respect": 5}
PAGES = [
    "agent_home",
    "self_score_submit",
    "my_scores",
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
]
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


def assign_reviews(url: str, env: dict) -> None:
    """Every team's rule (10 reviews per agent a week) and this week's assignments, so the
    review queue and My assignments are measured with assignments in them. Idempotent."""
    manage("assign_reviews", "--per-agent", "10", env={**env, "DATABASE_URL": url})


NOTIFICATIONS_SQL = """
INSERT INTO notifications_notification (recipient_id, kind, text, url, created_at, read_at)
SELECT i.agent_id, 'review_submitted', 'A supervisor reviewed one of your interactions.',
       '/interactions/' || i.id || '/', e.created_at, e.seen_at
FROM rubrics_evaluation e JOIN rubrics_interaction i ON i.id = e.interaction_id
WHERE e.kind = 'review' AND e.is_current
"""


def fill_notifications(url: str) -> None:
    """One inbox notification per review, read when the agent saw the review (the most
    common kind by far); once per database."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM notifications_notification)")
        if not cursor.fetchone()[0]:
            cursor.execute(NOTIFICATIONS_SQL)
            cursor.execute("ANALYZE notifications_notification")


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
            url = with_database(base_url, name)
            # Migrations added since it was built (the rollups' fills itself), and the
            # training data when it was built before training existed.
            manage("migrate", "--noinput", "-v0", env={**env, "DATABASE_URL": url})
            manage("seed_benchmark", "--only-training", env={**env, "DATABASE_URL": url})
            assign_reviews(url, env)
            fill_notifications(url)
            manage(
                "seed_benchmark_extras",
                "--admin-totp-key",
                ADMIN_TOTP_KEY,
                env={**env, "DATABASE_URL": url},
            )
            return url
        print(f"Building the benchmark database {name} ({rows:,} evaluations)…")
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = with_database(base_url, name)
    seed_env = {**env, "DATABASE_URL": url}
    manage("migrate", "--noinput", "-v0", env=seed_env)
    manage("seed_benchmark", "--rows", str(rows), "--password", PASSWORD, env=seed_env)
    assign_reviews(url, env)
    fill_notifications(url)
    manage("seed_benchmark_extras", "--admin-totp-key", ADMIN_TOTP_KEY, env=seed_env)
    with admin.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [marker])
    admin.close()
    return url


def totp(key_hex: str) -> str:
    """The six-digit code of RFC 6238 (30-second steps, SHA-1) for the key, now."""
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


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
    """A logged-in browser, reduced to its cookies (which wrk then sends)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        # gunicorn's sync workers close every connection, so each request opens its own.
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        finally:
            connection.close()
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
        if username == "bench-admin":
            status, page = self.request("GET", "/accounts/two-factor/verify/")
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            status, _ = self.request(
                "POST",
                "/accounts/two-factor/verify/",
                {"code": totp(ADMIN_TOTP_KEY), "csrfmiddlewaretoken": token.decode()},
            )
            if status != 302:
                raise SystemExit(f"The second factor of {username} was refused ({status}).")
        return self


WRK_LUA = r"""
-- Written by bench/run.py for one page; see Load.measure().
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
function init(args)
  unexpected = 0
  counter = 0
end
function response(status, headers, body)
  local location = headers["Location"] or ""
  if status ~= EXPECTED or location:find("/accounts/login") then
    unexpected = unexpected + 1
  end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("unexpected") end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"socket_errors": %d, "unexpected": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout, bad))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("Installing wrk, the load generator (apt-get install wrk)…")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=False)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("make bench needs wrk: install it with `apt-get install wrk`.")
    return found


class Load:
    """wrk against one server, with one logged-in session per page."""

    def __init__(self, wrk: str, port: int, seconds: float, concurrency: int):
        self.wrk, self.port = wrk, port
        self.seconds, self.concurrency = seconds, concurrency
        self.served = 0

    def run(self, session, path, *, seconds, expected=200, body_lua="") -> dict:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in session.cookies.items())}
        # RUN makes this run's submission tokens differ from the warm-up's.
        lua = [f"EXPECTED = {expected}", f'RUN = "{uuid.uuid4().hex[:8]}"']
        lua += [f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items()]
        lua += [body_lua, WRK_LUA]
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write("\n".join(lua))
        try:
            output = subprocess.run(
                [
                    self.wrk,
                    f"--threads={min(2, self.concurrency)}",
                    f"--connections={self.concurrency}",
                    f"--duration={int(seconds)}s",
                    "--timeout=10s",
                    f"--script={script.name}",
                    f"http://127.0.0.1:{self.port}{path}",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            os.unlink(script.name)
        found = re.search(r"WRK-RESULT (\{.*\})", output)
        if not found:
            raise SystemExit(f"wrk printed no result for {path}:\n{output}")
        result = json.loads(found.group(1))
        self.served += result["requests"]
        return result

    def measure(self, name, session, path, *, expected=200, body_lua="") -> dict:
        """A short warm-up, then `seconds` of load; p50/p95 in ms, throughput, errors."""
        self.run(session, path, seconds=2, expected=expected, body_lua=body_lua)
        raw = self.run(session, path, seconds=self.seconds, expected=expected, body_lua=body_lua)
        result = {
            "p50_ms": round(raw["p50_us"] / 1000, 2),
            "p95_ms": round(raw["p95_us"] / 1000, 2),
            "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "errors": raw["socket_errors"] + raw["unexpected"],
            "requests": raw["requests"],
        }
        print(
            f"  {name:<24} p50 {result['p50_ms']:>8.1f} ms  p95 {result['p95_ms']:>8.1f} ms  "
            f"{result['rps']:>8.1f} req/s  errors {result['errors']}"
        )
        return result

    def self_score_lua(self, session) -> str:
        """Each request a new interaction: its own submission token and reference (a repeated
        token would measure the double-submit shortcut instead)."""
        fields = {
            "occurred_at": (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "topic": "Benchmark call",
            "summary": "",
            "rubric_version": "1",
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        }
        for key, value in RATINGS.items():
            fields[f"rating_{key}"] = str(value)
            fields[f"comment_{key}"] = ""
        fixed = urllib.parse.urlencode(fields)
        return f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-CSRFToken"] = "{session.cookies.get("csrftoken", "")}"
request = function()
  counter = counter + 1
  local token = RUN .. string.format("-%04x-4000-8000-%012x", id, counter)
  local body = "{fixed}&submission_token=" .. token ..
    "&reference=BENCH-" .. RUN .. "-" .. id .. "-" .. counter
  return wrk.format(nil, nil, nil, body)
end
"""

    @staticmethod
    def search_lua() -> str:
        paths = ", ".join(f'"/library/search/?q={urllib.parse.quote(query)}"' for query in SEARCHES)
        return f"""
local paths = {{{paths}}}
request = function()
  counter = counter + 1
  return wrk.format(nil, paths[counter % #paths + 1])
end
"""


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
    parser.add_argument("--seconds", type=int, default=10, help="Measured seconds per page.")
    parser.add_argument(
        "--concurrency", type=int, default=2, help="Open connections (gunicorn has 2 workers)."
    )
    parser.add_argument(
        "--page",
        action="append",
        choices=PAGES,
        help="Measure only this page (repeatable); the floors are always measured.",
    )
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
    wrk = ensure_wrk()
    url = prepare_database(base_database_url(), args.rows, env)
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM rubrics_evaluation")
        rows = cursor.fetchone()[0]
        # The first session calibrates Team 01, with bench-supervisor01 among its coders.
        cursor.execute("SELECT min(id) FROM calibration_calibrationsession")
        calibration = cursor.fetchone()[0]
    server, port = start_server(url, env)
    try:
        agent = Session(port).login("bench-agent01-01")
        # Submissions come from a teammate, so the measured agent's pages stay the same size.
        scorer = Session(port).login("bench-agent01-02")
        supervisor = Session(port).login("bench-supervisor01")
        admin = Session(port).login("bench-admin")
        year_ago = (date.today() - timedelta(days=364)).isoformat()
        load = Load(wrk, port, args.seconds, args.concurrency)
        print(
            f"\nMeasuring on {rows:,} evaluations with wrk: {args.seconds:g} s per page, "
            f"{args.concurrency} connections:"
        )
        floors = {
            "bare_view": load.measure("bare view (floor)", agent, "/bench/bare"),
            "signed_in_view": load.measure("signed-in view (floor)", agent, "/bench/signed-in"),
        }
        measures = {
            "agent_home": lambda: load.measure("agent home", agent, "/"),
            "self_score_submit": lambda: load.measure(
                "self-score submit",
                scorer,
                "/score/",
                expected=302,
                body_lua=load.self_score_lua(scorer),
            ),
            "my_scores": lambda: load.measure("my scores", agent, "/my/scores/"),
            "team_dashboard": lambda: load.measure("team dashboard", supervisor, "/dashboard/"),
            "organisation_dashboard": lambda: load.measure(
                "organisation dashboard",
                admin,
                f"/dashboard/organisation/?date_from={year_ago}",
            ),
            "review_queue": lambda: load.measure("review queue", supervisor, "/reviews/"),
            "my_assignments": lambda: load.measure("my assignments", supervisor, "/assignments/"),
            "inbox": lambda: load.measure("inbox", agent, "/inbox/"),
            "calibration_session": lambda: load.measure(
                "calibration session", supervisor, f"/calibrations/{calibration}/"
            ),
            "fairness_audit": lambda: load.measure("fairness audit", admin, "/fairness/"),
            "case_list": lambda: load.measure("case list", admin, "/cases/"),
            "search": lambda: load.measure(
                "search", agent, "/library/search/", body_lua=load.search_lua()
            ),
            # The spaced-repetition set from the agent's 80 answers, and 25 agents' progress.
            "practice_set": lambda: load.measure("practice set", agent, "/training/practice/"),
            "team_training": lambda: load.measure("team training", supervisor, "/training/team/"),
        }
        assert list(measures) == PAGES
        pages = {name: measures[name]() for name in args.page or PAGES}
        floors["sql_team_averages_ms"] = sql_floor(url, TEAM_AVERAGES_SQL)
        floors["sql_weekly_trend_ms"] = sql_floor(url, WEEKLY_TREND_SQL)
        while load.served < args.soak:
            load.run(agent, "/", seconds=5)
        served = load.served
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
    signed_in = floors["signed_in_view"]
    print(
        f"\nFloors: bare view {bare} req/s (p95 {floors['bare_view']['p95_ms']} ms); signed-in "
        f"view {signed_in['rps']} req/s ({signed_in['rps'] / bare:.1%} of bare); raw SQL "
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
        "seconds_per_page": args.seconds,
        "load_generator": "wrk",
        "measured_at": datetime.now().isoformat(timespec="seconds"),
    }
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print("Wrote bench/results.json.")


if __name__ == "__main__":
    main()
