"""Load on one page at a time: wrk (or a Python loop for signed webhooks), a page that fails
reported as failing with how long its requests took, and the workers drained between pages."""

import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import struct
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from bench.data import ADMIN_TOTP_KEY, PASSWORD, connect

RATINGS = {"empathy": 4, "accuracy": 5, "fairness": 3, "transparency": 4, "respect": 5}
SEARCHES = ["refund", "refnd delay", "discount policy", "privacy breach", "escalation manager"]
# Workers are idle when this many rounds in a row answer the bare view this fast.
IDLE_MS, IDLE_ROUNDS = 250, 3


def totp(key_hex: str) -> str:
    """The six-digit code of RFC 6238 (30-second steps, SHA-1) for the key, now."""
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def raw_request(port, method, path, *, body=None, headers=None, timeout=30.0):
    """One request on its own connection (gunicorn's sync workers close every one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


class Session:
    """A logged-in browser, reduced to its cookies (which wrk then sends)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, timeout=30.0) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        response, payload = raw_request(
            self.port, method, path, body=data, headers=headers, timeout=timeout
        )
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, payload

    def form(self, path: str, fields: dict) -> int:
        status, page = self.request("GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self.request("POST", path, {**fields, "csrfmiddlewaretoken": token.decode()})
        return status

    def login(self, username: str) -> "Session":
        status = self.form("/accounts/login/", {"username": username, "password": PASSWORD})
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"Could not log in as {username} (status {status}).")
        if username == "bench-admin":
            status = self.form("/accounts/two-factor/verify/", {"code": totp(ADMIN_TOTP_KEY)})
            if status != 302:
                raise SystemExit(f"The second factor of {username} was refused ({status}).")
        return self


