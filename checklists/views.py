from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from checklists import selectors, services
from checklists.forms import (
    RECENT_INTERACTIONS,
    ChecklistRunForm,
    InteractionSearchForm,
    ProofPlanTaskForm,
    ServiceChangeDecisionForm,
    ServiceChangeForm,
)
from checklists.models import (
    Checklist,
    ChecklistItem,
    DecisionRecord,
    DecisionStep,
    ProofPlanTask,
    ServiceChangeReview,
    TriageRequest,
    TriageRule,
)
from checklists.record_forms import (
    DecisionRecordForm,
    FollowUpForm,
    OutcomeForm,
    TriageRequestForm,
)
from core.views import apply_service_errors, int_or_none
from rubrics.models import Interaction
from teams.access import has_role, role_required
from teams.models import Role

ANY_ROLE = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
LEADERS = (Role.SUPERVISOR, Role.ADMIN)
PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Checklist runs -----------------------------------------------------------------------------


@role_required(*ANY_ROLE)
@require_GET
def checklist_index(request):
    return render(
        request,
        "checklists/index.html",
        {
            "checklists": selectors.runnable_checklists(request.user).prefetch_related(
                Prefetch("items", queryset=ChecklistItem.objects.filter(is_active=True))
            ),
            "recent_runs": selectors.runs_for_list(request.user).filter(runner=request.user)[:5],
        },
    )


@role_required(*ANY_ROLE)
@require_http_methods(["GET", "POST"])
def checklist_run(request, slug):
    checklist = get_object_or_404(
        Checklist.objects.exclude(kind=Checklist.Kind.SERVICE_CHANGE), slug=slug, is_active=True
    )
    if checklist.audience == Checklist.Audience.LEADERS and not has_role(request.user, *LEADERS):
        raise PermissionDenied("This checklist is for supervisors and admins.")
    # The search box narrows the interactions offered; it is a GET on this page, and the run
    # form posts back to the same address, so a refused run keeps the list it was chosen from.
    search_form = None
    search = ""
    if checklist.kind == Checklist.Kind.INTERACTION:
        search_form = InteractionSearchForm(request.GET)
        search = search_form.search()
    kwargs = {"checklist": checklist, "user": request.user, "search": search}
    if request.method == "POST":
        form = ChecklistRunForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                run = services.checklist_run_create(
                    checklist=checklist,
                    runner=request.user,
                    answers=form.answers(),
                    interaction=form.cleaned_data.get("interaction"),
                    policy_change=form.cleaned_data.get("policy_change", ""),
                    ticket_reference=form.cleaned_data.get("ticket_reference", ""),
                )
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(request, f"Saved your run of the {checklist.title.lower()}.")
                return redirect("checklist_run_detail", pk=run.pk)
    else:
        initial = {"ticket_reference": request.GET.get("reference", "")[:64]}
        chosen = int_or_none(request.GET.get("interaction"))
        if checklist.kind == Checklist.Kind.INTERACTION and chosen is not None:
            initial["interaction"] = (
                Interaction.objects.visible_to(request.user).filter(pk=chosen).first()
            )
        form = ChecklistRunForm(initial=initial, **kwargs)
    return render(
        request,
        "checklists/run_form.html",
        {
            "checklist": checklist,
            "form": form,
            "search_form": search_form,
            "recent_limit": RECENT_INTERACTIONS,
        },
    )


@role_required(*ANY_ROLE)
@require_GET
def checklist_runs(request):
    runs = selectors.runs_for_list(request.user)
    only_no = request.GET.get("only") == "no"
    if only_no:
        runs = runs.filter(no_count__gt=0)
    return render(
        request,
        "checklists/runs.html",
        {
            "page": _page(request, runs),
            "only_no": only_no,
            "leads": has_role(request.user, *LEADERS),
        },
    )


# --- Service-change reviews ---------------------------------------------------------------------


def _service_change_items():
    checklist = Checklist.objects.filter(kind=Checklist.Kind.SERVICE_CHANGE, is_active=True).first()
    if checklist is None:
        raise Http404("There is no active service-change review checklist.")
    return checklist, checklist.items.filter(is_active=True)


@role_required(*LEADERS)
@require_GET
def service_change_list(request):
    reviews = ServiceChangeReview.objects.select_related("proposed_by", "decided_by")
    return render(request, "checklists/service_change_list.html", {"page": _page(request, reviews)})


