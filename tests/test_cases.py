"""Cases: routing by category, deadlines, overdue flags, the owner's actions and who sees what."""

from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from cases.models import Case, CaseMessage, Route, RoutingRule, add_months
from cases.services import (
    case_acknowledge,
    case_message_add,
    case_reassign,
    concern_raise,
    pending_reports_deliver,
)
from checklists.models import Concern
from notifications.models import Kind, Notification
from teams.models import COMPLIANCE_GROUP, Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def compliance_officer(db):
    user = make_user("cora", Role.SUPERVISOR, first_name="Cora")
    user.groups.add(Group.objects.get(name=COMPLIANCE_GROUP))
    return user


def raise_named(reporter, category="gift", **options):
    case, _ = concern_raise(
        reporter=reporter,
        category=category,
        description="A voucher was offered for a quick refund.",
        anonymous=False,
        **options,
    )
    return case


@pytest.mark.parametrize(
    "category, route",
    [
        ("gift", Route.TEAM),
        ("abuse", Route.TEAM),
        ("breach", Route.COMPLIANCE),
        ("violation", Route.ADMINS),
    ],
)
def test_each_category_is_routed_by_its_rule(
    category, route, agent, supervisor, other_supervisor, admin_user, compliance_officer
):
    case = raise_named(agent, category)
    assert case.route == route
    expected_owner = {
        Route.TEAM: supervisor,
        Route.COMPLIANCE: compliance_officer,
        Route.ADMINS: admin_user,
    }
    assert case.owner == expected_owner[route]
    assert case.team == (agent.membership.team if route == Route.TEAM else None)
    assert case.status == Case.Status.RECEIVED


def test_an_admin_edits_the_routing(agent, supervisor, admin_user):
    RoutingRule.objects.filter(category="gift").update(route=Route.ADMINS)
    case = raise_named(agent, "gift")
    assert (case.route, case.owner) == (Route.ADMINS, admin_user)


def test_compliance_falls_back_to_admins(agent, admin_user):
    assert raise_named(agent, "breach").owner == admin_user


def test_a_case_about_ones_supervisor_never_reaches_that_supervisor(
    agent, supervisor, admin_user, compliance_officer, login
):
    case = raise_named(agent, "gift", about_supervisor=True)
    assert (case.route, case.owner, case.team) == (Route.COMPLIANCE, compliance_officer, None)
    assert login(supervisor).get(reverse("case_detail", args=[case.pk])).status_code == 404
    assert Case.objects.visible_to(supervisor).count() == 0
    assert login(compliance_officer).get(reverse("case_detail", args=[case.pk])).status_code == 200
    with pytest.raises(Exception, match="stays with compliance"):
        case_reassign(case=case, owner=supervisor)


def test_send_to_compliance_instead(agent, supervisor, admin_user):
    case, code = concern_raise(
        reporter=agent,
        category="gift",
        description="A voucher.",
        anonymous=True,
        to_compliance=True,
    )
    pending_reports_deliver()
    case = Case.objects.get()
    assert case.route == Route.COMPLIANCE and case.team is None and case.owner == admin_user


def test_an_anonymous_team_case_tells_its_owner_the_team_only(agent, supervisor, login):
    concern_raise(reporter=agent, category="gift", description="A voucher.", anonymous=True)
    assert Case.objects.count() == 0  # waits for the delivery
    pending_reports_deliver()
    case = Case.objects.get()
    assert case.team == agent.membership.team and case.owner == supervisor
    page = login(supervisor).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Anonymous" in page and "a member of North" in page
    assert "alice" not in page.lower()


def test_the_form_says_where_an_anonymous_team_report_goes(agent, login):
    page = login(agent).get(reverse("concern_new")).content.decode()
    assert "they will see which team it comes from" in page
    assert "Send to compliance instead" in page
    assert "This concerns my supervisor" in page


def test_deadlines_and_overdue_flags(agent, supervisor, admin_user, login, settings):
    settings.PAGE_CACHE = False
    with time_machine.travel(date(2026, 1, 31), tick=False):
        case = raise_named(agent)
    assert case.acknowledge_by == date(2026, 2, 7)
    assert case.feedback_by == date(2026, 4, 30) == add_months(date(2026, 1, 31), 3)
    with time_machine.travel(date(2026, 2, 7), tick=False):
        assert case.overdue_reasons() == []
        assert Case.objects.overdue().count() == 0
    with time_machine.travel(date(2026, 2, 8), tick=False):
        assert case.overdue_reasons() == ["acknowledgement overdue"]
        assert list(Case.objects.overdue()) == [case]
        page = login(admin_user).get(reverse("case_list")).content.decode()
        assert "Overdue: acknowledgement overdue" in page
        home = login(supervisor).get(reverse("home")).content.decode()
        assert "overdue" in home.lower() and reverse("case_detail", args=[case.pk]) in home
        case_acknowledge(case=case)
        assert Case.objects.overdue().count() == 0
    with time_machine.travel(date(2026, 5, 1), tick=False):
        assert Case.objects.get().overdue_reasons() == ["feedback overdue"]
        case_message_add(case=case, author=supervisor, kind="reply", text="We are on it.")
        assert Case.objects.get().overdue_reasons() == []


