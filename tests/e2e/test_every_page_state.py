"""Every distinct page state, for each person who sees it, through axe at 1280 and 375 px.

A state is a path with its query string: the dashboard filtered to a team with a threshold that
puts agents under it, the second page of each long list, lists with nothing in them, the forms
sent back with their errors, and the error pages (403, 404, 429). The data is the full world of
`tests/e2e/world.py`. Every problem on every state is gathered before the test fails, so one run
lists them all.
"""

from datetime import timedelta

from django.utils import timezone

from tests.e2e import world
from tests.e2e.conftest import E2E

pytestmark = E2E

LONG_AGO = "date_from=2001-01-01&date_to=2001-01-31"


def states(w: dict) -> dict[str, list]:
    """Each person's states: a path, or (path, status) for an error page."""
    from scripts_library.models import Playbook

    playbook = Playbook.objects.order_by("pk").first().slug
    today = timezone.localdate()
    this_week = f"date_from={today - timedelta(days=6):%Y-%m-%d}&date_to={today:%Y-%m-%d}"
    library = [
        "/library/",
        f"/library/scripts/{w['script']}/",
        "/library/search/",
        "/library/search/?q=refund",
        "/library/search/?q=customer&page=2",
        "/library/search/?q=qqqqzzzz",
        "/library/faq/",
        "/library/faq/?q=refund",
        "/library/faq/?q=qqqqzzzz",
        "/library/language/",
        "/library/mistakes/",
        "/library/root-causes/",
        "/library/root-causes/jargon/",
        "/library/playbooks/",
        f"/library/playbooks/{playbook}/",
    ]
    training = [
        "/training/",
        f"/training/dilemmas/{w['dilemma']}/",
        f"/training/modules/{w['module']}/",
    ]
    tools = [
        "/checklists/",
        "/checklists/interaction-ethics/run/",
        "/checklists/runs/",
        "/triage/",
        "/triage/?show=resolved",
        "/triage/new/",
        "/decisions/",
        "/decisions/?only=overdue",
        "/decisions/new/",
        "/concerns/",
        "/concerns/new/",
        "/concerns/follow-up/",
        "/profile/",
        "/inbox/",
        "/inbox/preferences/",
        "/accounts/password/change/",
        ("/no-such-page/", 404),
    ]
    return {
        "alice": [
            "/",
            "/score/",
            "/my/scores/",
            "/my/scores/?page=2",
            f"/my/scores/?{this_week}",
            f"/my/scores/?{LONG_AGO}",
            "/my/reviews/",
            "/my/reviews/?page=2",
            f"/interactions/{w['waiting']}/",
            f"/interactions/{w['waiting']}/correct/",
            f"/interactions/{w['critical']}/",
            f"/interactions/{w['flagged']}/",
            f"/interactions/{w['acknowledged']}/",
            f"/interactions/{w['disputed']}/",
            f"/interactions/{w['settled']}/",
            f"/interactions/{w['undisputed']}/dispute/",
            f"/checklists/interaction-ethics/run/?interaction={w['waiting']}",
            "/checklists/runs/?page=2",
            "/checklists/runs/?only=no",
            f"/checklists/runs/{w['run']}/",
            f"/checklists/runs/{w['early_run']}/",
            "/checklists/interaction-ethics/run/?reference=ZD-EARLY",
            f"/score/?reference=ZD-EARLY&attach={w['early_run']}",
            f"/concerns/new/?category=violation&checklist_answer={w['early_reporting']}",
            f"/triage/{w['triage']}/",
            f"/decisions/{w['decision']}/",
            f"/concerns/{w['concern']}/",
            "/proof-plan/",
            "/proof-plan/evidence/",
            ("/reviews/", 403),
            ("/reviews/given/", 403),
            ("/disputes/", 403),
            "/training/practice/",
            f"/training/certificates/{w['certificate']}/",
            *training,
            *library,
            *tools,
        ],
        # Nothing yet: every list of hers is empty.
        "bea": [
            "/",
            "/my/scores/",
            "/my/reviews/",
            "/checklists/runs/",
            "/concerns/",
            "/proof-plan/",
            "/proof-plan/evidence/",
            "/inbox/",
        ],
        "sue": [
            "/",
            "/reviews/",
            f"/reviews/?team={w['north']}",
            "/assignments/",
            "/assignments/rules/",
            f"/assignments/rules/{w['north']}/",
            f"/interactions/{w['requested']}/",
            f"/interactions/{w['requested']}/review/",
            "/reviews/record/",
            f"/interactions/{w['recorded']}/",
            f"/interactions/{w['critical']}/",
            f"/interactions/{w['disputed']}/",
            f"/disputes/{w['open_dispute']}/resolve/",
            "/disputes/",
            "/reviews/given/",
            "/reviews/given/?page=2",
            "/reviews/given/?dispute=open&acknowledgement=waiting",
            f"/reviews/given/?agent={w['people']['carl'].pk}",
            f"/reviews/given/?{LONG_AGO}",
            "/reviews/given/?date_from=2001-02-30&acknowledgement=maybe",
            "/dashboard/",
            f"/dashboard/?team={w['north']}&threshold=90",
            f"/dashboard/?agent={w['people']['alice'].pk}",
            f"/dashboard/?{LONG_AGO}",
            "/dashboard/?channel=chat",
            "/dashboard/?topic=refund",
            "/checklists/policy-and-complex-requests/run/",
            "/service-changes/",
            "/service-changes/new/",
            f"/service-changes/{w['change']}/",
            "/imports/",
            "/imports/new/",
            f"/imports/{w['ticket_import']}/",
            f"/proof-plan/evidence/{w['people']['alice'].pk}/",
            "/cases/",
            "/cases/?status=overdue",
            f"/cases/{w['case']}/",
            ("/dashboard/organisation/", 403),
            "/training/team/",
            f"/training/modules/{w['module']}/assign/",
            f"/training/certificates/{w['certificate']}/",
            "/calibrations/",
            "/calibrations/new/",
            f"/calibrations/{w['revealed_calibration']}/",
            f"/calibrations/{w['open_calibration']}/",
            f"/calibrations/{w['open_calibration']}/interactions/{w['calibration_waiting']}/score/",
            *training,
            *tools,
        ],
        # Leads a team with no agents: an empty queue and dashboard.
        "sam": [
            "/",
            "/reviews/",
            "/reviews/record/",
            "/assignments/",
            "/dashboard/",
            "/disputes/",
            "/reviews/given/",
            "/training/team/",
            "/calibrations/",
        ],
        "ada": [
            "/",
            "/dashboard/",
            "/dashboard/organisation/",
            "/dashboard/organisation/?threshold=90",
            "/dashboard/organisation/?channel=phone&topic=a",
            f"/dashboard/?team={w['north']}&threshold=90",
            f"/interactions/{w['critical']}/",
            f"/disputes/{w['open_dispute']}/resolve/",
            "/disputes/",
            "/reviews/given/",
            "/reviews/given/?page=2",
            f"/concerns/{w['breach']}/",
            "/cases/",
            f"/cases/{w['case']}/",
            "/library/acknowledgements/",
            f"/library/acknowledgements/{w['script']}/",
            "/helpdesk/",
            "/helpdesk/new/",
            f"/helpdesk/{w['helpdesk']}/",
            f"/interactions/{w['imported']}/",
            "/audit/",
            "/audit/?page=2",
            "/audit/?q=qqqqzzzz",
            "/admin/",
            ("/reviews/", 403),
            "/training/team/",
            "/training/verify/",
            f"/training/verify/?code={w['certificate']}",
            "/training/verify/?code=FORGED0CODE",
            ("/assignments/", 403),
            "/assignments/rules/",
            f"/assignments/rules/{w['east']}/",
            f"/calibrations/{w['revealed_calibration']}/",
            f"/calibrations/{w['open_calibration']}/interactions/{w['calibration_waiting']}/score/",
        ],
    }


