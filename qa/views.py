from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views import apply_service_errors, int_or_none
from qa import selectors
from qa.forms import AssignmentRuleForm, QueueForm, ReassignForm, SampleForm, SkipForm
from qa.models import AssignmentRule
from qa.services import (
    assignment_reassign,
    assignment_rule_set,
    assignment_skip,
    assignments_sample,
)
from teams.access import (
    chosen_teams,
    reviewer_required,
    role_required,
    teams_led_by,
    teams_supervised_by,
)
from teams.models import Role


@reviewer_required
@require_GET
def review_queue(request):
    teams = list(teams_supervised_by(request.user).order_by("name"))
    team_id = int_or_none(request.GET.get("team"))
    chosen = chosen_teams(teams, team_id)
    queue = selectors.review_queue(request.user, teams=chosen, today=timezone.localdate())
    return render(
        request,
        "qa/review_queue.html",
        {
            **queue,
            "today": timezone.localdate(),
            "form": QueueForm(request.GET or None, teams=teams),
            "sample_form": SampleForm(teams=teams, initial={"team": team_id}),
        },
    )


@reviewer_required
@require_POST
def review_sample_create(request):
    teams = list(teams_supervised_by(request.user).order_by("name"))
    chosen = chosen_teams(teams, int_or_none(request.POST.get("team")))
    form = SampleForm(request.POST, teams=teams)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("review_queue")
    try:
        made = assignments_sample(
            teams=chosen,
            per_agent=form.cleaned_data["per_agent"],
            reviewer=request.user,
            due_on=form.cleaned_data["due_on"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("review_queue")
    if made:
        messages.success(
            request, f"Assigned {made} interaction{'s' if made != 1 else ''} to you at random."
        )
    else:
        messages.info(
            request,
            "Nothing left to pick: every interaction of the last 7 days is already "
            "reviewed or assigned.",
        )
    return redirect("my_assignments")


@reviewer_required
@require_GET
def my_assignments(request):
    today = timezone.localdate()
    data = selectors.my_assignments(request.user, today=today)
    team_ids = {a.team_id for a in data["overdue"] + data["due"]}
    eligible = selectors.reviewers_by_team(team_ids)
    for assignment in data["overdue"] + data["due"]:
        assignment.others = [
            person
            for person in eligible.get(assignment.team_id, [])
            if person.pk != request.user.pk
        ]
    rules_led = teams_led_by(request.user).order_by("name")
    return render(
        request,
        "qa/my_assignments.html",
        {**data, "today": today, "teams_led": rules_led},
    )


def _back(request):
    return redirect(reverse("my_assignments"))


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_POST
def assignment_reassign_view(request, pk):
    assignment = selectors.get_assignment_for_user(request.user, pk)
    form = ReassignForm(request.POST, eligible=selectors.eligible_reviewers(assignment.team))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(request)
    try:
        assignment_reassign(
            assignment=assignment, reviewer=form.cleaned_data["reviewer"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request)
    person = form.cleaned_data["reviewer"]
    messages.success(
        request,
        f"Interaction {assignment.interaction.reference} now goes to "
        f"{person.get_full_name() or person.get_username()}.",
    )
    return _back(request)


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_POST
def assignment_skip_view(request, pk):
    assignment = selectors.get_assignment_for_user(request.user, pk)
    form = SkipForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(request)
    try:
        assignment_skip(assignment=assignment, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request)
    messages.success(request, f"Skipped interaction {assignment.interaction.reference}.")
    return _back(request)


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_GET
def assignment_rules(request):
    teams = list(teams_led_by(request.user).order_by("name"))
    rules = {
        rule.team_id: rule
        for rule in AssignmentRule.objects.filter(team__in=teams).prefetch_related("reviewers")
    }
    for team in teams:
        team.rule = rules.get(team.pk)
    return render(request, "qa/assignment_rules.html", {"teams": teams})


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_http_methods(["GET", "POST"])
def assignment_rule_edit(request, team_pk):
    team = selectors.get_team_for_rule(request.user, team_pk)
    rule = AssignmentRule.objects.filter(team=team).first()
    eligible = selectors.eligible_reviewers(team)
    initial = {"per_agent": 2, "period": "week", "active": True}
    if rule is not None:
        initial = {
            "per_agent": rule.per_agent,
            "period": rule.period,
            "active": rule.active,
            "reviewers": list(rule.reviewers.all()),
        }
    form = AssignmentRuleForm(request.POST or None, initial=initial, eligible=eligible)
    if request.method == "POST" and form.is_valid():
        try:
            assignment_rule_set(team=team, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, f"Saved the assignment rule of {team}.")
            return redirect("assignment_rules")
    return render(
        request, "qa/assignment_rule_edit.html", {"form": form, "team": team, "rule": rule}
    )
