"""The score form in a real browser: a failed save shows its errors at the top, a 1 or 2 asks
for its comment at once, and Back-then-Save never records the interaction twice."""

import re

import pytest

from tests.conftest import make_user
from tests.e2e.conftest import E2E, NARROW, WIDE

pytestmark = E2E

RATINGS = {"empathy": 4, "accuracy": 2, "fairness": 3, "transparency": 4, "respect": 5}


def world():
    from teams.models import Team

    north = Team.objects.create(name="North")
    return make_user("alice", "Agent", team=north, first_name="Alice", last_name="Agent")


def fill_interaction(page, reference="ZD-90009"):
    page.fill("#id_reference", reference)
    page.select_option("#id_channel", "phone")
    page.fill("#id_topic", "Refund request")


IN_VIEW = """selector => {
    const box = document.querySelector(selector).getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
}"""


def in_view(page, selector) -> bool:
    """Whether the whole element is inside the viewport."""
    return page.evaluate(IN_VIEW, selector)


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280px", "375px"])
def test_a_2_without_its_comment_is_explained_at_once_and_atop_the_page(visit, viewport):
    from rubrics.models import Interaction

    alice = visit(world(), viewport=viewport)
    page = alice.go("/score/")
    fill_interaction(page)
    hint = page.locator("#id_comment_accuracy-hint")
    comment = page.locator("#id_comment_accuracy")
    assert hint.is_hidden() and comment.get_attribute("required") is None
    for key, value in RATINGS.items():
        page.check(f"input[name=rating_{key}][value='{value}']")
    # Picking the 2 says at once, beside the comment, that it needs one.
    assert hint.is_visible() and "needs a comment" in hint.inner_text()
    assert comment.get_attribute("required") is not None
    assert "id_comment_accuracy-hint" in comment.get_attribute("aria-describedby")
    page.check("input[name=rating_accuracy][value='3']")
    assert hint.is_hidden() and comment.get_attribute("required") is None
    page.check("input[name=rating_accuracy][value='2']")

    with page.expect_navigation():
        page.get_by_role("button", name="Save my score").click()
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    page.wait_for_function("() => document.activeElement.matches('[data-error-summary]')")
    assert in_view(page, "[data-error-summary]")
    assert page.evaluate("window.scrollY") < viewport["height"]
    assert "needs a comment" in summary.inner_text()
    alice.check()

    summary.get_by_role("link", name=re.compile("needs a comment")).click()
    page.wait_for_function("() => document.activeElement.id === 'id_comment_accuracy'")
    # Bootstrap scrolls smoothly: wait for the field to arrive.
    page.wait_for_function(IN_VIEW, arg="#id_comment_accuracy", timeout=3000)
    page.keyboard.type("Quoted the old price first.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my score").click()
    assert re.search(r"/interactions/\d+/$", page.url), page.url
    assert Interaction.objects.count() == 1


def test_back_then_save_does_not_record_the_interaction_twice(visit):
    from rubrics.models import Interaction

    alice = visit(world())
    page = alice.go("/score/")
    fill_interaction(page)
    for key, value in {**RATINGS, "accuracy": 4}.items():
        page.check(f"input[name=rating_{key}][value='{value}']")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my score").click()
    first_url = page.url
    assert re.search(r"/interactions/\d+/$", first_url)

    first_id = first_url.rstrip("/").rsplit("/", 1)[1]

    # Chromium fetches /score/ afresh (a new submission token) and puts the typed values back
    # into the fields: the form looks as it was, and Save used to record a second interaction.
    page.go_back()
    page.wait_for_url(re.compile(r"/score/$"))
    if page.input_value("#id_reference") != "ZD-90009":  # a browser that restores nothing
        fill_interaction(page)
        for key, value in {**RATINGS, "accuracy": 4}.items():
            page.check(f"input[name=rating_{key}][value='{value}']")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my score").click()
    assert re.search(r"/score/$", page.url), page.url
    summary = page.locator("[data-error-summary]")
    page.wait_for_function("() => document.activeElement.matches('[data-error-summary]')")
    assert "already scored ZD-90009" in summary.inner_text()
    assert summary.locator(f"a[href='/interactions/{first_id}/']").is_visible()
    assert summary.locator(f"a[href='/interactions/{first_id}/correct/']").is_visible()
    alice.check()
    assert Interaction.objects.count() == 1
    # "Correct that one" opens the existing correction flow for the first record.
    with page.expect_navigation():
        summary.locator(f"a[href='/interactions/{first_id}/correct/']").click()
    assert page.url.endswith(f"/interactions/{first_id}/correct/")


def test_back_then_save_of_a_restored_form_lands_on_the_first_record(visit):
    """The issue's case: the browser shows the filled form again (its own back-forward cache
    or form restoration), with the same submission token, and Save is pressed."""
    from rubrics.models import Interaction

    alice = visit(world())
    page = alice.go("/score/")
    fill_interaction(page)
    for key, value in {**RATINGS, "accuracy": 4}.items():
        page.check(f"input[name=rating_{key}][value='{value}']")
    token = page.input_value("input[name=submission_token]")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my score").click()
    first_url = page.url
    # Replay the very form the browser would restore: same fields, same token.
    page.go_back()
    page.wait_for_url(re.compile(r"/score/$"))
    page.evaluate(
        "token => document.querySelector('input[name=submission_token]').value = token", token
    )
    fill_interaction(page)
    for key, value in {**RATINGS, "accuracy": 4}.items():
        page.check(f"input[name=rating_{key}][value='{value}']")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my score").click()
    assert page.url == first_url
    message = page.get_by_role("alert").filter(has_text="You already saved this interaction")
    assert message.is_visible()
    assert "ZD-90009" in message.inner_text()
    alice.check()
    assert Interaction.objects.count() == 1
