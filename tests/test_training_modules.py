"""Modules: pass marks, certificates and their verification, the proof plan, assignments and
due dates, team progress and the overdue reminders."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from checklists.models import ProofPlanProgress
from notifications.models import Kind, Notification
from teams.models import Role
from tests.conftest import make_user
from training.models import Assignment, Certificate, Module, Option
from training.selectors import module_statuses, team_progress
from training.services import assignment_create, module_submit, training_task
from training.tasks import overdue_reminders_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def module():
    return Module.objects.get(slug="data-and-privacy")  # 6 dilemmas, pass at 5


def answers(module, wrong=0):
    """Best answers to all but `wrong` of the module's dilemmas, which get a harmful one."""
    chosen = {}
    for index, dilemma in enumerate(module.dilemmas.order_by("pk")):
        verdict = "harmful" if index < wrong else "best"
        chosen[dilemma.pk] = dilemma.options.filter(verdict=verdict).first().pk
    return chosen


def test_pass_mark_reached_gives_a_certificate(agent, module):
    best, certificate = module_submit(user=agent, module=module, answers=answers(module, wrong=1))
    assert best == 5
    assert certificate.module_title == "Data and privacy"
    assert (certificate.best_answers, certificate.out_of) == (5, 6)
    assert certificate.name == "Alice"
    assert len(certificate.code) == 12


def test_below_the_pass_mark_no_certificate(agent, module):
    best, certificate = module_submit(user=agent, module=module, answers=answers(module, wrong=2))
    assert (best, certificate) == (4, None)
    assert not Certificate.objects.exists()


def test_acceptable_does_not_count_towards_the_pass_mark(agent, module):
    chosen = answers(module)
    for dilemma in module.dilemmas.order_by("pk")[:2]:
        acceptable = dilemma.options.filter(verdict="acceptable").first()
        if acceptable:
            chosen[dilemma.pk] = acceptable.pk
    best, certificate = module_submit(user=agent, module=module, answers=chosen)
    assert best == 4 and certificate is None


def test_every_dilemma_must_be_answered_with_its_own_option(agent, module):
    chosen = answers(module)
    first, second = list(chosen)[:2]
    with pytest.raises(ValidationError):
        module_submit(user=agent, module=module, answers={**chosen, first: None})
    with pytest.raises(ValidationError):
        module_submit(user=agent, module=module, answers={**chosen, first: chosen[second]})
    assert not Certificate.objects.exists()


def test_passing_ticks_the_proof_plan_training_task_with_the_certificate(agent, module):
    _, certificate = module_submit(user=agent, module=module, answers=answers(module))
    progress = ProofPlanProgress.objects.get(user=agent, task=training_task())
    assert progress.is_done
    assert certificate.code in progress.notes
    assert certificate.get_absolute_url() in progress.notes


def test_passing_again_keeps_the_first_certificate(agent, module):
    _, first = module_submit(user=agent, module=module, answers=answers(module))
    _, again = module_submit(user=agent, module=module, answers=answers(module))
    assert first == again and Certificate.objects.count() == 1


def test_module_page_grades_then_shows_the_misses_before_the_certificate(login, agent, module):
    chosen = answers(module, wrong=1)
    data = {f"dilemma-{pk}": option for pk, option in chosen.items()}
    client = login(agent)
    response = client.post(reverse("training_module", args=[module.slug]), data)
    certificate = Certificate.objects.get()
    assert response.status_code == 302 and response["Location"] == module.get_absolute_url()
    body = client.get(response["Location"]).content.decode()
    assert body.count('data-testid="missed-answer"') == 1
    missed = Option.objects.get(pk__in=chosen.values(), verdict__in=["acceptable", "harmful"])
    from html import unescape

    text = unescape(body)
    assert missed.feedback in text and missed.dilemma.title in text
    assert "The best response:" in body
    assert certificate.get_absolute_url() in body


