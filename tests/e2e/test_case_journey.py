"""An anonymous gift concern, from the report to the outcome, in a real browser."""

import re

from tests.conftest import make_user
from tests.e2e.conftest import E2E

pytestmark = E2E


def test_an_anonymous_reporter_and_the_routed_supervisor_talk_through_the_code(visit):
    from cases.models import Case
    from cases.services import pending_reports_deliver
    from teams.models import Team

    north = Team.objects.create(name="North")
    agent = make_user("agent4", "Agent", team=north, first_name="Agnes")
    supervisor = make_user("supervisor1", "Supervisor", leads=[north], first_name="Sofia")

    # agent4 raises an anonymous gift concern and writes down the code.
    reporter = visit(agent)
    page = reporter.go("/concerns/new/")
    assert "they will see which team it comes from" in page.content()
    page.get_by_label("Gift or incentive offered").check()
    page.fill("#id_description", "A caller offered a gift card if I waived the fee.")
    page.get_by_label("Report anonymously").check()
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    reporter.check("receipt code")
    assert "Write it down: it is the only way back." in page.content()
    code = page.locator("[data-receipt-code]").inner_text().strip()
    assert re.fullmatch(r"([A-Z2-9]{4}-){4}[A-Z2-9]{4}", code)
    # Signing out from the receipt page works (the page sends no referrer to other sites only).
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    assert "/login/" in page.url
    pending_reports_deliver()  # the hourly job
    case = Case.objects.get()
    assert case.owner == supervisor

    # supervisor1, to whom it was routed, acknowledges it and asks a question.
    owner = visit(supervisor)
    page = owner.go(f"/cases/{case.pk}/")
    assert "a member of North" in page.content() and "agent4" not in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Acknowledge").click()
    owner.check("acknowledged")
    page.select_option("#id_kind", "question")
    page.fill("form[action$='/message/'] textarea", "Which ticket was it, and when?")
    with page.expect_navigation():
        page.click("form[action$='/message/'] button[type=submit]")
    owner.check("question asked")

    # The reporter, signed out, answers with the code.
    anonymous = visit()
    page = anonymous.go("/concerns/follow-up/")
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    anonymous.check("follow-up")
    assert "Which ticket was it, and when?" in page.content()
    page.select_option("#id_kind", "answer")
    page.fill("#id_text", "Ticket ZD-4410, on Monday morning.")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    anonymous.check("answered")
    assert "Your message was added." in page.content()

    # supervisor1 reads the answer and closes the case with an outcome.
    page = owner.go(f"/cases/{case.pk}/")
    assert "Ticket ZD-4410, on Monday morning." in page.content()
    page.select_option("form[action$='/status/'] select", "closed")
    page.fill("form[action$='/status/'] textarea", "The gift card was declined and the fee stands.")
    with page.expect_navigation():
        page.click("form[action$='/status/'] button[type=submit]")
    owner.check("closed")
    assert Case.objects.get().status == "closed"

    # The reporter reads the outcome.
    page = anonymous.go("/concerns/follow-up/")
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "The gift card was declined and the fee stands." in page.content()
    assert "Closed" in page.content()
