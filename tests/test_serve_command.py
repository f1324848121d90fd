"""`manage.py serve` gives the web server and the worker the base URL of the address it serves."""

import pytest
from django.core.management import call_command

from ethicskit.management.commands import serve


@pytest.mark.parametrize(
    ("addrport", "base_url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("0.0.0.0:8042", "http://0.0.0.0:8042"),
        ("8042", "http://127.0.0.1:8042"),
        ("ethics.lan:9000", "http://ethics.lan:9000"),
    ],
)
def test_the_base_url_follows_the_address_served(addrport, base_url):
    env = serve.child_environment(addrport, {"PATH": "/bin"})
    assert env == {"PATH": "/bin", "ETHICSKIT_BASE_URL": base_url}


def test_a_base_url_set_in_the_environment_wins():
    environ = {"ETHICSKIT_BASE_URL": "https://ethics.example.com"}
    env = serve.child_environment("0.0.0.0:8042", environ)
    assert env["ETHICSKIT_BASE_URL"] == "https://ethics.example.com"


def test_both_children_get_it(monkeypatch):
    started = []

    class Child:
        pid = returncode = 0

        def __init__(self, command, **kwargs):
            started.append((command[2], kwargs["env"]["ETHICSKIT_BASE_URL"]))

        def poll(self):
            return 0

    monkeypatch.delenv("ETHICSKIT_BASE_URL", raising=False)
    monkeypatch.setattr(serve.subprocess, "Popen", Child)
    monkeypatch.setattr(serve, "_stop", lambda child: None)
    monkeypatch.setattr(serve.signal, "signal", lambda signum, handler: None)
    call_command("serve", "127.0.0.1:8042")
    assert started == [
        ("procrastinate", "http://127.0.0.1:8042"),
        ("runserver", "http://127.0.0.1:8042"),
    ]