def test_certificate_page_is_printable(login, agent, module):
    _, certificate = module_submit(user=agent, module=module, answers=answers(module))
    body = login(agent).get(certificate.get_absolute_url()).content.decode()
    assert certificate.code in body and "Alice" in body and "Data and privacy" in body
    assert "css/certificate.css" in body and "data-print" in body


def test_certificate_visibility(
    login, agent, other_agent, supervisor, other_supervisor, admin_user, module
):
    _, certificate = module_submit(user=agent, module=module, answers=answers(module))
    url = certificate.get_absolute_url()
    assert login(agent).get(url).status_code == 200
    assert login(supervisor).get(url).status_code == 200
    assert login(admin_user).get(url).status_code == 200
    assert login(other_agent).get(url).status_code == 404
    assert login(other_supervisor).get(url).status_code == 404


def test_admins_verify_codes_and_forged_ones_say_so(login, agent, admin_user, module):
    _, certificate = module_submit(user=agent, module=module, answers=answers(module))
    client = login(admin_user)
    genuine = client.get(reverse("training_verify"), {"code": certificate.code.lower()})
    assert "Genuine" in genuine.content.decode() and "Alice" in genuine.content.decode()
    forged = client.get(reverse("training_verify"), {"code": "ABCDEFGHJKMN"})
    assert "No certificate has this code" in forged.content.decode()


# --- Assignments -----------------------------------------------------------------------------


def test_assignment_due_date_cannot_be_past(supervisor, north, module):
    with pytest.raises(ValidationError):
        assignment_create(
            assigned_by=supervisor,
            module=module,
            team=north,
            due_on=timezone.localdate() - timedelta(days=1),
        )


def test_assignment_needs_a_team_or_agents_not_both(supervisor, north, agent, module):
    due = timezone.localdate() + timedelta(days=3)
    with pytest.raises(ValidationError):
        assignment_create(assigned_by=supervisor, module=module, due_on=due)
    with pytest.raises(ValidationError):
        assignment_create(
            assigned_by=supervisor, module=module, due_on=due, team=north, agents=[agent]
        )
    assert not Assignment.objects.exists()


def test_team_assignment_reaches_its_agents_and_passing_clears_it(
    agent, supervisor, north, module, time_machine
):
    time_machine.move_to(date(2026, 3, 2), tick=False)
    assignment_create(assigned_by=supervisor, module=module, team=north, due_on=date(2026, 3, 9))
    [status] = module_statuses(agent)
    assert status.due_on == date(2026, 3, 9) and not status.is_passed
    assert not status.is_overdue(date(2026, 3, 9)) and status.is_overdue(date(2026, 3, 10))
    module_submit(user=agent, module=module, answers=answers(module))
    [status] = module_statuses(agent)
    assert status.is_passed and not status.is_overdue(date(2026, 3, 10))


def test_a_supervisor_assigns_only_to_teams_they_lead(login, supervisor, south, module):
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = login(supervisor).post(
        reverse("training_module_assign", args=[module.slug]), {"team": south.pk, "due_on": due}
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not Assignment.objects.exists()


def test_a_supervisor_assigns_their_team(login, supervisor, north, module):
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = login(supervisor).post(
        reverse("training_module_assign", args=[module.slug]), {"team": north.pk, "due_on": due}
    )
    assert response.status_code == 302
    assert Assignment.objects.get().team == north


def test_overdue_modules_reach_the_agent_and_the_dashboards(
    login, agent, other_agent, supervisor, north, south, module, time_machine
):
    time_machine.move_to(date(2026, 3, 2), tick=False)
    assignment_create(assigned_by=supervisor, module=module, team=north, due_on=date(2026, 3, 3))
    time_machine.move_to(date(2026, 3, 5), tick=False)
    assert overdue_reminders_send() == 1
    note = Notification.objects.get()
    assert (note.recipient, note.kind) == (agent, Kind.TRAINING_DUE)
    assert note.url == reverse("training_module", args=[module.slug])
    page = login(supervisor).get(reverse("team_dashboard")).content.decode()
    assert 'data-testid="overdue-training"' in page and "Data and privacy" in page
    progress = login(supervisor).get(reverse("training_team")).content.decode()
    assert "Overdue" in progress or "Data and privacy" in progress


def test_team_progress_queries_do_not_grow_with_the_team(
    supervisor, north, module, django_assert_max_num_queries
):
    assignment_create(
        assigned_by=supervisor, module=module, team=north, due_on=timezone.localdate()
    )
    for number in range(15):
        make_user(f"agent{number}", Role.AGENT, team=north)
    with django_assert_max_num_queries(4):
        rows = team_progress([north])
    assert len(rows) == 15


def test_team_page_query_count_is_constant(
    login, supervisor, north, module, django_assert_max_num_queries
):
    client = login(supervisor)
    for number in range(10):
        make_user(f"agent{number}", Role.AGENT, team=north)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("training_team")).status_code == 200


