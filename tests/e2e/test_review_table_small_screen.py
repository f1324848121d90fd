"""The self-score and review side by side on a 375 px phone: every note wraps inside the screen,
neither cut off at its edge nor reached by scrolling sideways."""

import pytest

from tests.conftest import RATINGS, make_user
from tests.e2e.conftest import E2E, NARROW

pytestmark = E2E

REVIEW_NOTE = (
    "Promised the refund by Friday without checking the policy first; the policy says ten "
    "working days, so the customer will call back upset. Next time read the refund rules "
    "aloud before giving any date, and note the ticket ZD-4821-REFUND-ESCALATION in the log."
)
SELF_NOTE = "I said the refund would take a while and apologised for the wait twice."

# The first box around the element (itself included) that cuts off or scrolls sideways content
# wider than itself, or null.
CUT_OR_SCROLLED = """element => {
    for (let box = element; box && box !== document.documentElement; box = box.parentElement) {
        const clips = getComputedStyle(box).overflowX !== "visible";
        if (clips && box.scrollWidth > box.clientWidth) {
            return `${box.tagName.toLowerCase()}.${box.className}: ${box.scrollWidth} px of content in ${box.clientWidth} px`;
        }
    }
    return null;
}"""


def world():
    from datetime import timedelta

    from django.utils import timezone

    from rubrics.models import Rubric
    from rubrics.services import interaction_self_score, review_submit
    from teams.models import Team

    north = Team.objects.create(name="North")
    agent = make_user("alice", "Agent", team=north, first_name="Alice", last_name="Agent")
    supervisor = make_user("sue", "Supervisor", leads=[north], first_name="Sue", last_name="Lead")
    ratings = {**RATINGS, "fairness": 2}
    interaction = interaction_self_score(
        agent=agent,
        rubric=Rubric.objects.current(),
        interaction_fields={
            "occurred_at": timezone.now() - timedelta(days=1),
            "channel": "phone",
            "reference": "ZD-4821",
            "topic": "Refund request",
            "summary": "",
        },
        ratings=ratings,
        comments={"fairness": SELF_NOTE},
    ).interaction
    review_submit(
        interaction=interaction,
        reviewer=supervisor,
        ratings=ratings,
        comments={"fairness": REVIEW_NOTE},
    )
    return agent, supervisor, interaction


@pytest.mark.parametrize("who", ["agent", "supervisor"])
def test_the_notes_beside_the_review_wrap_inside_a_375px_screen(visit, who):
    agent, supervisor, interaction = world()
    person = visit({"agent": agent, "supervisor": supervisor}[who], viewport=NARROW)
    page = person.go(f"/interactions/{interaction.pk}/")

    for text in (REVIEW_NOTE, SELF_NOTE):
        note = page.get_by_text(text)
        assert note.is_visible()
        box = note.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], (text[:20], box)
        assert note.evaluate("element => element.scrollWidth <= element.clientWidth")
        assert note.evaluate(CUT_OR_SCROLLED) is None
    # The notes wrap onto several lines rather than running off the side.
    line_height = page.get_by_text(REVIEW_NOTE).evaluate(
        "element => parseFloat(getComputedStyle(element).lineHeight)"
    )
    assert page.get_by_text(REVIEW_NOTE).bounding_box()["height"] > 2 * line_height
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
