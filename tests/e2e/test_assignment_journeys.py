"""A team lead in a real browser: this week's assignments and their progress."""

from tests.conftest import RATINGS, make_user, review, self_score
from tests.e2e.conftest import E2E

pytestmark = E2E


def test_a_supervisor_sees_this_weeks_assignments_and_progress(visit):
    from qa.services import assignment_rule_set, assignments_top_up
    from teams.models import Team

    north = Team.objects.create(name="North")
    alice = make_user("alice", "Agent", team=north, first_name="Alice", last_name="Agent")
    carl = make_user("carl", "Agent", team=north, first_name="Carl", last_name="Caller")
    sue = make_user("sue", "Supervisor", leads=[north], first_name="Sue", last_name="Lead")
    scored = [
        self_score(person, RATINGS, reference=f"ZD-{person.username}-{n}", days_ago=0)
        for person in (alice, carl)
        for n in range(3)
    ]
    assignment_rule_set(team=north, per_agent=2, period="week")
    assert assignments_top_up() == 4
    first = sue.assignments.filter(agent=alice).order_by("id").first()
    review(first.interaction, sue)
    assert {evaluation.interaction_id for evaluation in scored} >= {first.interaction_id}

    person = visit(sue)
    page = person.go("/assignments/")
    progress = page.get_by_test_id("assignment-progress").inner_text()
    assert progress.startswith("1 of 4"), progress
    rows = {
        row.inner_text().split("\t")[0]: row.inner_text()
        for row in page.get_by_test_id("progress-row").all()
    }
    assert set(rows) == {"Alice Agent", "Carl Caller"}
    assert page.get_by_test_id("assignment-row").count() == 3
    person.screenshot("my-assignments")
    # The first open one leads to its blind review page.
    page.get_by_test_id("assignment-row").first.get_by_role("link").click()
    page.wait_for_url("**/review/")
    assert "Review" in page.locator("h1").inner_text()
