"""Checking before acting, in a real browser: the agent runs the checklist before a call and
attaches it when scoring the call; the supervisor reads its "no" note while reviewing and
follows the linked script."""

import re

from tests.conftest import make_user
from tests.e2e.conftest import E2E

pytestmark = E2E

NOTE = "Promised a callback tomorrow before checking the rota."


def _people():
    from teams.models import Team

    north = Team.objects.create(name="North")
    agent = make_user("alice", "Agent", team=north, first_name="Alice")
    supervisor = make_user("sue", "Supervisor", leads=[north], first_name="Sue")
    return agent, supervisor


def test_an_agent_checks_before_a_call_then_scores_it_and_attaches_the_run(visit):
    from checklists.models import ChecklistRun

    agent, _ = _people()
    alice = visit(agent)
    page = alice.go("/checklists/interaction-ethics/run/")
    page.fill("#id_ticket_reference", "ZD-BEFORE")
    for fieldset in page.locator("main fieldset").all():
        fieldset.locator("input[value=yes]").check()
    fairness = page.locator("main fieldset", has_text="Fairness").first
    fairness.locator("input[value=no]").check()
    fairness.locator("textarea").fill(NOTE)
    with page.expect_navigation():
        page.get_by_role("button", name="Save this run").click()
    run = ChecklistRun.objects.get()
    assert run.interaction is None and run.ticket_reference == "ZD-BEFORE"
    assert "not attached to an interaction yet" in page.content()
    alice.check()
    alice.screenshot("checklist-before-acting")

    with page.expect_navigation():
        page.get_by_role("link", name="Score the call and attach this run").click()
    assert page.locator(f"#attach-run-{run.pk}").is_checked()
    page.select_option("#id_channel", "phone")
    page.fill("#id_topic", "Callback request")
    for key in ("empathy", "accuracy", "fairness", "transparency", "respect"):
        page.check(f"input[name=rating_{key}][value='4']")
    alice.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save my score").click()
    assert re.search(r"/interactions/\d+/$", page.url)
    run.refresh_from_db()
    assert run.interaction is not None and run.interaction.reference == "ZD-BEFORE"
    runs = page.locator("[data-testid=interaction-checklist-runs]")
    assert NOTE in runs.inner_text()
    alice.check()


def test_a_supervisor_reads_the_no_note_while_reviewing_and_follows_the_script(visit):
    from checklists.models import Checklist
    from checklists.services import checklist_run_attach, checklist_run_create
    from scripts_library.models import Script
    from tests.conftest import self_score

    agent, supervisor = _people()
    checklist = Checklist.objects.get(slug="interaction-ethics")
    run = checklist_run_create(
        checklist=checklist,
        runner=agent,
        ticket_reference="ZD-REVIEW",
        answers={
            item.id: ("no", NOTE) if item.title in ("Fairness", "Reporting") else ("yes", "")
            for item in checklist.items.filter(is_active=True)
        },
    )
    interaction = self_score(agent, reference="ZD-REVIEW").interaction
    checklist_run_attach(run=run, interaction=interaction, user=agent)
    script = (
        Script.objects.published()
        .filter(checklist_items__title="Fairness", checklist_items__checklist=checklist)
        .order_by("title")
        .first()
    )

    sue = visit(supervisor)
    page = sue.go(f"/interactions/{interaction.pk}/review/")
    runs = page.locator("[data-testid=interaction-checklist-runs]")
    assert NOTE in runs.inner_text()
    # Blind review: the agent's score stays hidden; the checklist does not.
    assert page.locator("[data-testid=self-score]").count() == 0
    assert runs.locator("[data-testid=raise-concern]").count() == 1  # Reporting only
    sue.check()
    sue.screenshot("review-with-checklist-run")
    with page.expect_navigation():
        runs.get_by_role("link", name=script.title).first.click()
    assert page.url.endswith(f"/library/scripts/{script.slug}/")
    sue.check()

    page = sue.go(f"/interactions/{interaction.pk}/review/")
    with page.expect_navigation():
        page.locator("[data-testid=raise-concern]").click()
    assert page.locator("input[value=violation]").is_checked()
    description = page.locator("textarea[name=description]").input_value()
    assert f"checklist run {run.pk}" in description and NOTE not in description
    sue.check()
