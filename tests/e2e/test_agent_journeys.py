"""Agents in a real browser: self-scoring (with the mouse and with the keyboard alone)."""

import re

from tests.conftest import make_user
from tests.e2e.conftest import E2E

pytestmark = E2E


def world():
    from teams.models import Team

    north = Team.objects.create(name="North")
    agent = make_user("alice", "Agent", team=north, first_name="Alice", last_name="Agent")
    supervisor = make_user("sue", "Supervisor", leads=[north], first_name="Sue", last_name="Lead")
    return agent, supervisor


def assert_live_total(page, score, percent, rated):
    """Wait for the live total to show exactly `score` and `percent`, then check them together
    with how many criteria it counts (htmx swaps the whole box, so it is looked up afresh)."""
    from playwright.sync_api import TimeoutError

    try:
        page.wait_for_function(
            "score => document.querySelector('[data-testid=live-score]')?.textContent.trim()"
            " === score",
            arg=score,
            timeout=5000,
        )
    except TimeoutError:
        pass  # the asserts below say what it shows instead
    box = page.locator("#score-total")
    assert box.locator("[data-testid=live-score]").inner_text() == score
    assert box.locator("[data-testid=live-percent]").inner_text() == percent
    assert f"{rated} criteria rated" in box.inner_text()


def test_an_agent_self_scores_and_finds_it_in_my_scores(visit):
    agent, _ = world()
    alice = visit(agent)
    page = alice.go("/")
    alice.screenshot("agent-home")
    page = alice.go("/score/")
    page.fill("#id_reference", "ZD-4821")
    page.select_option("#id_channel", "phone")
    page.fill("#id_topic", "Refund request")
    for key, value in {"empathy": 4, "accuracy": 5, "fairness": 3}.items():
        page.check(f"input[name=rating_{key}][value='{value}']")
    # Weights: empathy 25, accuracy 25, fairness 20, transparency 15, respect 15. Three rated:
    # (4×25 + 5×25 + 3×20) / 70 = 4.07, which is 76.8% of the way from 1 to 5.
    assert_live_total(page, "4.07", "76.8", "3 of 5")
    page.check("input[name=rating_transparency][value='4']")
    page.check("input[name=rating_respect][value='5']")
    # All five: (100 + 125 + 60 + 4×15 + 5×15) / 100 = 4.20, 80.0%.
    assert_live_total(page, "4.20", "80.0", "5 of 5")
    # Changing a rating moves the total at once: respect 5 -> 3 takes off 2×0.15.
    page.check("input[name=rating_respect][value='3']")
    assert_live_total(page, "3.90", "72.5", "5 of 5")
    page.check("input[name=rating_respect][value='5']")
    assert_live_total(page, "4.20", "80.0", "5 of 5")
    alice.screenshot("self-score")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my score").click()
    assert re.search(r"/interactions/\d+/$", page.url)
    alice.check()
    page = alice.go("/my/scores/")
    assert "ZD-4821" in page.content()
    alice.screenshot("my-scores")


def tab_to(page, test: str, limit: int = 40):
    """Press Tab until the focused element passes `test` (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def test_the_self_score_form_works_with_the_keyboard_alone(visit):
    agent, _ = world()
    alice = visit(agent)
    page = alice.go("/score/")
    tab_to(page, "el.id === 'id_channel'")
    page.keyboard.press("ArrowDown")
    tab_to(page, "el.id === 'id_reference'")
    page.keyboard.type("ZD-KEYS")
    tab_to(page, "el.id === 'id_topic'")
    page.keyboard.type("Billing question")
    for key in ("empathy", "accuracy", "fairness", "transparency", "respect"):
        tab_to(page, f"el.name === 'rating_{key}'")
        # Arrow keys move along a radio group and pick: from 1, three steps give a 4.
        for _ in range(3):
            page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=live-score]')?.textContent.trim() === '4.00'"
    )
    tab_to(page, "el.textContent.trim() === 'Save my score'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/interactions/\d+/$", page.url), page.url
    assert "ZD-KEYS" in page.content() and "4.00" in page.content()
