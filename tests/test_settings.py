import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from ethicskit.database import parse_database_url


def test_database_is_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def test_parse_tcp_url():
    config = parse_database_url(
        "postgres://ek:s%40cret@db.example.com:6432/ethicskit?sslmode=require"
    )
    assert config["NAME"] == "ethicskit"
    assert (config["USER"], config["PASSWORD"]) == ("ek", "s@cret")
    assert (config["HOST"], config["PORT"]) == ("db.example.com", "6432")
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_parse_socket_url_from_the_embedded_server():
    config = parse_database_url("postgresql://postgres:@/postgres?host=/work/.data/pg")
    assert (config["HOST"], config["NAME"], config["USER"]) == (
        "/work/.data/pg",
        "postgres",
        "postgres",
    )


def test_sqlite_and_other_engines_are_refused():
    with pytest.raises(ValueError, match="PostgreSQL"):
        parse_database_url("sqlite:///db.sqlite3")


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-" + "y" * 30,
        "DJANGO_ALLOWED_HOSTS": "ethics.example.com",
        "DATABASE_URL": "postgres://ek:pw@db.example.com:5432/ethicskit",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def only(**variables) -> dict:
    """An environment with just these variables (and PATH to find programs): nothing inherited."""
    return {"PATH": os.environ.get("PATH", ""), **variables}


PRODUCTION = {
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-" + "y" * 30,
    "DJANGO_ALLOWED_HOSTS": "ethics.example.com",
    "DATABASE_URL": "postgres://ek:pw@db.example.com:5432/ethicskit",
}


def test_check_deploy_passes_with_only_the_three_required_variables():
    # DJANGO_DEBUG unset: the defaults alone must be production-safe.
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=only(**PRODUCTION),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_for():
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    answers = {}
    for value in (None, "0", "", "1"):
        env = only(**PRODUCTION, DJANGO_SETTINGS_MODULE="ethicskit.settings")
        if value is not None:
            env["DJANGO_DEBUG"] = value
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        answers[value] = result.stdout.strip()
    assert answers == {None: "False", "0": "False", "": "False", "1": "True"}


def test_without_debug_or_a_secret_key_the_app_refuses_to_start_and_says_why():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=only(DATABASE_URL="postgres://x@h/db"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr
    assert "set DJANGO_DEBUG=1" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "",
        "DATABASE_URL": "postgres://x@h/db",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
