"""Calibration in a real browser: three leaders score a two-interaction session blind, see the
side-by-side table and alpha once the last has scored, and the agreed rating becomes a worked
example on the scoring page."""

from datetime import timedelta

from django.utils import timezone

from tests.conftest import RATINGS, make_user, self_score
from tests.e2e.conftest import E2E

pytestmark = E2E


def world():
    from calibration.services import calibration_session_open
    from teams.models import Role, Team

    north, south = Team.objects.create(name="North"), Team.objects.create(name="South")
    alice = make_user("alice", Role.AGENT, team=north, first_name="Alice", last_name="Agent")
    people = {
        "supervisor1": make_user("supervisor1", Role.SUPERVISOR, leads=[north], first_name="Sam"),
        "supervisor2": make_user("supervisor2", Role.SUPERVISOR, leads=[south], first_name="Dana"),
        "admin": make_user("admin", Role.ADMIN, is_staff=True, first_name="Ada"),
    }
    interactions = [
        self_score(alice, RATINGS, reference=f"ZD-CAL-{n}", days_ago=n).interaction for n in (1, 2)
    ]
    session = calibration_session_open(
        facilitator=people["admin"],
        interaction_ids=[each.pk for each in interactions],
        participant_usernames=list(people),
        deadline=timezone.now() + timedelta(days=2),
    )
    return alice, people, interactions, session


def score_in_browser(person, session, interaction, fairness):
    page = person.go(f"/calibrations/{session.pk}/")
    assert "Blind until" in page.locator("main").inner_text()
    assert page.locator("[data-testid=side-by-side]").count() == 0
    with page.expect_navigation():
        page.get_by_role("link", name=f"Score {interaction.reference}").click()
    # The agent's own score is nowhere on the page, nor any rating picked for the participant.
    assert page.locator("main input[type=radio]:checked").count() == 0
    for key, value in {**RATINGS, "fairness": fairness}.items():
        page.check(f"input[name=rating_{key}][value='{value}']")
    if fairness <= 2:
        page.fill("#id_comment_fairness", "The refund was refused without the options.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my calibration score").click()


def test_three_leaders_calibrate_and_agree(visit):
    alice, people, interactions, session = world()
    visitors = {name: visit(user) for name, user in people.items()}
    fairness = {"supervisor1": 3, "supervisor2": 2, "admin": 4}
    for name, person in visitors.items():
        for interaction in interactions:
            score_in_browser(person, session, interaction, fairness[name])
    for person in visitors.values():
        page = person.go(f"/calibrations/{session.pk}/")
        assert page.locator("[data-testid=side-by-side]").count() == 2
        alpha = page.locator("[data-testid=alpha]").inner_text()
        assert "Krippendorff's alpha" in alpha
    admin = visitors["admin"]
    page = admin.page
    first = interactions[0]
    page.select_option(f"#agree-{first.pk}-fairness", "3")
    page.fill(f"#note-{first.pk}-fairness", "The standard refund was offered, no more was owed.")
    with page.expect_navigation():
        page.locator(f"#note-{first.pk}-fairness").press("Enter")
    admin.check(label="agreed rating recorded")
    agent = visit(alice)
    scoring = agent.go("/score/")
    scoring.get_by_text("Worked examples (1)").click()
    text = scoring.locator("main").inner_text()
    assert "The standard refund was offered, no more was owed." in text
    assert first.reference in text
