"""Training pages: practice, modules, certificates, assignments and team progress.

Agents answer; every role reads dilemmas. Leaders see their teams' progress and assign modules.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views import apply_service_errors, int_or_none
from teams.access import chosen_teams, has_role, is_admin, role_required, teams_led_by
from teams.models import Role, Team
from training.forms import AnswerForm, AssignmentForm, ModuleForm, VerifyForm
from training.models import Dilemma, Module, Option
from training.selectors import (
    dilemma_links,
    get_certificate_for_user,
    get_dilemma_for_user,
    hardest_dilemmas,
    last_sitting,
    module_statuses,
    practice_set,
    practice_streak,
    team_progress,
    verify_code,
    weakest_criteria,
)
from training.services import assignment_create, attempt_record, module_submit

READERS = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
LEADERS = (Role.SUPERVISOR, Role.ADMIN)


def _modules_visible(user):
    return Module.objects.all() if is_admin(user) else Module.objects.filter(published=True)


@role_required(*READERS)
@require_GET
def training_home(request):
    today = timezone.localdate()
    context = {"modules": _modules_visible(request.user), "today": today}
    if has_role(request.user, Role.AGENT):
        statuses = module_statuses(request.user)
        context |= {
            "statuses": statuses,
            "streak": practice_streak(request.user, today=today),
            "practice_count": len(practice_set(request.user)),
            "overdue": [s for s in statuses if s.is_overdue(today)],
        }
    return render(request, "training/home.html", context)


@role_required(Role.AGENT)
@require_GET
def practice(request):
    """The next dilemma of the agent's practice set, or a word that the set is empty."""
    ids = practice_set(request.user)
    dilemma = None
    if ids:
        dilemma = (
            Dilemma.objects.prefetch_related(
                Prefetch("options", Option.objects.order_by("position"))
            )
            .filter(pk=ids[0])
            .first()
        )
    return render(
        request,
        "training/dilemma.html",
        {"dilemma": dilemma, "practice": True, "remaining": len(ids)},
    )


@role_required(*READERS)
@require_GET
def dilemma_detail(request, pk):
    dilemma = get_dilemma_for_user(request.user, pk)
    return render(request, "training/dilemma.html", {"dilemma": dilemma, "practice": False})


@role_required(Role.AGENT)
@require_POST
def dilemma_answer(request, pk):
    """Record the chosen response; htmx gets the feedback fragment, a plain post the page."""
    dilemma = get_dilemma_for_user(request.user, pk)
    form = AnswerForm(request.POST, dilemma=dilemma)
    context = {"dilemma": dilemma, "practice": request.POST.get("practice") == "1", "form": form}
    if form.is_valid():
        try:
            attempt = attempt_record(
                user=request.user, dilemma=dilemma, option_id=form.cleaned_data["option"]
            )
        except ValidationError as error:
            apply_service_errors(error, [form])
        else:
            context |= {
                "attempt": attempt,
                "options": list(dilemma.options.all()),
                "links": dilemma_links(dilemma, request.user),
            }
    template = "training/feedback.html" if request.htmx else "training/dilemma.html"
    return render(request, template, context)


@role_required(*READERS)
@require_http_methods(["GET", "POST"])
def module_take(request, slug):
    module = get_object_or_404(_modules_visible(request.user), slug=slug)
    dilemmas = list(
        module.dilemmas.published().prefetch_related(
            Prefetch("options", Option.objects.order_by("position", "id"))
        )
    )
    is_agent = has_role(request.user, Role.AGENT)
    form = ModuleForm(request.POST or None, dilemmas=dilemmas)
    for dilemma in dilemmas:
        # What was chosen, so a sitting sent back with a gap keeps the other answers.
        dilemma.chosen = form.data.get(f"dilemma-{dilemma.pk}", "") if form.is_bound else ""
    if request.method == "POST":
        if not is_agent:
            raise PermissionDenied("Only agents take modules.")
        if form.is_valid():
            try:
                best, certificate = module_submit(
                    user=request.user, module=module, answers=form.answers()
                )
            except ValidationError as error:
                apply_service_errors(error, [form])
            else:
                return _graded(request, module, len(dilemmas), best, certificate)
    return render(
        request,
        "training/module.html",
        {
            "module": module,
            "dilemmas": dilemmas,
            "is_agent": is_agent,
            "form": form,
            "sitting": last_sitting(request.user, module) if is_agent else None,
        },
    )


def _graded(request, module, out_of: int, best: int, certificate):
    if certificate is not None:
        messages.success(
            request,
            f"Passed with {best} best answers out of {out_of}. Your certificate is below.",
        )
        return redirect(module)
    messages.warning(
        request,
        f"{best} best answers out of {out_of}; {module.pass_mark} pass. "
        "The ones you missed are now in your practice set.",
    )
    return redirect(module)


@role_required(*LEADERS)
@require_http_methods(["GET", "POST"])
def module_assign(request, slug):
    module = get_object_or_404(Module.objects.filter(published=True), slug=slug)
    teams = Team.objects.all() if is_admin(request.user) else teams_led_by(request.user)
    form = AssignmentForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            assignment_create(
                assigned_by=request.user,
                module=module,
                due_on=form.cleaned_data["due_on"],
                team=form.cleaned_data["team"],
                agents=form.cleaned_data["agents"],
            )
        except ValidationError as error:
            apply_service_errors(error, [form])
        else:
            messages.success(request, f"“{module.title}” assigned.")
            return redirect("training_team")
    return render(request, "training/assign.html", {"module": module, "form": form})


@role_required(*READERS)
@require_GET
def certificate_detail(request, code):
    certificate = get_certificate_for_user(request.user, code)
    return render(request, "training/certificate.html", {"certificate": certificate})


@role_required(Role.ADMIN)
@require_GET
def certificate_verify(request):
    form = VerifyForm(request.GET or None)
    context = {"form": form}
    if form.is_valid():
        context |= {"checked": True, "certificate": verify_code(form.cleaned_data["code"])}
    return render(request, "training/verify.html", context)


@role_required(*LEADERS)
@require_GET
def team_training(request):
    teams = list(Team.objects.all() if is_admin(request.user) else teams_led_by(request.user))
    shown = chosen_teams(teams, int_or_none(request.GET.get("team")))
    rows = team_progress(shown)
    agent_ids = [row.agent.pk for row in rows]
    return render(
        request,
        "training/team.html",
        {
            "teams": teams,
            "shown": shown,
            "rows": rows,
            "hardest": hardest_dilemmas(agent_ids),
            "criteria": weakest_criteria(agent_ids),
            "modules": Module.objects.filter(published=True),
        },
    )
