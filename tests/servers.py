"""Real app servers for tests that span processes: gunicorn started against the test database,
and a `requests` session that signs in and submits forms the way a browser would.

The test data must be committed for the servers to see it: use
`pytest.mark.django_db(transaction=True, serialized_rollback=True)`.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import requests
from django.contrib.auth import get_user_model
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from signin.two_factor import two_factor_required
from tests.conftest import PASSWORD, totp_code

PROJECT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The test database as a DATABASE_URL the app's settings understand."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if user else ""
    host = db["HOST"] or ""
    if host.startswith("/"):
        # A Unix socket directory goes in the query, as the embedded server's own URL has it.
        return f"postgresql://{credentials}/{db['NAME']}?host={quote(host)}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{credentials}{host}{port}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def app_servers(count: int, *, workers: int, threads: int, **environment):
    """`count` gunicorn servers on the test database; yields their base URLs."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_DEBUG": "1",
        # No connection may outlive the test: the test database is dropped at the end.
        "DJANGO_CONN_MAX_AGE": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        **environment,
    }
    processes, urls = [], []
    try:
        for _ in range(count):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "ethicskit.wsgi",
                        f"--workers={workers}",
                        f"--threads={threads}",
                        f"--bind=127.0.0.1:{port}",
                        "--log-level=warning",
                    ],
                    cwd=PROJECT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for process, url in zip(processes, urls, strict=True):
            _wait_until_up(process, url)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(process, url):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server at {url} exited: {process.stderr.read().decode()}")
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"The server at {url} did not start within 30 s.")


def log_in(base_url, path, username) -> requests.Session:
    """A real session: the login page's CSRF cookie and token, then the credentials."""
    session = requests.Session()
    page = session.get(f"{base_url}{path}", timeout=10)
    response = session.post(
        f"{base_url}{path}",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": form_fields(page.text, "username")["csrfmiddlewaretoken"],
            "next": "/",
        },
        headers={"Referer": f"{base_url}{path}"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    user = get_user_model().objects.get(username=username)
    if two_factor_required(user):
        # The second step, with a code from the person's authenticator (made if they have none).
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "Authenticator app"}
        )
        verify = f"{base_url}/accounts/two-factor/verify/"
        fields = form_fields(session.get(verify, timeout=10).text, "code")
        response = session.post(
            verify,
            data={**fields, "code": totp_code(bytes.fromhex(device.key))},
            headers={"Referer": verify},
            timeout=10,
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:500]
    return session


class _PostForms(HTMLParser):
    """The values a browser would submit from each form with method="post" on a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self._fields = None
        self._textarea = self._select = None

    def _add(self, name, value):
        self._fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._fields = {}
            self.forms.append(self._fields)
        if self._fields is None or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._add(attrs["name"], attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._add(self._textarea, "")
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            self._fields[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            # A browser drops the one newline that follows <textarea>.
            value = self._fields[self._textarea][-1]
            self._fields[self._textarea][-1] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._fields = None


def form_fields(html: str, containing: str) -> dict:
    """The fields of the page's post form that has a field named `containing`."""
    parser = _PostForms()
    parser.feed(html)
    form = next(form for form in parser.forms if containing in form)
    return {name: values if len(values) > 1 else values[0] for name, values in form.items()}


@contextmanager
def workers(count: int, **environment):
    """`count` Procrastinate workers (`manage.py procrastinate worker`) on the test database,
    with the tests' own tasks (tests/worker_tasks.py) loaded beside the app's."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_DEBUG": "1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "ETHICSKIT_TASK_MODULES": "tests.worker_tasks",
        # No connection may outlive the test: the test database is dropped at the end.
        "DJANGO_CONN_MAX_AGE": "0",
        **environment,
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "procrastinate", "worker", "--concurrency=2"],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
