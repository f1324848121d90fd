"""Training in a real browser: an agent practises, learns from a wrong answer through the linked
script, passes an assigned module and prints the certificate; the supervisor sees the team."""

from datetime import timedelta

from django.utils import timezone

from tests.conftest import make_user
from tests.e2e.conftest import E2E

pytestmark = E2E


def world():
    from teams.models import Team
    from training.models import Module
    from training.services import assignment_create

    north = Team.objects.create(name="Team North")
    agent = make_user("agent2", "Agent", team=north, first_name="Alex", last_name="Rivera")
    supervisor = make_user(
        "supervisor1", "Supervisor", leads=[north], first_name="Sam", last_name="Lee"
    )
    module = Module.objects.get(slug="data-and-privacy")
    assignment_create(
        assigned_by=supervisor,
        module=module,
        team=north,
        due_on=timezone.localdate() + timedelta(days=7),
    )
    return agent, supervisor, module


def choose(page, dilemma, verdict):
    option = dilemma.options.filter(verdict=verdict).first()
    page.check(f"#option-{option.pk}")
    page.get_by_role("button", name="Answer").click()
    page.wait_for_selector("[data-testid=verdict]")
    return option


def test_an_agent_practises_passes_a_module_and_prints_the_certificate(visit):
    from training.models import Attempt, Certificate, Dilemma
    from training.selectors import practice_set

    agent, supervisor, module = world()
    first, second, third = [Dilemma.objects.get(pk=pk) for pk in practice_set(agent)[:3]]
    assert first.scripts.exists(), "the journey needs a first dilemma with a linked script"

    alex = visit(agent)
    page = alex.go("/training/")
    assert "Data and privacy" in page.inner_text("main") and "To do" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("link", name="Practise now").click()
    assert first.title in page.inner_text("h1")

    # A wrong answer: why, every response's verdict and the script that helps, without reloading.
    wrong = choose(page, first, "harmful")
    feedback = page.inner_text("#feedback")
    assert "Harmful." in feedback and wrong.feedback in feedback
    alex.check(label="practice feedback")
    script = first.scripts.first()
    with page.expect_navigation():
        page.locator("[data-testid=links]").get_by_role("link", name=script.title).click()
    assert page.url.endswith(f"/library/scripts/{script.slug}/")

    # Two more, answered well: the missed one is not due again until tomorrow.
    page = alex.go("/training/practice/")
    assert second.title in page.inner_text("h1")
    choose(page, second, "best")
    assert "Best response." in page.inner_text("#feedback")
    with page.expect_navigation():
        page.get_by_role("link", name="Next in my practice set").click()
    assert third.title in page.inner_text("h1")
    choose(page, third, "best")
    assert Attempt.objects.filter(user=agent).count() == 3

    # The assigned module, passed.
    page = alex.go(f"/training/modules/{module.slug}/")
    for dilemma in module.dilemmas.all():
        page.check(f"#m-{dilemma.options.get(verdict='best').pk}")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit my answers").click()
    certificate = Certificate.objects.get(user=agent)
    # The sitting's result first (every answer the best), then the certificate.
    assert page.url.endswith(f"/training/modules/{module.slug}/")
    assert "Every answer was the best one." in page.inner_text("[data-testid=last-sitting]")
    with page.expect_navigation():
        page.get_by_role("link", name="Your certificate").click()
    assert page.url.endswith(f"/training/certificates/{certificate.code}/")
    text = page.inner_text("[data-testid=certificate]")
    assert "Alex Rivera" in text and "Data and privacy" in text and certificate.code in text
    alex.check()
    alex.screenshot("training-certificate", full_page=False)

    # Printed: the navigation and buttons drop away and the certificate fits one page.
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.get_by_role("button", name="Print").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
    page.emulate_media(media="screen")

    page = alex.go("/training/")
    assert "Passed" in page.inner_text("main")

    lead = visit(supervisor)
    page = lead.go("/training/team/")
    row = page.locator("[data-testid=team-progress] tr", has_text="Alex Rivera")
    assert "Data and privacy" in row.inner_text()
    assert first.title in page.inner_text("main")  # among the dilemmas most often got wrong
