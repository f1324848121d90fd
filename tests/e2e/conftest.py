"""The browser suite: Playwright drives Debian's Chromium against the app on a live server.

Without /usr/bin/chromium the suite is skipped with a message, unless E2E_REQUIRED=1 (CI),
which turns the missing browser into a failure.
"""

import os
from pathlib import Path

import pytest

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
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Visitor:
    """One person's browser tab, with the checks every page gets: no console errors,
    no serious or critical axe violations, no sideways scrolling at 375 px."""

    def __init__(self, browser, base_url, viewport=WIDE):
        self.context = browser.new_context(viewport=viewport, base_url=base_url)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        self.checked: set[str] = set()

    def login(self, username, password):
        from tests.conftest import PASSWORD

        self.page.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password or PASSWORD)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")
        if "/accounts/two-factor/" in self.page.url:
            self.pass_second_factor(username)
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

    def go(self, path):
        self.page.goto(path)
        self.check()
        return self.page

    def check(self):
        """Accessibility and layout checks, once per distinct page (path without query)."""
        from axe_playwright_python.sync_playwright import Axe

        key = self.page.url.split("?")[0].split("#")[0]
        assert not self.errors, f"Browser errors on {self.page.url}: {self.errors}"
        if key in self.checked:
            return
        self.checked.add(key)
        before = len(self.errors)
        results = Axe().run(self.page)
        # axe-core reads an @imported stylesheet (the admin's forms.css imports widgets.css)
        # through a <style> element of its own, which the strict CSP blocks: the checker's
        # error, not the page's.
        self.errors[before:] = [
            error for error in self.errors[before:] if AXE_STYLE_BLOCKED not in error
        ]
        serious = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + ", ".join(node["target"][0] for node in violation["nodes"][:3])
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert not serious, f"Accessibility problems on {self.page.url}: {serious}"

    def no_sideways_scroll(self, path):
        self.page.set_viewport_size(NARROW)
        self.page.goto(path)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        self.page.set_viewport_size(WIDE)
        assert width <= NARROW["width"], f"{path} scrolls sideways at 375 px ({width} px wide)"

    def screenshot(self, name, full_page=True):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, live_server):
    """visit(user) -> a logged-in Visitor; closed at the end of the test."""
    visitors = []

    def open_as(user=None, password=None, viewport=WIDE):
        visitor = Visitor(browser, live_server.url, viewport)
        visitors.append(visitor)
        if user is not None:
            visitor.login(user.username, password)
        return visitor

    yield open_as
    for visitor in visitors:
        visitor.close()