@role_required(*LEADERS)
@require_http_methods(["GET", "POST"])
def service_change_new(request):
    checklist, items = _service_change_items()
    form = ServiceChangeForm(request.POST if request.method == "POST" else None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.service_change_review_create(
                proposed_by=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                answers=form.answers(),
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, "Review recorded. Check the summary, then decide.")
            return redirect("service_change_detail", pk=review.pk)
    return render(
        request, "checklists/service_change_form.html", {"checklist": checklist, "form": form}
    )


def _review_page(request, review, decision_form):
    return render(
        request,
        "checklists/service_change_detail.html",
        {"review": review, "summary": review.risk_summary(), "decision_form": decision_form},
    )


@role_required(*LEADERS)
@require_GET
def service_change_detail(request, pk):
    review = selectors.get_service_change_for_user(request.user, pk)
    may_decide = not review.is_decided and review.may_be_decided_by(request.user)
    return _review_page(request, review, ServiceChangeDecisionForm() if may_decide else None)


@role_required(*LEADERS)
@require_POST
def service_change_decide(request, pk):
    review = selectors.get_service_change_for_user(request.user, pk)
    if not review.may_be_decided_by(request.user):
        raise PermissionDenied(services.SELF_DECISION_REFUSED)
    form = ServiceChangeDecisionForm(request.POST)
    if form.is_valid():
        try:
            review = services.service_change_decide(
                review=review,
                decided_by=request.user,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, f"Decision recorded: {review.get_decision_display()}.")
            return redirect("service_change_detail", pk=review.pk)
    return _review_page(request, review, form)


# --- Request triage -----------------------------------------------------------------------------


@role_required(*ANY_ROLE)
@require_GET
def triage_queue(request):
    visible = TriageRequest.objects.visible_to(request.user).select_related(
        "rule", "logged_by", "team", "owner"
    )
    show_resolved = request.GET.get("show") == "resolved"
    if show_resolved:
        requests = visible.filter(resolved_at__isnull=False).order_by("-resolved_at", "-id")
    else:
        requests = visible.open().in_queue_order()
    return render(
        request,
        "checklists/triage_queue.html",
        {
            "page": _page(request, requests),
            "show_resolved": show_resolved,
            "rules": TriageRule.objects.all(),
            "now": timezone.now(),
        },
    )


@role_required(*ANY_ROLE)
@require_http_methods(["GET", "POST"])
def triage_new(request):
    form = TriageRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            triaged = services.triage_request_log(logged_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(
                request,
                f"Logged. Priority: {triaged.rule.priority.lower()}. {triaged.rule.guidance}",
            )
            return redirect("triage_queue")
    return render(
        request, "checklists/triage_form.html", {"form": form, "rules": TriageRule.objects.all()}
    )


@role_required(*ANY_ROLE)
@require_GET
def triage_detail(request, pk):
    triaged = selectors.get_triage_request_for_user(request.user, pk)
    form = None if triaged.is_resolved else OutcomeForm()
    return render(request, "checklists/triage_detail.html", {"triaged": triaged, "form": form})


@role_required(*ANY_ROLE)
@require_POST
def triage_resolve(request, pk):
    triaged = selectors.get_triage_request_for_user(request.user, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.triage_request_resolve(
                request=triaged,
                resolved_by=request.user,
                outcome=form.cleaned_data["outcome"],
                handling=form.cleaned_data["handling"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, "Request resolved.")
            return redirect("triage_queue")
    return render(request, "checklists/triage_detail.html", {"triaged": triaged, "form": form})


# --- Decision records ---------------------------------------------------------------------------


@role_required(*ANY_ROLE)
@require_GET
def decision_list(request):
    records = DecisionRecord.objects.visible_to(request.user).select_related("author", "team")
    only_overdue = request.GET.get("only") == "overdue"
    if only_overdue:
        records = records.overdue().order_by("follow_up_on", "id")
    return render(
        request,
        "checklists/decision_list.html",
        {
            "page": _page(request, records),
            "only_overdue": only_overdue,
            "overdue_count": DecisionRecord.objects.visible_to(request.user).overdue().count(),
        },
    )


@role_required(*ANY_ROLE)
@require_http_methods(["GET", "POST"])
def decision_new(request):
    linked = {
        "interaction": int_or_none(request.GET.get("interaction")),
        "triage_request": int_or_none(request.GET.get("triage")),
    }
    form = DecisionRecordForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=linked
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.decision_record_create(author=request.user, fields=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, "Decision recorded. Come back on the follow-up date.")
            return redirect("decision_detail", pk=record.pk)
    return render(
        request,
        "checklists/decision_form.html",
        {
            "form": form,
            "steps": form.steps(DecisionStep.objects.all()),
            "links": [form["interaction"], form["triage_request"]],
        },
    )


def _decision_page(request, record, follow_up_form):
    return render(
        request,
        "checklists/decision_detail.html",
        {
            "record": record,
            "steps": list(DecisionStep.objects.all()),
            "is_owner": record.author_id == request.user.id,
            "follow_up_form": follow_up_form,
        },
    )


@role_required(*ANY_ROLE)
@require_GET
def decision_detail(request, pk):
    record = selectors.get_decision_for_user(request.user, pk)
    return _decision_page(request, record, FollowUpForm())


@role_required(*ANY_ROLE)
@require_POST
def decision_follow_up(request, pk):
    record = selectors.get_decision_for_user(request.user, pk)
    if record.author_id != request.user.id:
        raise PermissionDenied("Only the person who made the decision records its follow-up.")
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.decision_record_follow_up(record=record, note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, "Follow-up recorded.")
            return redirect("decision_detail", pk=record.pk)
    return _decision_page(request, record, form)


# --- The proof plan -----------------------------------------------------------------------------


def _proof_plan_page(request, refused=None, status=200):
    """The plan; `refused` is {"task_id", "notes", "errors"} for a task whose save was refused."""
    return render(
        request,
        "checklists/proof_plan.html",
        {"plans": selectors.proof_plan_for(request.user), "refused": refused},
        status=status,
    )


@role_required(Role.AGENT)
@require_GET
def proof_plan(request):
    return _proof_plan_page(request)


@role_required(Role.AGENT)
@require_POST
def proof_plan_task_update(request, task_id):
    task = get_object_or_404(ProofPlanTask, pk=task_id)
    form = ProofPlanTaskForm(request.POST)
    errors = []
    if form.is_valid():
        try:
            services.proof_plan_task_update(
                user=request.user,
                task=task,
                done=form.cleaned_data["done"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"Saved “{task.title}”.")
            return redirect(f"{reverse('proof_plan')}#task-{task.pk}")
    else:
        errors = [message for field_errors in form.errors.values() for message in field_errors]
    refused = {"task_id": task.pk, "notes": request.POST.get("notes", ""), "errors": errors}
    return _proof_plan_page(request, refused)
