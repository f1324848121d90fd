"""Reads for the checklists and decision tools that are more than a filter."""

from datetime import datetime

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from checklists.models import (
    Answer,
    Checklist,
    ChecklistAnswer,
    ChecklistRun,
    Concern,
    DecisionRecord,
    ProofPlanProgress,
    ProofPlanTask,
    ServiceChangeReview,
    TriageRequest,
)
from teams.access import has_role, is_admin
from teams.models import Role


def checklist_no_counts(teams, start: datetime, end: datetime, runner_id=None) -> dict:
    """ "No" answers in checklist runs made in [start, end) by people in `teams`.

    Returns {"by_team": {team_id: {"runs": n, "no_answers": n}},
             "by_person": [{"team_id", "runner_id", "runner__username", "runs", "no_answers"}]},
    people with the most "no" answers first. Runs count under the team the runner was in when
    they made the run. Built for the team dashboard: one query whatever the size of the teams.
    """
    runs = ChecklistRun.objects.filter(team__in=teams, created_at__gte=start, created_at__lt=end)
    if runner_id is not None:
        runs = runs.filter(runner_id=runner_id)
    by_person = list(
        runs.values(
            "team_id", "runner_id", "runner__username", "runner__first_name", "runner__last_name"
        )
        .annotate(
            runs=Count("id", distinct=True),
            no_answers=Count("answers", filter=Q(answers__answer=Answer.NO)),
        )
        .order_by("-no_answers", "runner__username")
    )
    by_team = {}
    for row in by_person:
        # Each run has one runner, so the people's counts add up to the team's.
        team = by_team.setdefault(row["team_id"], {"runs": 0, "no_answers": 0})
        team["runs"] += row["runs"]
        team["no_answers"] += row["no_answers"]
    return {"by_team": by_team, "by_person": by_person}


def runs_for_list(user):
    """Runs the user may see, newest first, with their "no" counts, ready for a table."""
    return (
        ChecklistRun.objects.visible_to(user)
        .with_answer_counts()
        .select_related("checklist", "runner", "team", "interaction")
        .order_by("-created_at", "-id")
    )


# One helper per kind of record: outside the person's scope it is not found (404); the role
# was checked by the view before.


def get_run_for_user(user, pk) -> ChecklistRun:
    """A checklist run the user may see, with its answers in order."""
    return get_object_or_404(
        ChecklistRun.objects.visible_to(user)
        .select_related("checklist", "runner", "team", "interaction")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=ChecklistAnswer.objects.select_related("item")
                .order_by("position")
                .prefetch_related("root_causes"),
            )
        ),
        pk=pk,
    )


def get_service_change_for_user(user, pk) -> ServiceChangeReview:
    """Service-change reviews belong to the organisation: every leader sees each one."""
    return get_object_or_404(
        ServiceChangeReview.objects.select_related("proposed_by", "decided_by").prefetch_related(
            "answers"
        ),
        pk=pk,
    )


def get_triage_request_for_user(user, pk) -> TriageRequest:
    return get_object_or_404(
        TriageRequest.objects.visible_to(user).select_related(
            "rule", "logged_by", "team", "resolved_by", "owner"
        ),
        pk=pk,
    )


def get_decision_for_user(user, pk) -> DecisionRecord:
    return get_object_or_404(
        DecisionRecord.objects.visible_to(user).select_related(
            "author", "team", "interaction", "triage_request"
        ),
        pk=pk,
    )


def get_concern_for_user(user, pk) -> Concern:
    """Admins see every concern; a named reporter sees their own; nobody else sees any."""
    concerns = Concern.objects.select_related("reporter")
    if not is_admin(user):
        concerns = concerns.filter(reporter=user)
    return get_object_or_404(concerns, pk=pk)


def proof_plan_for(user) -> list[dict]:
    """The plan's tasks grouped by plan, each with the user's progress (None if not started)."""
    progress = {row.task_id: row for row in ProofPlanProgress.objects.filter(user=user)}
    plans = {}
    for task in ProofPlanTask.objects.all():
        plans.setdefault(task.plan, {"plan": task.get_plan_display(), "rows": []})
        plans[task.plan]["rows"].append({"task": task, "progress": progress.get(task.id)})
    for plan in plans.values():
        plan["done"] = sum(1 for row in plan["rows"] if row["progress"] and row["progress"].is_done)
    return list(plans.values())


def runnable_checklists(user):
    """The checklists a person may run: agents the everyday ones, leaders also the policy one.

    Service-change reviews have their own pages, so that checklist is never run as a list.
    """
    checklists = Checklist.objects.filter(is_active=True).exclude(
        kind=Checklist.Kind.SERVICE_CHANGE
    )
    if not has_role(user, Role.SUPERVISOR, Role.ADMIN):
        checklists = checklists.filter(audience=Checklist.Audience.AGENTS)
    return checklists.order_by("kind")