def test_the_personal_data_export_holds_answers_and_certificates(login, agent, other_agent, module):
    module_submit(user=agent, module=module, answers=answers(module))
    module_submit(user=other_agent, module=module, answers=answers(module, wrong=3))
    data = login(agent).get("/profile/export.json").json()
    assert len(data["training"]["answers"]) == 6
    assert [c["module_title"] for c in data["training"]["certificates"]] == ["Data and privacy"]


def test_a_sitting_with_a_gap_keeps_the_other_answers_and_says_what_is_missing(
    login, agent, module
):
    chosen = answers(module)
    first, *rest = list(chosen)
    data = {f"dilemma-{pk}": chosen[pk] for pk in rest}
    response = login(agent).post(reverse("training_module", args=[module.slug]), data)
    body = response.content.decode()
    assert response.status_code == 200 and "Not graded" in body
    assert body.count(" checked") == len(rest)
    assert not Certificate.objects.exists()


def test_the_dashboard_lists_twenty_overdue_agents_and_counts_the_rest(
    login, agent, supervisor, north, module, time_machine
):
    time_machine.move_to(date(2026, 3, 2), tick=False)
    for number in range(22):
        make_user(f"late{number:02d}", Role.AGENT, team=north)
    passed = make_user("passed", Role.AGENT, team=north)
    assignment_create(assigned_by=supervisor, module=module, team=north, due_on=date(2026, 3, 3))
    module_submit(user=passed, module=module, answers=answers(module))
    time_machine.move_to(date(2026, 3, 5), tick=False)
    page = login(supervisor).get(reverse("team_dashboard")).content.decode()
    # alice and 22 late agents are overdue; the one who passed is not.
    assert page.count('data-testid="overdue-training"') == 20
    assert "and 3 more agents with overdue training" in page
    assert ">passed:" not in page


def test_overdue_agents_match_the_progress_of_every_agent(
    agent, other_agent, supervisor, admin_user, north, south, module, time_machine
):
    from training.selectors import overdue_agents

    time_machine.move_to(date(2026, 3, 2), tick=False)
    bob = make_user("bob", Role.AGENT, team=north)
    assignment_create(assigned_by=supervisor, module=module, team=north, due_on=date(2026, 3, 3))
    assignment_create(
        assigned_by=admin_user, module=module, agents=[other_agent], due_on=date(2026, 3, 3)
    )
    oscar_next = make_user("olga", Role.AGENT, team=south)
    assignment_create(
        assigned_by=admin_user, module=module, agents=[oscar_next], due_on=date(2026, 3, 9)
    )
    module_submit(user=bob, module=module, answers=answers(module))
    time_machine.move_to(date(2026, 3, 5), tick=False)
    rows = team_progress([north, south])
    expected = {row.agent.pk for row in rows if row.overdue}
    assert expected == {agent.pk, other_agent.pk}
    assert set(overdue_agents([north, south]).values_list("pk", flat=True)) == expected


def test_the_assign_form_offers_its_default_due_date_to_the_date_picker(login, supervisor, module):
    page = login(supervisor).get(reverse("training_module_assign", args=[module.slug]))
    due = timezone.localdate() + timedelta(days=14)
    assert f'type="date" name="due_on" value="{due.isoformat()}"' in page.content.decode()