def is_in_the_state_it_names(page, username, path, w) -> bool:
    """The states that need the world's data show it: a second page is one, a threshold of 90
    puts agents under it, an empty list is empty, the records show what they are."""
    text = page.locator("main").inner_text()
    marks = {
        f"/interactions/{w['critical']}/": "Critical fail",
        f"/interactions/{w['disputed']}/": "Open",
        f"/interactions/{w['settled']}/": "Partly accepted",
        f"/interactions/{w['recorded']}/": "Not self-scored",
        "sue /dashboard/": "Under 70.0%",
        "sam /dashboard/": "No agents in this team yet.",
        "sue /dashboard/?channel=chat": "count only interactions by Chat;",
        "sue /dashboard/?topic=refund": "with “refund” in their topic",
        "ada /dashboard/organisation/?channel=phone&topic=a": "by Phone and with “a” in",
        "sue /assignments/": "Overdue",
        "sam /assignments/": "Nothing to do.",
        "sam /reviews/record/": "There are no agents in the teams you review yet",
        "sue /disputes/": "ZD-DISPUTED",
        "ada /disputes/": "ZD-DISPUTED",
        "sam /disputes/": "No dispute waits for you.",
        "sam /reviews/given/": "No review matches.",
        "sue /reviews/given/?dispute=open&acknowledgement=waiting": "ZD-DISPUTED",
        f"/reviews/given/?{LONG_AGO}": "No review matches.",
        "/reviews/given/?date_from=2001-02-30&acknowledgement=maybe": "Select a valid choice",
        "bea /my/reviews/": "No reviews",
        "bea /training/": "To do",
        "sam /training/team/": "No agents in these teams.",
        "sue /training/team/": "Pressure and hard conversations (",
        "/training/verify/?code=FORGED0CODE": "No certificate has this code",
        f"/training/verify/?code={w['certificate']}": "Genuine",
        "sam /calibrations/": "No sessions yet.",
        f"/helpdesk/{w['helpdesk']}/": "new.agent@acme.example",
        f"/interactions/{w['imported']}/": "35436",
        f"/calibrations/{w['revealed_calibration']}/": "Krippendorff",
        f"sue /calibrations/{w['open_calibration']}/": "Blind until",
        f"sue /calibrations/{w['open_calibration']}/interactions/{w['calibration_waiting']}/score/": "You have scored",
        f"ada /calibrations/{w['open_calibration']}/interactions/{w['calibration_waiting']}/score/": "Save my calibration score",
    }
    for key in (path, f"{username} {path}"):
        if key in marks:
            return marks[key] in text
    if "page=2" in path:
        return "Page 2 of" in text or "Results 21–" in text
    if "threshold=90" in path:
        return page.locator("tr.table-danger").count() >= 2
    if "qqqqzzzz" in path or path == f"/my/scores/?{LONG_AGO}":
        return "ZD-" not in text
    return True