def test_the_owner_works_the_case_and_the_reporter_hears(agent, supervisor, login):
    case = raise_named(agent)
    assert Notification.objects.filter(recipient=supervisor, kind=Kind.CASE_ASSIGNED).count() == 1
    client = login(supervisor)
    assert client.post(reverse("case_acknowledge", args=[case.pk])).status_code == 302
    response = client.post(
        reverse("case_message", args=[case.pk]), {"kind": "question", "text": "Which ticket?"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("case_status", args=[case.pk]), {"status": "closed", "outcome": ""}
    )
    assert response.status_code == 400 and "Required to close" in response.content.decode()
    response = client.post(
        reverse("case_status", args=[case.pk]), {"status": "closed", "outcome": "Voucher declined."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.outcome == "Voucher declined."
    concern = Concern.objects.get(pk=case.concern_id)
    assert (concern.status, concern.outcome) == ("closed", "Voucher declined.")
    assert Notification.objects.filter(recipient=agent, kind=Kind.CONCERN_STATUS).count() == 2
    assert CaseMessage.objects.get().kind == "question"
    # Closed is final.
    response = client.post(reverse("case_status", args=[case.pk]), {"status": "investigating"})
    assert response.status_code == 400


def test_reassigning_notifies_the_new_owner(agent, supervisor, admin_user, login):
    case = raise_named(agent)
    response = login(supervisor).post(
        reverse("case_reassign", args=[case.pk]), {"owner": admin_user.pk}
    )
    assert response.status_code == 302
    assert Case.objects.get().owner == admin_user
    assert Notification.objects.filter(recipient=admin_user, kind=Kind.CASE_ASSIGNED).exists()


def test_who_sees_which_case(
    agent, other_agent, supervisor, other_supervisor, admin_user, compliance_officer, login
):
    north_case = raise_named(agent)
    breach = raise_named(other_agent, "breach")
    assert set(Case.objects.visible_to(supervisor)) == {north_case}
    assert set(Case.objects.visible_to(other_supervisor)) == set()
    assert set(Case.objects.visible_to(compliance_officer)) == {breach}
    assert set(Case.objects.visible_to(admin_user)) == {north_case, breach}
    assert set(Case.objects.visible_to(agent)) == set()
    assert login(agent).get(reverse("case_list")).status_code == 403
    # Compliance is not one of the matrix's personas: its access is checked here.
    client = login(compliance_officer)
    assert client.get(reverse("case_list")).status_code == 200
    assert client.get(reverse("case_detail", args=[north_case.pk])).status_code == 404
    assert client.get(reverse("api:cases")).json()["count"] == 1
    assert client.get(reverse("api:case", args=[breach.pk])).status_code == 200
    assert client.get(reverse("api:case", args=[north_case.pk])).status_code == 404


def test_the_case_list_queries_stay_constant(
    agent, supervisor, admin_user, login, django_assert_max_num_queries
):
    for _ in range(5):
        raise_named(agent)
    client = login(admin_user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("case_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("api:cases")).status_code == 200


def test_the_concern_api(agent, supervisor, login):
    client = login(agent)
    named = client.post(
        reverse("api:concerns"),
        {"category": "gift", "description": "A voucher.", "anonymous": False},
        content_type="application/json",
    )
    assert named.status_code == 201 and named.json() == {"received": True}
    anonymous = client.post(
        reverse("api:concerns"),
        {"category": "gift", "description": "A voucher.", "anonymous": True},
        content_type="application/json",
    )
    assert anonymous.status_code == 201 and len(anonymous.json()["receipt_code"]) == 24
    bad = client.post(
        reverse("api:concerns"), {"category": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert client.get(reverse("api:cases")).status_code == 403


# --- Breaches open cases ---------------------------------------------------------------------


def run_interaction_checklist(agent, no_titles):
    from checklists.models import Checklist
    from checklists.services import checklist_run_create
    from tests.conftest import self_score

    checklist = Checklist.objects.get(kind=Checklist.Kind.INTERACTION)
    items = list(checklist.items.filter(is_active=True))
    answers = {
        item.id: ("no", "The address was read out loud.")
        if item.title in no_titles
        else ("yes", "")
        for item in items
    }
    interaction = self_score(agent).interaction
    return checklist_run_create(
        checklist=checklist, runner=agent, interaction=interaction, answers=answers
    )


def test_the_seed_marks_its_data_protection_items():
    from checklists.models import ChecklistItem

    marked = set(ChecklistItem.objects.filter(breach_when_no=True).values_list("title", flat=True))
    assert marked == {"Data privacy", "Privacy and security of data"}


def test_a_no_to_a_breach_item_opens_a_linked_case(agent, supervisor, admin_user, login):
    run = run_interaction_checklist(agent, {"Data privacy"})
    case = Case.objects.get()
    assert (case.checklist_run, case.interaction) == (run, run.interaction)
    assert case.concern.category == "breach" and case.concern.reporter == agent
    assert case.route == Route.COMPLIANCE and case.owner == admin_user
    assert "Data privacy" in case.concern.description
    page = login(admin_user).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert reverse("checklist_run_detail", args=[run.pk]) in page


def test_a_no_elsewhere_opens_nothing(agent, admin_user):
    from checklists.models import Checklist

    other = Checklist.objects.get(kind=Checklist.Kind.INTERACTION).items.exclude(
        breach_when_no=True
    )[0]
    run_interaction_checklist(agent, {other.title})
    assert not Case.objects.exists()


def test_a_review_rated_1_on_a_breach_criterion_opens_a_case(agent, supervisor, admin_user):
    from rubrics.models import Rubric
    from tests.conftest import RATINGS, review, self_score

    Rubric.objects.current().criteria.filter(key="fairness").update(breach_when_one=True)
    interaction = self_score(agent, {**RATINGS, "fairness": 1}).interaction
    assert not Case.objects.exists()  # a self-score never opens one (blind review)
    review(interaction, supervisor, {**RATINGS, "fairness": 2})
    assert not Case.objects.exists()
    second = self_score(agent, reference="ZD-2").interaction
    review(second, supervisor, {**RATINGS, "fairness": 1})
    case = Case.objects.get()
    assert case.interaction == second and case.concern.reporter == supervisor
    assert case.concern.category == "violation" and case.owner == admin_user
