"""My assignments, the review queue and the assignment rules on a 375 px phone: every control
is whole and on the screen, nothing is reached by scrolling sideways."""

import pytest

from tests.conftest import make_user
from tests.e2e.conftest import E2E, NARROW

pytestmark = E2E


def world():
    from datetime import timedelta

    from django.utils import timezone

    from qa.services import assignment_rule_set, assignments_sample
    from rubrics.recording import interaction_record
    from teams.models import Team

    north = Team.objects.create(name="North")
    make_user("alice", "Agent", team=north, first_name="Alice", last_name="Agent")
    sue = make_user("sue", "Supervisor", leads=[north], first_name="Sue", last_name="Lead")
    make_user("dana", "Supervisor", leads=[north], first_name="Dana", last_name="Whitfield")
    for n in range(3):
        interaction_record(
            recorder=sue,
            agent_username="alice",
            interaction_fields={
                "occurred_at": timezone.now() - timedelta(hours=n + 1),
                "channel": "email",
                "reference": f"ZD-4821-{n}",
                "topic": "A refund that took longer than promised",
            },
        )
    assignment_rule_set(team=north, per_agent=1, period="week")
    assignments_sample(teams=[north], per_agent=1, reviewer=sue)
    return sue


def on_screen(locator):
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], box
    return box


@pytest.mark.parametrize("path", ["/assignments/", "/reviews/", "/assignments/rules/"])
def test_the_assignment_pages_fit_a_375px_screen(visit, path, tmp_path):
    person = visit(world(), viewport=NARROW)
    page = person.go(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    if path == "/assignments/":
        row = page.get_by_test_id("assignment-row").first
        assert on_screen(row.get_by_role("textbox"))["width"] >= 150
        select = row.get_by_role("combobox")
        assert on_screen(select)["width"] >= 120 and select.input_value()
        for name in ("Reassign", "Skip"):
            on_screen(row.get_by_role("button", name=name))
    if path == "/reviews/":
        for link in page.get_by_role("link", name="Review").all():
            on_screen(link)
    page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
