"""`make run`'s one command: the development web server and a background worker, together."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the development web server and a Procrastinate worker side by side; when either "
        "stops, or on Ctrl-C, both stop."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        manage = [sys.executable, "manage.py"]
        env = child_environment(addrport, os.environ)
        # Each in its own process group, so stopping one stops its children too (runserver's
        # autoreloader runs the server in a child process).
        children = [
            subprocess.Popen([*manage, "procrastinate", "worker"], start_new_session=True, env=env),
            subprocess.Popen([*manage, "runserver", addrport], start_new_session=True, env=env),
        ]
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            for child in children:
                _stop(child)
        failed = [child for child in children if child.returncode not in (0, -2, -15)]
        if failed and not stopping:
            sys.exit(1)


def child_environment(addrport: str, environ) -> dict[str, str]:
    """The children's environment: links in e-mails point at the address served, unless
    ETHICSKIT_BASE_URL is set. A bare port serves 127.0.0.1, as runserver does."""
    env = dict(environ)
    if not env.get("ETHICSKIT_BASE_URL"):
        host, _, port = addrport.rpartition(":")
        env["ETHICSKIT_BASE_URL"] = f"http://{host or '127.0.0.1'}:{port}"
    return env


def _stop(child: subprocess.Popen) -> None:
    """SIGTERM the child's process group, then SIGKILL whatever is left after ten seconds."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        deadline = time.monotonic() + wait
        try:
            os.killpg(child.pid, sig)
            while time.monotonic() < deadline:
                child.poll()  # reap the leader, so only live processes keep the group
                os.killpg(child.pid, 0)
                time.sleep(0.1)
        except ProcessLookupError:
            return
