"""What comes in from outside: a helpdesk's signed webhook events and a file import. Both
are measured only when the code has them; otherwise the page is reported as not available."""

import hashlib
import hmac
import itertools
import json
import re
import time
import uuid

from bench.data import WEBHOOK_SECRET, WEBHOOK_SLUG, manage
from bench.load import raw_request

WEBHOOK_PATH = f"/api/v1/webhooks/{WEBHOOK_SLUG}/"
CHANNELS = ["email", "chat", "phone"]
TOPICS = ["Refund request", "Billing question", "Cancellation", "Account access"]


def signed_event(sequence: int, agent: str) -> tuple[str, str, bytes, dict]:
    """A generic solved-ticket event with the signature header the helpdesk would send:
    `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""
    body = json.dumps(
        {
            "ticket_id": f"BENCH-{uuid.uuid4().hex[:12]}-{sequence}",
            "agent": agent,
            "channel": CHANNELS[sequence % len(CHANNELS)],
            "solved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60)),
            "topic": TOPICS[sequence % len(TOPICS)],
        }
    ).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(WEBHOOK_SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    headers = {
        "Content-Type": "application/json",
        "X-EthicsKit-Signature": f"t={stamp},v1={digest.hexdigest()}",
    }
    return "POST", WEBHOOK_PATH, body, headers


def webhook_events(agents: list[str]):
    """A function making the next signed event, for Load.loop (thread-safe: a counter)."""
    counter = itertools.count()

    def make():
        sequence = next(counter)
        return signed_event(sequence, agents[sequence % len(agents)])

    return make


def webhook_available(port: int, agent: str) -> str:
    """Empty when the endpoint accepts a signed event, else why it is not measured."""
    method, path, body, headers = signed_event(0, agent)
    response, answer = raw_request(port, method, path, body=body, headers=headers)
    if 200 <= response.status < 300:
        return ""
    if response.status == 404:
        return f"not available: no webhook endpoint at {WEBHOOK_PATH} in this code"
    return f"not available: a signed event got {response.status} ({answer[:120]!r})"


def measure_import(env: dict, rows: int) -> dict:
    """`manage.py bench_import --rows N` (time to finish, rows per second), if it exists."""
    if manage("help", "bench_import", env=env, capture=True).returncode != 0:
        return {"status": "not available: no `bench_import` command in this code"}
    started = time.monotonic()
    finished = manage("bench_import", "--rows", str(rows), env=env, capture=True)
    seconds = time.monotonic() - started
    if finished.returncode != 0:
        return {
            "status": "failing",
            "seconds": round(seconds, 1),
            "output": (finished.stdout + finished.stderr)[-500:],
        }
    # The command's own figure, upload to imported: not its start-up nor the undo after it.
    printed = re.search(r"Finished in ([\d.]+) s: ([\d,]+) rows/s", finished.stdout)
    if printed:
        seconds, rate = float(printed.group(1)), float(printed.group(2).replace(",", ""))
    else:
        rate = rows / seconds
    return {"status": "ok", "rows": rows, "seconds": round(seconds, 1), "rows_per_s": rate}
