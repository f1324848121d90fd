"""The proof plan as a personal checklist, and the printable evidence of ethical practice."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from checklists.models import Checklist, ProofPlanProgress, ProofPlanTask
from checklists.services import checklist_run_create, proof_plan_task_update
from rubrics.models import Rubric
from rubrics.services import interaction_self_score
from teams.models import Membership

pytestmark = pytest.mark.django_db


CRITERIA = ["empathy", "accuracy", "fairness", "transparency", "respect"]


def task(title):
    return ProofPlanTask.objects.get(title=title)


def self_score(agent, rating, days_ago, reference):
    return interaction_self_score(
        agent=agent,
        rubric=Rubric.objects.current(),
        interaction_fields={
            "occurred_at": timezone.now() - timedelta(days=days_ago),
            "channel": "chat",
            "reference": reference,
            "topic": "Billing",
            "summary": "",
        },
        ratings=dict.fromkeys(CRITERIA, rating),
        comments=dict.fromkeys(CRITERIA, "Room to improve.") if rating <= 2 else {},
    )


# --- Who may open the pages ---------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, agent):
    for url in ["/proof-plan/", "/proof-plan/evidence/", f"/proof-plan/evidence/{agent.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "own_status", "alices_status"),
    [
        ("agent", 200, 403),
        ("other_agent", 200, 403),
        ("supervisor", 403, 200),
        ("other_supervisor", 403, 404),
        ("admin", 403, 200),
    ],
)
def test_each_persona_on_the_proof_plan_pages(login, personas, persona, own_status, alices_status):
    client = login(personas[persona])
    assert client.get("/proof-plan/").status_code == own_status
    assert client.get("/proof-plan/evidence/").status_code == own_status
    alice = personas["agent"]
    assert client.get(f"/proof-plan/evidence/{alice.pk}/").status_code == alices_status
    update = client.post(
        f"/proof-plan/tasks/{task('Review the ethics policy').pk}/", {"done": "on"}
    )
    assert update.status_code == (302 if own_status == 200 else 403)


def test_wrong_methods(login, agent):
    client = login(agent)
    assert client.post("/proof-plan/").status_code == 405
    assert client.post("/proof-plan/evidence/").status_code == 405
    assert (
        client.get(f"/proof-plan/tasks/{task('Review the ethics policy').pk}/").status_code == 405
    )


def test_a_leader_cannot_open_a_non_agent_evidence_page(login, admin_user, supervisor):
    assert login(admin_user).get(f"/proof-plan/evidence/{supervisor.pk}/").status_code == 404


# --- The personal checklist -----------------------------------------------------------------


def test_every_task_shows_with_its_expected_output(login, agent):
    body = login(agent).get("/proof-plan/").content.decode()
    for planned in ProofPlanTask.objects.all():
        assert escape(planned.title) in body
        assert escape(planned.expected_output) in body
    for plan in ["7-day quick wins", "30-day plan", "4-week plan"]:
        assert plan in body


def test_ticking_a_task_done_dates_it_and_keeps_notes(login, agent):
    client = login(agent)
    shadow = task("Shadow a senior colleague")
    response = client.post(
        f"/proof-plan/tasks/{shadow.pk}/", {"done": "on", "notes": "Sat with Priya on Tuesday."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/proof-plan/#task-{shadow.pk}"
    progress = ProofPlanProgress.objects.get(user=agent, task=shadow)
    assert progress.completed_on == timezone.localdate()
    assert progress.notes == "Sat with Priya on Tuesday."
    body = client.get("/proof-plan/").content.decode()
    assert "1 of 3 done" in body and "Sat with Priya on Tuesday." in body

    client.post(f"/proof-plan/tasks/{shadow.pk}/", {"notes": "Need another session."})
    progress.refresh_from_db()
    assert progress.completed_on is None and progress.notes == "Need another session."
    assert ProofPlanProgress.objects.count() == 1


def test_the_completion_date_stays_when_notes_change(agent):
    policy = task("Review the ethics policy")
    first = proof_plan_task_update(user=agent, task=policy, done=True, notes="")
    ProofPlanProgress.objects.filter(pk=first.pk).update(
        completed_on=timezone.localdate() - timedelta(days=3)
    )
    proof_plan_task_update(user=agent, task=policy, done=True, notes="Summary written.")
    first.refresh_from_db()
    assert first.completed_on == timezone.localdate() - timedelta(days=3)


def test_progress_is_personal(login, agent, other_agent):
    proof_plan_task_update(
        user=other_agent, task=task("Review the ethics policy"), done=True, notes="Oscar's notes"
    )
    body = login(agent).get("/proof-plan/").content.decode()
    assert "Oscar" not in body and "0 of 3 done" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"done": "on", "notes": "Mailed it to boss@example.com"}, "e-mail address"),
        ({"notes": "n" * 3001}, "at most 3000 characters"),
    ],
)
def test_bad_notes_get_a_message_and_save_nothing(login, agent, data, message):
    response = login(agent).post(f"/proof-plan/tasks/{task('Review the ethics policy').pk}/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert escape(data["notes"]) in body  # what was typed is kept for correcting
    assert ProofPlanProgress.objects.count() == 0


def test_unknown_task_is_404(login, agent):
    assert login(agent).post("/proof-plan/tasks/999999/", {"done": "on"}).status_code == 404


# --- The evidence page ----------------------------------------------------------------------


def test_evidence_brings_together_tasks_scores_and_runs(
    login, agent, other_agent, django_assert_max_num_queries
):
    proof_plan_task_update(
        user=agent, task=task("Complete ethics training"), done=True, notes="Passed module 3."
    )
    proof_plan_task_update(user=agent, task=task("Review the ethics policy"), done=False, notes="")
    self_score(agent, 4, days_ago=3, reference="ZD-A")
    first = self_score(agent, 2, days_ago=20, reference="ZD-B")
    interaction_checklist = Checklist.objects.get(slug="interaction-ethics")
    checklist_run_create(
        checklist=interaction_checklist,
        runner=agent,
        interaction=first.interaction,
        answers={
            item.id: ("no", "Forgot to verify.") if item.title == "Data privacy" else ("yes", "")
            for item in interaction_checklist.items.all()
        },
    )
    self_score(other_agent, 5, days_ago=2, reference="ZD-OSCAR")

    client = login(agent)
    with django_assert_max_num_queries(14):
        body = client.get("/proof-plan/evidence/").content.decode()
    assert "Complete ethics training" in body and "Passed module 3." in body
    assert "A certificate of completion." in body
    assert "Review the ethics policy" not in body
    assert "2 interactions self-scored, average <strong>3.00</strong>" in body
    assert "Weekly averages" in body and "4.00" in body and "2.00" in body
    assert "1 run, 10 answers, of which 1 “no” with a note." in body
    assert "ZD-B" in body and "ZD-OSCAR" not in body
    assert "data-print" in body and "js/print_button.js" in body
    assert "<script>" not in body.replace('<script src="', "")


def test_the_period_limits_the_evidence(login, agent):
    self_score(agent, 4, days_ago=3, reference="ZD-RECENT")
    self_score(agent, 2, days_ago=40, reference="ZD-OLDER")
    today = timezone.localdate()
    body = (
        login(agent)
        .get(
            "/proof-plan/evidence/",
            {"date_from": (today - timedelta(days=7)).isoformat(), "date_to": today.isoformat()},
        )
        .content.decode()
    )
    assert "1 interaction self-scored, average <strong>4.00</strong>" in body


def test_the_period_limits_the_proof_plan_tasks_too(login, agent, supervisor):
    """A task done before the period is left out, on the agent's page and on the leader's."""
    today = timezone.localdate()
    proof_plan_task_update(user=agent, task=task("Complete ethics training"), done=True, notes="")
    proof_plan_task_update(user=agent, task=task("Review the ethics policy"), done=True, notes="")
    ProofPlanProgress.objects.filter(task=task("Review the ethics policy")).update(
        completed_on=today - timedelta(days=40)
    )
    window = {"date_from": (today - timedelta(days=7)).isoformat(), "date_to": today.isoformat()}
    for person, url in [
        (agent, "/proof-plan/evidence/"),
        (supervisor, f"/proof-plan/evidence/{agent.pk}/"),
    ]:
        client = login(person)
        body = client.get(url, window).content.decode()
        assert "Complete ethics training" in body
        assert "Review the ethics policy" not in body
        older = {
            "date_from": (today - timedelta(days=60)).isoformat(),
            "date_to": today.isoformat(),
        }
        body = client.get(url, older).content.decode()
        assert "Complete ethics training" in body and "Review the ethics policy" in body


def test_a_supervisor_prints_a_team_agents_evidence(login, supervisor, agent):
    proof_plan_task_update(user=agent, task=task("Complete ethics training"), done=True, notes="")
    body = login(supervisor).get(f"/proof-plan/evidence/{agent.pk}/").content.decode()
    assert "<strong>Alice</strong>" in body and "Complete ethics training" in body


def test_a_leader_sees_only_records_made_in_a_team_they_lead(
    login, agent, supervisor, other_supervisor, admin_user, north, south
):
    """Alice moved from North to South: Sam (South) sees only what she did in South."""
    checklist = Checklist.objects.get(slug="interaction-ethics")

    def run(interaction, note):
        checklist_run_create(
            checklist=checklist,
            runner=agent,
            interaction=interaction,
            answers={
                item.id: ("no", note) if item.title == "Data privacy" else ("yes", "")
                for item in checklist.items.all()
            },
        )

    run(self_score(agent, 2, days_ago=20, reference="ZD-NORTH").interaction, "North note.")
    Membership.objects.filter(user=agent).update(team=south)
    agent.refresh_from_db()
    run(self_score(agent, 5, days_ago=2, reference="ZD-SOUTH").interaction, "South note.")

    url = f"/proof-plan/evidence/{agent.pk}/"
    body = login(other_supervisor).get(url).content.decode()
    # Counted, but blind: Sam has not reviewed it yet.
    assert "1 interaction self-scored.</p>" in body
    assert "ZD-SOUTH" in body and "ZD-NORTH" not in body
    assert "1 run, 10 answers" in body
    assert 'data-testid="led-teams-only"' in body
    # North's supervisor no longer leads her; she herself and the admin see both teams' records.
    assert login(supervisor).get(url).status_code == 404
    for person, page in [(agent, "/proof-plan/evidence/"), (admin_user, url)]:
        body = login(person).get(page).content.decode()
        assert "2 interactions self-scored" in body
        assert "ZD-SOUTH" in body and "ZD-NORTH" in body
