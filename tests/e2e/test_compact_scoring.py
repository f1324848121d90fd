"""The compact score form in a real browser: the levels collapse to the chosen one's words
(all of them on demand, by keyboard), the whole self-score fits in two screens at 1280×800
and one page without sideways scrolling at 375 px, and a reload keeps a half-finished score."""

from tests.conftest import make_user
from tests.e2e.conftest import E2E, NARROW

pytestmark = E2E

LAPTOP = {"width": 1280, "height": 800}
HEIGHT = "document.body.scrollHeight"


def shown_width(locator) -> float:
    """A level's words are kept for screen readers when collapsed: one clipped pixel wide."""
    return locator.evaluate("element => element.getBoundingClientRect().width")


def world():
    from teams.models import Team

    north = Team.objects.create(name="North")
    return make_user("alice", "Agent", team=north, first_name="Alice", last_name="Agent")


def test_the_levels_collapse_to_the_chosen_one_and_the_form_fits_two_screens(visit):
    alice = visit(world(), viewport=LAPTOP)
    page = alice.go("/score/")
    toggle = page.locator("fieldset[data-criterion=empathy] .criterion-tools button").first
    assert toggle.inner_text() == "Show all levels"
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate(HEIGHT) <= 2 * LAPTOP["height"], page.evaluate(HEIGHT)

    # Keyboard first: focus a level, arrow to the next; the chosen level's words show.
    page.focus("input[name=rating_empathy][value='3']")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert page.locator("input[name=rating_empathy][value='4']").is_checked()
    chosen = page.locator("#criterion-empathy-chosen")
    picked = page.locator("input[name=rating_empathy]:checked")
    label = picked.evaluate("input => input.labels[0].textContent")
    assert chosen.is_visible() and chosen.inner_text().strip() in label
    assert shown_width(page.locator("label[for=id_rating_empathy_0] .level-text")) <= 1
    # Every level's words on demand, and back.
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert shown_width(page.locator("#criterion-empathy-levels .level-text").nth(0)) > 100
    assert chosen.is_hidden()
    alice.check("/score/ with every level of one criterion shown")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert shown_width(page.locator("#criterion-empathy-levels .level-text").nth(0)) <= 1
    # A typical score, every criterion rated, still fits two screens.
    for key in ("fairness", "transparency", "respect"):
        page.check(f"input[name=rating_{key}][value='4']")
    assert page.evaluate(HEIGHT) <= 2 * LAPTOP["height"], page.evaluate(HEIGHT)


def test_the_phone_page_has_no_sideways_scroll(visit):
    alice = visit(world(), viewport=NARROW)
    page = alice.go("/score/")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    for key in ("empathy", "accuracy", "fairness", "transparency", "respect"):
        page.check(f"input[name=rating_{key}][value='4']")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_a_reload_keeps_a_half_finished_score_until_it_is_saved(visit):
    from rubrics.models import Interaction

    alice = visit(world(), viewport=LAPTOP)
    page = alice.go("/score/")
    page.fill("#id_reference", "ZD-4242")
    page.select_option("#id_channel", "chat")
    page.fill("#id_topic", "Refund request")
    page.check("input[name=rating_empathy][value='5']")
    page.check("input[name=rating_accuracy][value='2']")
    page.fill("#id_comment_accuracy", "Quoted the old price.")
    page.reload()
    assert page.input_value("#id_reference") == "ZD-4242"
    assert page.input_value("#id_channel") == "chat"
    assert page.locator("input[name=rating_empathy][value='5']").is_checked()
    assert page.locator("input[name=rating_accuracy][value='2']").is_checked()
    assert page.input_value("#id_comment_accuracy") == "Quoted the old price."
    assert page.get_by_role("status").filter(has_text="brought back").is_visible()
    # The restored 2 asks for its comment, as a picked one does.
    assert page.locator("#id_comment_accuracy").get_attribute("required") is not None
    alice.check("/score/ restored after a reload")
    for key in ("fairness", "transparency", "respect"):
        page.check(f"input[name=rating_{key}][value='4']")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my score").click()
    assert Interaction.objects.filter(reference="ZD-4242").count() == 1
    # Saved: the next score starts empty.
    page = alice.go("/score/")
    assert page.input_value("#id_reference") == ""
    assert not page.locator("input[name=rating_empathy][value='5']").is_checked()
    drafts = page.evaluate("Object.keys(sessionStorage)")
    assert [key for key in drafts if key.startswith("ethicskit:")] == [
        next(key for key in drafts if key.startswith("ethicskit:score-draft:"))
    ]  # only the new, empty draft


def test_the_draft_is_kept_under_the_user_and_the_page(visit):
    """Someone else signing in on the same tab finds nothing of Alice's under their key."""
    alice = visit(world(), viewport=LAPTOP)
    page = alice.go("/score/")
    keys = [k for k in page.evaluate("Object.keys(sessionStorage)") if k.startswith("ethicskit:")]
    from django.contrib.auth import get_user_model

    pk = get_user_model().objects.get(username="alice").pk
    assert keys == [f"ethicskit:score-draft:{pk}:/score/"]


def test_a_comment_box_opens_on_demand_and_for_a_rating_that_needs_one(visit):
    alice = visit(world(), viewport=LAPTOP)
    page = alice.go("/score/")
    assert page.locator("#id_comment_empathy").is_hidden()
    page.locator("fieldset[data-criterion=empathy]").get_by_role(
        "button", name="Add a comment"
    ).click()
    assert page.evaluate("document.activeElement.id") == "id_comment_empathy"
    assert page.locator("#id_comment_accuracy").is_hidden()
    page.check("input[name=rating_accuracy][value='2']")
    assert page.locator("#id_comment_accuracy").is_visible()
