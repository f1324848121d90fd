"""Supervisors and agents in a real browser: blind review, acknowledgement, dispute, dashboard."""

import re

from tests.conftest import RATINGS, make_user, self_score
from tests.e2e.conftest import E2E

pytestmark = E2E


def world():
    from teams.models import Team

    north = Team.objects.create(name="North")
    agent = make_user("alice", "Agent", team=north, first_name="Alice", last_name="Agent")
    supervisor = make_user("sue", "Supervisor", leads=[north], first_name="Sue", last_name="Lead")
    first = self_score(agent, RATINGS, reference="ZD-FIRST", days_ago=2).interaction
    second = self_score(
        agent, {**RATINGS, "empathy": 5}, reference="ZD-SECOND", days_ago=1
    ).interaction
    return agent, supervisor, first, second


def self_figures(interaction) -> list[str]:
    """The agent's own score and percent as the pages print them, e.g. ['4.45', '86.3%']."""
    from rubrics.models import Evaluation

    own = Evaluation.objects.get(interaction=interaction, kind="self", is_current=True)
    return [f"{own.score}", f"{own.percent}%"]


def assert_blind(page, interaction):
    """Nothing of the agent's own score is on the page: neither its total nor its percent,
    nor a rating of it shown or picked."""
    text = page.locator("main").inner_text()
    shown = [figure for figure in self_figures(interaction) if figure in text]
    assert not shown, f"The self-score shows before the review: {shown}"
    assert page.locator("main input[type=radio]:checked").count() == 0


def review_in_browser(page, interaction, empathy):
    page.goto(f"/interactions/{interaction.pk}/")
    assert "Review it now" in page.content()
    assert_blind(page, interaction)
    with page.expect_navigation():
        page.get_by_role("link", name="Review it now").click()
    assert_blind(page, interaction)
    for key, value in {**RATINGS, "empathy": empathy, "fairness": 2}.items():
        page.check(f"input[name=rating_{key}][value='{value}']")
    page.fill("#id_comment_fairness", "Promised a date we cannot keep.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my review").click()
    # Once reviewed, the agent's own score is there beside the review.
    text = page.locator("main").inner_text()
    assert all(figure in text for figure in self_figures(interaction)), self_figures(interaction)