def test_every_page_state_passes_axe_at_both_widths(visit):
    w = world.build()
    problems = []
    for username, paths in states(w).items():
        person = visit(w["people"][username])
        for entry in paths:
            path, status = entry if isinstance(entry, tuple) else (entry, 200)
            try:
                page = person.go(path, status=status)
                assert is_in_the_state_it_names(page, username, path, w), (
                    "not in the state it names"
                )
            except AssertionError as error:
                problems.append(f"{username} {path}: {error}")
    anonymous = visit()
    for path in ["/accounts/login/", "/library/"]:
        try:
            anonymous.go(path)
        except AssertionError as error:
            problems.append(f"anonymous {path}: {error}")
    assert not problems, "\n".join(problems)


ERROR_MARKS = ".is-invalid, .invalid-feedback, .errorlist, [data-error-summary], .alert-danger"


def sent_empty(person, path):
    """Open the form at `path`, send it with nothing filled in (the browser's own checks off,
    as a script or an old browser would), and check the page that shows the errors."""
    page = person.page
    page.goto(path)
    page.evaluate("document.querySelectorAll('form').forEach(form => form.noValidate = true)")
    with page.expect_navigation():
        page.locator("main form[method=post] [type=submit]:not([form])").first.click()
    assert page.locator(ERROR_MARKS).count() > 0, f"{path} sent empty shows no error"
    person.check(label=f"{path} (sent empty)")


def test_forms_sent_back_with_errors_and_the_paused_sign_in_pass_axe(visit):
    w = world.build()
    forms = {
        "alice": [
            "/score/",
            f"/interactions/{w['waiting']}/correct/",
            f"/interactions/{w['undisputed']}/dispute/",
            "/checklists/interaction-ethics/run/",
            f"/checklists/runs/{w['early_run']}/",
            "/triage/new/",
            "/decisions/new/",
            "/concerns/new/",
        ],
        "sue": [
            f"/interactions/{w['requested']}/review/",
            "/reviews/record/",
            f"/disputes/{w['open_dispute']}/resolve/",
            "/service-changes/new/",
            "/imports/new/",
            "/calibrations/new/",
        ],
        "ada": [
            f"/calibrations/{w['open_calibration']}/interactions/{w['calibration_waiting']}/score/",
        ],
    }
    problems = []
    for username, paths in forms.items():
        person = visit(w["people"][username])
        for path in paths:
            try:
                sent_empty(person, path)
            except AssertionError as error:
                problems.append(f"{username} {path}: {error}")

    # Signing in: a wrong password asks again; the fifth in a row pauses sign-in (429).
    from django.conf import settings

    anonymous = visit()
    page = anonymous.go("/accounts/login/")
    anonymous.expected_statuses[page.url] = 429
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        page.fill("#id_username", "alice")
        page.fill("#id_password", "not-the-password")
        with page.expect_navigation() as navigation:
            page.click("button[type=submit]")
        if attempt == 1:
            assert navigation.value.status == 200
            anonymous.check(label="/accounts/login/ (wrong password)")
    assert navigation.value.status == 429
    assert "Sign-in paused" in page.content()
    anonymous.check(label="/accounts/login/ (paused, 429)")
    assert not problems, "\n".join(problems)
