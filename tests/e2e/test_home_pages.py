"""Each role's home page at 1280 × 800: the day's work on one screen, the bar on one line; the
supervisor settles a dispute from "disputes to settle". Screenshots for the README's gallery."""

from tests.e2e import world
from tests.e2e.conftest import E2E

pytestmark = E2E

DAY = {"width": 1280, "height": 800}


def fits_one_screen(person, label):
    page = person.page
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= DAY["height"], f"{label}: {height} px tall at 1280 × 800"
    bar = page.locator("nav[aria-label='Main navigation'] .navbar-nav.me-auto")
    # One line of links: the bar is as tall as one of them.
    link = bar.locator(".nav-link").first.bounding_box()["height"]
    assert bar.bounding_box()["height"] <= link * 1.5, f"{label}: the navigation wraps"


def test_each_roles_home_fits_one_screen_and_leads_to_the_work(visit):
    w = world.build()
    people = w["people"]

    alice = visit(people["alice"], viewport=DAY)
    page = alice.go("/")
    fits_one_screen(alice, "alice /")
    assert page.get_by_test_id("agent-needs").get_by_role("link").count() >= 1
    alice.screenshot("agent-home", full_page=False)
    # The run made before a call waits with its one-click "score and attach".
    runs = page.get_by_test_id("unfinished-runs")
    assert "ZD-EARLY" in runs.inner_text()
    assert "Scripts your team uses most" in page.content()
    with page.expect_navigation():
        runs.get_by_role("link", name="Score the call and attach").first.click()
    assert f"/score/?reference=ZD-EARLY&attach={w['early_run']}" in page.url
    page = alice.go("/")
    page.fill("#home-search", "refund")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert "/library/search/?q=refund" in page.url

    sue = visit(people["sue"], viewport=DAY)
    page = sue.go("/")
    fits_one_screen(sue, "sue /")
    assert "Carl" in page.get_by_test_id("under-threshold").inner_text()
    sue.screenshot("supervisor-home", full_page=False)

    ada = visit(people["ada"], viewport=DAY)
    page = ada.go("/")
    fits_one_screen(ada, "ada /")
    assert "review coverage" in page.get_by_test_id("organisation-health").inner_text()
    ada.screenshot("admin-home", full_page=False)


def test_a_supervisor_settles_a_dispute_from_disputes_to_settle(visit):
    w = world.build()
    sue = visit(w["people"]["sue"])
    page = sue.go("/")
    with page.expect_navigation():
        page.get_by_test_id("disputes-to-settle").get_by_role("link").click()
    assert page.url.endswith("/disputes/")
    sue.check()
    sue.screenshot("disputes-to-settle")
    with page.expect_navigation():
        page.get_by_role("link", name="Settle the dispute on ZD-DISPUTED").click()
    sue.check()
    page.check("input[name=decision][value=rejected]")
    page.fill("#id_reason", "The offer went beyond the policy.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    assert page.locator("[data-testid=dispute-status]").inner_text() == "Rejected"
    page = sue.go("/disputes/")
    assert page.get_by_test_id("no-disputes").is_visible()
    page = sue.go("/reviews/given/?dispute=settled")
    assert "ZD-DISPUTED" in page.locator("main").inner_text()
    sue.screenshot("reviews-given")
