"""The privacy guard in a real browser: an agent pastes a summary holding an IBAN and a UK
postcode into the self-score form, is told which kinds were found (masked) and where, and
finds the rest of the form as she left it."""

import pytest

from tests.conftest import make_user
from tests.e2e.conftest import E2E, WIDE

pytestmark = E2E

RATINGS = {"empathy": 4, "accuracy": 3, "fairness": 3, "transparency": 4, "respect": 5}
SUMMARY = (
    "Refund agreed for the broken kettle. Customer asked for it to go to "
    "GB82 WEST 1234 5698 7654 32 and said she lives near SW1A 1AA."
)


def world():
    from teams.models import Team

    north = Team.objects.create(name="North")
    return make_user("alice", "Agent", team=north, first_name="Alice", last_name="Agent")


@pytest.mark.parametrize("viewport", [WIDE], ids=["1280px"])
def test_a_pasted_iban_and_postcode_are_named_and_the_form_is_kept(visit, viewport):
    from rubrics.models import Interaction

    alice = visit(world(), viewport=viewport)
    page = alice.go("/score/")
    page.fill("#id_reference", "ZD-90026")
    page.select_option("#id_channel", "chat")
    page.fill("#id_topic", "Refund request")
    page.fill("#id_summary", SUMMARY)
    for key, value in RATINGS.items():
        page.check(f"input[name=rating_{key}][value='{value}']")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my score").click()

    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    text = summary.inner_text()
    # Which kinds, where, and only the last four characters of each.
    assert "Summary: This looks like it contains an IBAN ('…5432') and a postcode ('…A1AA')" in (
        text
    )
    assert "GB82" not in text and "SW1A" not in text
    alice.check()
    # Nothing was saved, and everything typed is still there to correct.
    assert Interaction.objects.count() == 0
    assert page.input_value("#id_reference") == "ZD-90026"
    assert page.input_value("#id_channel") == "chat"
    assert page.input_value("#id_topic") == "Refund request"
    assert page.input_value("#id_summary") == SUMMARY
    for key, value in RATINGS.items():
        assert page.is_checked(f"input[name=rating_{key}][value='{value}']")

    # With the details taken out, the same form saves.
    page.fill("#id_summary", "Refund agreed for the broken kettle, to the original card.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my score").click()
    assert Interaction.objects.count() == 1
