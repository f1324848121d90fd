"""Hardening that every answer carries: the Content-Security-Policy with no inline script, the
other security headers and cookies, and a clean `check --deploy` in production settings."""

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import override_settings

from checklists.models import Checklist
from scripts_library.models import Playbook, Script
from tests.conftest import self_score

PERSONAS = ["anonymous", "agent", "other_agent", "supervisor", "other_supervisor", "admin"]

MAIN_PAGES = [
    "/",
    "/accounts/login/",
    "/score/",
    "/my/scores/",
    "/my/reviews/",
    "/reviews/",
    "/dashboard/",
    "/dashboard/organisation/",
    "/profile/",
    "/checklists/",
    "/checklists/runs/",
    "/service-changes/",
    "/triage/",
    "/decisions/",
    "/concerns/",
    "/concerns/new/",
    "/proof-plan/",
    "/proof-plan/evidence/",
    "/library/",
    "/library/search/?q=refund",
    "/library/faq/",
    "/library/language/",
    "/library/mistakes/",
    "/library/playbooks/",
    "/library/acknowledgements/",
    "/api/docs/",
]


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, styles and event handlers."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            if attrs.get("type") != "application/json":
                self._in_inline_script = True
                self.problems.append(f"inline <script> at {self.getpos()}")
        if tag == "style":
            self.problems.append(f"inline <style> at {self.getpos()}")
        for name, value in attrs.items():
            if re.fullmatch(r"on[a-z]+", name):
                self.problems.append(f"{name}= handler on <{tag}> at {self.getpos()}")
            if name == "style" and style_hash(value) not in allowed_style_attributes():
                self.problems.append(f"style= attribute on <{tag}> at {self.getpos()}")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in {name} on <{tag}>")


def style_hash(value: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(value.encode()).digest()).decode() + "'"


def allowed_style_attributes() -> list[str]:
    return settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src-attr"]


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_inline_code_finder_catches_what_the_csp_would_block():
    page = (
        '<script>alert(1)</script><script type="application/json">{}</script>'
        '<script src="/x.js"></script><button onclick="go()">x</button>'
        '<a href="javascript:void(0)">y</a><style>p{}</style><p style="color:red">z</p>'
    )
    assert len(inline_code(page)) == 5
    assert inline_code('<script id="d" type="application/json">{"a": 1}</script>') == []


def test_the_policy_allows_nothing_inline_and_no_framing(client):
    policy = directives(client.get("/accounts/login/")["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    # One hashed attribute for django-simple-history's admin page, never 'unsafe-inline'.
    assert policy["style-src-attr"] == ["'unsafe-hashes'", style_hash("border-top: 0")]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.fixture
def page_objects(personas):
    scored = self_score(personas["agent"])
    return [
        f"/interactions/{scored.interaction_id}/",
        f"/library/scripts/{Script.objects.filter(status='published').first().slug}/",
        f"/library/playbooks/{Playbook.objects.first().slug}/",
        f"/checklists/{Checklist.objects.filter(is_active=True).first().slug}/run/",
    ]


@pytest.fixture
def admin_pages():
    script = Script.objects.filter(status="published").first()
    return [
        "/admin/",
        "/admin/auth/user/",
        "/admin/axes/accessattempt/",
        "/admin/scripts_library/script/",
        f"/admin/scripts_library/script/{script.pk}/change/",
        # django-simple-history's page
        f"/admin/scripts_library/script/{script.pk}/history/",
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_main_pages_carry_the_csp_and_no_inline_code(
    client, personas, page_objects, admin_pages, persona
):
    if persona != "anonymous":
        client.force_login(personas[persona])
    pages = MAIN_PAGES + page_objects + (admin_pages if persona == "admin" else [])
    html_pages = 0
    for path in pages:
        response = client.get(path)
        assert response.status_code < 500, path
        if persona == "admin" and path.startswith("/admin/"):
            assert response.status_code == 200, path
        policy = directives(response["Content-Security-Policy"])
        assert "'unsafe-inline'" not in policy["script-src"], path
        assert "'unsafe-eval'" not in policy["script-src"], path
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            html_pages += 1
            assert inline_code(response.content.decode()) == [], path
    # Anonymous callers are mostly redirected to log in; the others see real pages.
    assert html_pages >= (2 if persona == "anonymous" else 10)


def test_swagger_start_up_script_is_served_as_a_file(client, agent):
    client.force_login(agent)
    page = client.get("/api/docs/").content.decode()
    assert '<script src="/api/docs/?script="' in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(client, agent):
    client.force_login(agent)
    page = client.get("/score/").content.decode()
    assert '"includeIndicatorStyles": false' in page
    assert '"allowEval": false' in page


def test_security_headers_on_every_page(client, agent):
    client.force_login(agent)
    for path in ["/", "/accounts/login/", "/healthz", "/api/v1/interactions/", "/no-such-page/"]:
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path
        policy = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
        for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
            assert policy[feature] == "()", (path, feature)
        assert "Content-Security-Policy" in response, path


@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_https_answers_carry_hsts_and_secure_samesite_cookies(client, agent):
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "correct-horse-battery-staple"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def production_env(**extra):
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "example.com",
        "DATABASE_URL": "postgres://ek:pw@db.example.com:5432/ethicskit",
        **extra,
    }


def run_in_production(code: str, **extra) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**production_env(**extra), "DJANGO_SETTINGS_MODULE": "ethicskit.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_production_settings_switch_on_hsts_and_secure_cookies():
    output = run_in_production(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_SAMESITE,"
        " s.CSRF_COOKIE_SAMESITE, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY)"
    )
    assert output.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "Lax",
        "Lax",
        "DENY",
        "same-origin",
    ]


def test_check_deploy_reports_nothing_with_a_real_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=settings.BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