def test_blind_review_acknowledgement_and_dispute(visit):
    agent, supervisor, first, second = world()
    sue = visit(supervisor)
    page = sue.go("/reviews/")
    assert "ZD-FIRST" in page.content() and "ZD-SECOND" in page.content()
    sue.screenshot("review-queue")
    review_in_browser(page, first, empathy=4)
    sue.check()
    assert page.locator("[data-testid=gap-fairness]").inner_text() == "+1"
    page.fill("#id_body", "Warm and clear. Check the refund policy before giving a date.")
    with page.expect_navigation():
        page.get_by_role("button", name="Add coaching").click()
    assert "Coaching comment added" in page.content()
    sue.screenshot("review-side-by-side")
    review_in_browser(page, second, empathy=3)

    alice = visit(agent)
    page = alice.go("/")
    assert "<strong>2</strong> unread reviews" in page.content()
    page = alice.go("/my/reviews/")
    with page.expect_navigation():
        page.get_by_role("link", name="ZD-FIRST").click()
    alice.check()
    assert "Check the refund policy" in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Acknowledge the review").click()
    assert "the review is acknowledged" in page.content()

    page.goto(f"/interactions/{second.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Dispute the review").click()
    alice.check()
    page.select_option("#id_propose_empathy", "5")
    page.fill("#id_reason", "I stayed with the caller until the refund was booked.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the dispute").click()
    assert page.locator("[data-testid=dispute-status]").inner_text() == "Open"

    page = sue.go("/")
    assert "1 dispute" in page.locator("[data-testid=disputes-to-settle]").inner_text()
    page = sue.go(f"/interactions/{second.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Settle this dispute").click()
    sue.check()
    page.check("input[name=decision][value=partly_accepted]")
    page.select_option("#id_final_empathy", "4")
    page.fill("#id_reason", "You stayed, but the hold was long.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    assert page.locator("[data-testid=dispute-status]").inner_text() == "Partly accepted"
    assert "Partly accepted the dispute: Empathy 3 → 4" in page.content()


def test_a_supervisor_filters_the_dashboard_and_downloads_the_csv(visit):
    agent, supervisor, first, second = world()
    from tests.conftest import review

    review(first, supervisor)
    sue = visit(supervisor)
    page = sue.go("/dashboard/")
    page.wait_for_function("() => document.querySelector('#score-trend')?.offsetHeight > 0")
    sue.screenshot("team-dashboard")
    page.select_option("#id_agent", str(agent.pk))
    page.fill("#id_threshold", "90")
    with page.expect_navigation():
        page.click("form[aria-label='Dashboard filters'] button[type=submit]")
    assert re.search(r"agent=\d+", page.url) and "threshold=90" in page.url
    sue.check()
    assert "Under 90.0%" in page.content()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    lines = open(download.path(), encoding="utf-8").read().splitlines()
    assert lines[0].startswith("evaluation_id,interaction_id,reference")
    # The reviewed interaction's self-score and review; the unreviewed self-score stays hidden.
    assert len(lines) == 1 + 2
    assert all(",alice," in line for line in lines[1:])


def test_a_supervisor_records_and_reviews_an_interaction_never_self_scored(visit):
    """supervisor1 records an interaction agent3 never self-scored, reviews it, and agent3
    reads the review in My reviews; the ticket can no longer be self-scored."""
    from rubrics.models import Evaluation
    from teams.models import Team

    north = Team.objects.create(name="Team North")
    agent3 = make_user("agent3", "Agent", team=north, first_name="Agnes", last_name="Third")
    supervisor1 = make_user(
        "supervisor1", "Supervisor", leads=[north], first_name="Sue", last_name="Lead"
    )
    agent = visit(agent3)
    page = agent.go("/")
    assert page.locator("#bell [data-testid=bell-count]").count() == 0

    lead = visit(supervisor1)
    page = lead.go("/reviews/")
    with page.expect_navigation():
        page.get_by_role("link", name="Record an interaction to review").click()
    lead.check()
    page.select_option("#id_agent", "agent3")
    page.select_option("#id_channel", "chat")
    page.fill("#id_reference", "ZD-UNSCORED")
    page.fill("#id_topic", "Delivery delay")
    with page.expect_navigation():
        page.get_by_role("button", name="Record and review").click()
    assert "Recorded ZD-UNSCORED. Now review it." in page.content()
    assert "the current version" in page.content()
    lead.check()
    for key, value in {**RATINGS, "fairness": 2}.items():
        page.check(f"input[name=rating_{key}][value='{value}']")
    page.fill("#id_comment_fairness", "Offered the credit only when asked.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my review").click()
    main = page.locator("main").inner_text()
    assert "Not self-scored" in main and "Sue Lead, for review" in main
    review = Evaluation.objects.get(interaction__reference="ZD-UNSCORED")
    assert page.locator("[data-testid=review-score]").inner_text().startswith(f"{review.score}")
    assert page.locator("[data-testid=gap-fairness]").inner_text() == "—"
    lead.check()

    # agent3's bell counts the new review; the inbox leads to it.
    page = agent.go("/")
    assert page.locator("#bell [data-testid=bell-count]").inner_text() == "1"
    with page.expect_navigation():
        page.locator("#bell").click()
    agent.check()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("reviewed")).first.click()
    assert page.url.endswith(f"/interactions/{review.interaction_id}/")
    assert "Offered the credit only when asked." in page.content()
    assert page.locator("#bell [data-testid=bell-count]").count() == 0

    # Opened from the inbox, the review counts as read: it now waits for acknowledgement.
    page = agent.go("/my/reviews/")
    row = page.locator("[data-testid=review-row]", has_text="ZD-UNSCORED")
    text = row.inner_text()
    assert "Waiting for you" in text and "New" not in text
    assert f"{review.score} · {review.percent}%" in text
    with page.expect_navigation():
        row.get_by_role("link", name="ZD-UNSCORED").click()
    agent.check()
    assert "Offered the credit only when asked." in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Acknowledge the review").click()
    assert "the review is acknowledged" in page.content()

    # The decision: once reviewed, the agent's own score of that ticket is refused.
    page = agent.go("/score/?reference=ZD-UNSCORED")
    assert page.input_value("#id_reference") == "ZD-UNSCORED"
    page.select_option("#id_channel", "chat")
    page.fill("#id_topic", "Delivery delay")
    for key, value in RATINGS.items():
        page.check(f"input[name=rating_{key}][value='{value}']")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my score").click()
    main = page.locator("main").inner_text()
    assert "can no longer be self-scored" in main, main[:600]
    assert not Evaluation.objects.filter(kind="self").exists()
    agent.check()
