"""One checklist run: its page, and attaching it to (or taking it off) an interaction."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from checklists import selectors, services
from checklists.forms import AnswerRootCausesForm, AttachRunForm
from checklists.models import Checklist
from checklists.run_help import with_no_answer_help
from core.views import apply_service_errors
from teams.access import role_required
from teams.models import Role

ANY_ROLE = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


def _run_page(request, run, attach_form=None, root_cause_form=None, status=200):
    with_no_answer_help([run])
    is_runner = run.runner_id == request.user.pk
    if is_runner and root_cause_form is None:
        root_cause_form = AnswerRootCausesForm(answers=run.answers.all())
    may_attach = (
        is_runner and run.checklist.kind == Checklist.Kind.INTERACTION and not run.interaction_id
    )
    if may_attach and attach_form is None:
        attach_form = AttachRunForm(user=request.user, reference=run.ticket_reference)
    return render(
        request,
        "checklists/run_detail.html",
        {
            "run": run,
            "attach_form": attach_form if may_attach else None,
            "may_detach": is_runner and run.interaction_id is not None,
            "root_cause_form": root_cause_form,
        },
        status=status,
    )


@role_required(*ANY_ROLE)
@require_GET
def checklist_run_detail(request, pk):
    return _run_page(request, selectors.get_run_for_user(request.user, pk))


def _own_run(request, pk):
    run = selectors.get_run_for_user(request.user, pk)
    if run.runner_id != request.user.pk:
        raise PermissionDenied(services.ONLY_OWN_RUNS)
    return run


@role_required(*ANY_ROLE)
@require_POST
def checklist_run_attach(request, pk):
    run = _own_run(request, pk)
    form = AttachRunForm(request.POST, user=request.user, reference=run.ticket_reference)
    if form.is_valid():
        interaction = form.cleaned_data["interaction"]
        try:
            services.checklist_run_attach(run=run, interaction=interaction, user=request.user)
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, f"Attached this run to {interaction.reference}.")
            return redirect("checklist_run_detail", pk=run.pk)
    return _run_page(request, run, attach_form=form)


@role_required(*ANY_ROLE)
@require_POST
def checklist_run_detach(request, pk):
    run = _own_run(request, pk)
    try:
        services.checklist_run_detach(run=run, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Took this run off the interaction; attach it again any time.")
    return redirect("checklist_run_detail", pk=run.pk)


@role_required(*ANY_ROLE)
@require_POST
def checklist_run_root_causes(request, pk):
    run = selectors.get_run_for_user(request.user, pk)
    if run.runner_id != request.user.pk:
        raise PermissionDenied("Only the person who ran the checklist tags its answers.")
    form = AnswerRootCausesForm(request.POST, answers=run.answers.all())
    if form.is_valid():
        try:
            services.run_root_causes_set(run=run, runner=request.user, chosen=form.chosen())
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, "Root causes saved.")
            return redirect("checklist_run_detail", pk=run.pk)
    return _run_page(request, run, root_cause_form=form, status=400)
