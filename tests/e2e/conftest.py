"""The browser suite: Playwright drives Debian's Chromium against the app on a live server.

Without /usr/bin/chromium the suite is skipped with a message, unless E2E_REQUIRED=1 (CI),
which turns the missing browser into a failure.
"""

import os
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NARROW = {"width": 375, "height": 800}
WIDE = {"width": 1280, "height": 900}
AXE_STYLE_BLOCKED = "Applying inline style violates the following Content Security Policy"


# Each journey module says: pytestmark = E2E. The live server needs committed data, so the
# tests are transactional; serialized rollback restores the migrations' content after each.
E2E = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser(live_server):
    if not os.path.exists(CHROMIUM):
        message = f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(message + " E2E_REQUIRED=1, so this is a failure, not a skip.")
        pytest.skip(message + " Skipping the browser suite.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test thread while it runs, and the
    # test's own ORM calls are plain synchronous code: allow them for the test's duration only.
    # The browser starts after the database is set up and stops before it is flushed, because
    # with a loop running Django would pick another connection object (asgiref's Local) and
    # miss the serialized copy it restores between transactional tests.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
            # The test's ORM calls under the loop opened connections of their own: close them
            # here, or they outlive the test database.
            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Visitor:
    """One person's browser tab, with the checks every page state gets: no console errors or
    uncaught exceptions, no serious or critical axe violations at 1280 px and at 375 px, and no
    sideways scrolling at 375 px.

    A page state is a path with its query string (or a label naming what was done on the page);
    each is scanned once per width per person in a test. Errors are collected from every page of
    the context until it closes, so an error after the test's last check still fails the test
    (see `close` and the `visit` fixture).
    """

    def __init__(self, browser, base_url, viewport=WIDE):
        self.context = browser.new_context(viewport=viewport, base_url=base_url)
        self.base_url = base_url
        self.viewport = viewport
        self.errors: list[str] = []
        self.scanned: set[tuple] = set()
        self.closed = False
        self.who = "anonymous"
        # Console messages a page is expected to log: Chromium reports a document answered
        # with an error status (a 404 page asked for on purpose) as a failed resource.
        self.expected_statuses: dict[str, int] = {}
        self.axe_running = False
        self.watched: set[int] = set()
        self.context.on("page", self.watch)
        self.page = self.context.new_page()
        self.watch(self.page)

    def watch(self, page):
        if id(page) in self.watched:
            return
        self.watched.add(id(page))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self.on_console(page, message))

    def on_console(self, page, message):
        if message.type != "error":
            return
        text = message.text
        # axe-core reads an @imported stylesheet (the admin's forms.css imports widgets.css)
        # through a <style> element of its own, which the strict CSP blocks: the checker's
        # error, not the page's.
        if self.axe_running and AXE_STYLE_BLOCKED in text:
            return
        location = (message.location or {}).get("url", "")
        status = self.expected_statuses.get(location)
        if status is not None and f"status of {status}" in text:
            return
        self.errors.append(f"{page.url}: {text}")

    def login(self, username, password=None):
        from tests.conftest import PASSWORD

        self.page.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password or PASSWORD)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")
        if "/accounts/two-factor/" in self.page.url:
            self.pass_second_factor(username)
        self.who = username
        return self

    def pass_second_factor(self, username):
        """The second step for people who need it: set up an authenticator from the key the
        page shows (then continue past the recovery codes), or enter the current code."""
        from base64 import b32decode

        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tests.conftest import totp_code

        if "/setup/" in self.page.url:
            secret = self.page.text_content("[data-testid=totp-secret]").replace(" ", "")
            key = b32decode(secret)
        else:
            key = bytes.fromhex(TOTPDevice.objects.get(user__username=username).key)
        self.page.fill("#id_code", totp_code(key))
        with self.page.expect_navigation():
            self.page.click("form:has(#id_code) button[type=submit]")
        if self.page.locator("[data-testid=recovery-codes]").count():
            with self.page.expect_navigation():
                self.page.click("text=I have saved them, continue")

    def go(self, path, status=200):
        """Open `path`, expect `status`, and check the page."""
        if status != 200:
            self.expected_statuses[urljoin(self.base_url, path)] = status
        response = self.page.goto(path)
        assert response is not None and response.status == status, (
            f"{path} answered {response.status if response else None}, expected {status}"
        )
        self.check()
        return self.page

    def state(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def assert_no_errors(self):
        errors, self.errors[:] = list(self.errors), []
        assert not errors, f"Browser errors ({self.who}): {errors}"

    def check(self, label=None):
        """No errors so far; then, unless this state was scanned already, axe at both widths
        and no sideways scrolling at 375 px."""
        self.assert_no_errors()
        state = label or self.state()
        problems = []
        for viewport in (self.viewport, NARROW if self.viewport != NARROW else WIDE):
            key = (self.who, state, viewport["width"])
            if key in self.scanned:
                continue
            self.scanned.add(key)
            if viewport != self.viewport:
                self.resize(viewport)
            try:
                problems += self.scan(viewport)
            finally:
                if viewport != self.viewport:
                    self.resize(self.viewport)
        assert not problems, f"Problems on {state} ({self.who}): {problems}"
        self.assert_no_errors()

    def resize(self, viewport):
        """Change the width and wait until the page has laid itself out again (charts redraw
        on the next frames)."""
        self.page.set_viewport_size(viewport)
        self.page.evaluate(
            "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )

    def scan(self, viewport) -> list[str]:
        from axe_playwright_python.sync_playwright import Axe

        width = viewport["width"]
        self.axe_running = True
        try:
            results = Axe().run(self.page)
            # Let the console messages of the run arrive while they are still the checker's.
            self.page.evaluate("0")
        finally:
            self.axe_running = False
        problems = [
            f"{width} px: {violation['id']} ({violation['impact']}): {violation['help']} — "
            + ", ".join(str(node["target"][0]) for node in violation["nodes"][:3])
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        if viewport == NARROW:
            scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > NARROW["width"]:
                problems.append(f"375 px: scrolls sideways ({scroll_width} px wide)")
        return problems

    def no_sideways_scroll(self, path):
        self.page.set_viewport_size(NARROW)
        self.page.goto(path)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        self.page.set_viewport_size(self.viewport)
        assert width <= NARROW["width"], f"{path} scrolls sideways at 375 px ({width} px wide)"

    def screenshot(self, name, full_page=True):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    def close(self) -> list[str]:
        """Let every open page settle, close the context, and return the errors not yet
        reported (those that came after the last check)."""
        from playwright.sync_api import Error

        if self.closed:
            return []
        for page in self.context.pages:
            try:
                page.wait_for_load_state("networkidle", timeout=3000)
                page.evaluate("0")  # a round trip: the page's messages so far have arrived
            except Error:
                pass  # a page still busy is closed as it is; its errors so far count
        self.context.close()
        self.closed = True
        errors, self.errors[:] = list(self.errors), []
        return errors


@pytest.fixture
def visit(browser, live_server):
    """visit(user) -> a logged-in Visitor (anonymous without a user). At the end of the test
    every visitor's pages close, and any console error or uncaught exception they logged since
    the last check fails the test."""
    visitors = []

    def open_as(user=None, password=None, viewport=WIDE):
        visitor = Visitor(browser, live_server.url, viewport)
        visitors.append(visitor)
        if user is not None:
            visitor.login(user.username, password)
        return visitor

    yield open_as
    late = [f"{visitor.who}: {error}" for visitor in visitors for error in visitor.close()]
    if late:
        pytest.fail(f"Browser errors before the pages closed: {late}")