WRK_LUA = r"""
-- Written by bench/load.py for one page; see Load.run().
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
    '"socket_errors": %d, "timeouts": %d, "unexpected": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write, e.timeout, bad))
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

    def __init__(self, wrk, port, server, database_url, args):
        self.wrk, self.port, self.server, self.database_url = wrk, port, server, database_url
        self.seconds, self.concurrency = args.seconds, args.concurrency
        self.min_requests, self.drain_seconds = args.min_requests, args.drain_seconds
        self.slow_timeout = args.slow_timeout
        self.served = 0
        self.restarts = 0

    # Draining -----------------------------------------------------------------------------
    def idle_round(self) -> bool:
        """Every worker answers the bare view at once, quickly: none is still busy."""

        def timed(_):
            started = time.perf_counter()
            try:
                raw_request(self.port, "GET", "/bench/bare", timeout=IDLE_MS / 1000)
            except OSError:
                return float("inf")
            return (time.perf_counter() - started) * 1000

        with ThreadPoolExecutor(self.concurrency) as pool:
            return max(pool.map(timed, range(self.concurrency))) < IDLE_MS

    def wait_until_idle(self, limit: float | None = None) -> float:
        """Seconds until the workers are idle; past `limit`, stop what they are doing."""
        limit = self.drain_seconds if limit is None else limit
        started, fast = time.monotonic(), 0
        while fast < IDLE_ROUNDS:
            fast = fast + 1 if self.idle_round() else 0
            if fast == 0 and time.monotonic() - started > limit:
                if self.restarts >= 5:
                    raise SystemExit("The workers stay busy even after restarting them.")
                self.restart_workers()
                started, limit = time.monotonic(), 60
            time.sleep(0.05)
        return time.monotonic() - started

    def restart_workers(self) -> None:
        """Kill the busy workers (the master starts fresh ones) and cancel their queries."""
        print("    workers still busy: cancelling their queries and restarting them")
        self.restarts += 1
        with connect(self.database_url) as connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND state = 'active'"
            )
        for pid in worker_pids(self.server):
            os.kill(pid, signal.SIGKILL)

    # wrk ----------------------------------------------------------------------------------
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
        """Idle workers, a short warm-up, idle again, then `seconds` of load."""
        self.wait_until_idle()
        self.run(session, path, seconds=2, expected=expected, body_lua=body_lua)
        self.wait_until_idle()
        raw = self.run(session, path, seconds=self.seconds, expected=expected, body_lua=body_lua)
        result = self.summarise(raw)
        if result["failing"]:
            # wrk's percentiles count only the requests that finished: time one on its own.
            self.wait_until_idle()
            if not body_lua:
                result["one_request_ms"] = self.time_one(session, path)
        show(name, result)
        return result

    def summarise(self, raw: dict) -> dict:
        completed = raw["requests"]
        result = {
            "p50_ms": round(raw["p50_us"] / 1000, 2) if completed else None,
            "p95_ms": round(raw["p95_us"] / 1000, 2) if completed else None,
            "rps": round(completed / (raw["duration_us"] / 1e6), 1),
            "errors": raw["socket_errors"] + raw["timeouts"] + raw["unexpected"],
            "timeouts": raw["timeouts"],
            "requests": completed,
        }
        result["failing"] = completed < self.min_requests or raw["timeouts"] > 0
        return result

    def time_one(self, session, path) -> float | None:
        """How long one request takes with the workers otherwise idle (None: longer than
        the slow timeout)."""
        started = time.perf_counter()
        try:
            session.request("GET", path, timeout=self.slow_timeout)
        except OSError:
            return None
        finally:
            self.wait_until_idle()
        return round((time.perf_counter() - started) * 1000, 1)

    # A Python loop, for requests wrk cannot make (each one signed) ---------------------------
    def loop(self, name, make_request, *, accepted=range(200, 300)) -> dict:
        """`concurrency` threads sending `make_request()` (method, path, body, headers) for
        `seconds`; the same figures as wrk's."""
        self.wait_until_idle()
        stop = time.monotonic() + self.seconds
        latencies, lock = [], threading.Lock()
        counts = {"timeouts": 0, "unexpected": 0, "socket_errors": 0}

        def worker():
            while time.monotonic() < stop:
                method, path, body, headers = make_request()
                started = time.perf_counter()
                try:
                    response, _ = raw_request(self.port, method, path, body=body, headers=headers)
                except TimeoutError:
                    outcome = "timeouts"
                except OSError:
                    outcome = "socket_errors"
                else:
                    outcome = None if response.status in accepted else "unexpected"
                with lock:
                    if outcome:
                        counts[outcome] += 1
                    else:
                        latencies.append(time.perf_counter() - started)

        begun = time.monotonic()
        threads = [threading.Thread(target=worker) for _ in range(self.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - begun
        self.served += len(latencies)
        percentiles = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else [0] * 19
        raw = {
            "requests": len(latencies),
            "duration_us": duration * 1e6,
            "p50_us": percentiles[9] * 1e6,
            "p95_us": percentiles[18] * 1e6,
            **counts,
        }
        result = self.summarise(raw)
        show(name, result)
        return result


def show(name: str, result: dict) -> None:
    if result["failing"]:
        took = result.get("one_request_ms")
        one = (
            ""
            if "one_request_ms" not in result
            else (
                f"; one request alone took {took:,.0f} ms"
                if took is not None
                else "; one request alone took longer than the slow timeout"
            )
        )
        completed = ""
        if result["requests"]:
            completed = f" (p50 {result['p50_ms']:.1f}, p95 {result['p95_ms']:.1f} ms)"
        print(
            f"  {name:<24} FAILING: {result['requests']} requests finished in the window"
            f"{completed}, {result['timeouts']} timed out (wrk waits 10 s){one}"
        )
        return
    print(
        f"  {name:<24} p50 {result['p50_ms']:>8.1f} ms  p95 {result['p95_ms']:>8.1f} ms  "
        f"{result['rps']:>8.1f} req/s  errors {result['errors']}"
    )


def worker_pids(master) -> list[int]:
    children = subprocess.run(
        ["pgrep", "-P", str(master.pid)], capture_output=True, text=True
    ).stdout.split()
    return [int(pid) for pid in children]


def self_score_lua(session) -> str:
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


def search_lua() -> str:
    paths = ", ".join(f'"/library/search/?q={urllib.parse.quote(query)}"' for query in SEARCHES)
    return f"""
local paths = {{{paths}}}
request = function()
  counter = counter + 1
  return wrk.format(nil, paths[counter % #paths + 1])
end
"""
