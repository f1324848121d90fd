"""Pages for raising a concern and for working cases.

Nothing here may log, cache or message anything that identifies who sent an anonymous report.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import selectors, services
from cases.forms import (
    CaseConcernForm,
    CaseDecisionForm,
    CaseMessageForm,
    CaseReassignForm,
    CaseStatusForm,
    RootCauseForm,
)
from cases.models import Case
from checklists.models import Concern, DecisionRecord
from checklists.run_help import concern_prefill
from core.views import apply_service_errors

PAGE_SIZE = 25
# Other sites never learn that the receipt page was open. Not "no-referrer": with it the browser
# posts `Origin: null`, which the CSRF check refuses, so the reporter could not even log out.
NO_REFERRER_ELSEWHERE = "same-origin"


def case_worker_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.may_work_cases(request.user):
            raise PermissionDenied("Only supervisors, compliance and admins work cases.")
        return view(request, *args, **kwargs)

    return wrapped


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def concern_new(request):
    form = CaseConcernForm(
        request.POST if request.method == "POST" else None, initial=_concern_prefill(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            _case, code = services.concern_raise(
                reporter=request.user,
                category=form.cleaned_data["category"],
                description=form.cleaned_data["description"],
                anonymous=form.cleaned_data["anonymous"],
                about_supervisor=form.cleaned_data["about_supervisor"],
                to_compliance=form.cleaned_data["to_compliance"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            if code:
                # Shown once, in this answer only: no redirect, no message, no session.
                response = render(request, "cases/receipt.html", {"code": code})
                response["Referrer-Policy"] = NO_REFERRER_ELSEWHERE
                return response
            messages.success(request, "Thank you. Your report has been received.")
            return redirect("concern_mine")
    from_checklist = bool(form.initial.get("description"))
    return render(
        request, "cases/concern_form.html", {"form": form, "from_checklist": from_checklist}
    )


def _concern_prefill(request) -> dict:
    """A checklist's "no" links here with its item's category and the answer's id: the form
    starts with that category and a line naming the run, never the note."""
    initial = {}
    if request.method != "GET":
        return initial
    if request.GET.get("category") in Concern.Category.values:
        initial["category"] = request.GET["category"]
    if "checklist_answer" in request.GET:
        initial["description"] = concern_prefill(request.user, request.GET["checklist_answer"])
    return initial


@case_worker_required
@require_GET
def case_list(request):
    status = request.GET.get("status", "")
    cases = selectors.cases_for_user(request.user)
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    elif status == "overdue":
        cases = cases.overdue()
    else:
        status = ""
        cases = cases.exclude(status=Case.Status.CLOSED)
    page = Paginator(cases.order_by("opened_on", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for case in page:
        case.overdue = case.overdue_reasons(today)
    return render(
        request,
        "cases/case_list.html",
        {"page": page, "status": status, "statuses": Case.Status.choices},
    )


def _case_page(request, case, **forms):
    closed = case.status == Case.Status.CLOSED
    tags = list(case.root_causes.all())
    context = {
        "case": case,
        "concern": case.concern,
        "case_messages": case.messages.select_related("author"),
        "overdue": case.overdue_reasons(),
        "message_form": None if closed else forms.get("message_form", CaseMessageForm()),
        "status_form": None if closed else forms.get("status_form", CaseStatusForm()),
        "reassign_form": None if closed else forms.get("reassign_form", CaseReassignForm()),
        # Tags may be added after the close too: that is often when the cause is clear.
        "root_cause_form": forms.get(
            "root_cause_form",
            RootCauseForm(initial={"root_causes": [tag.pk for tag in tags]}),
        ),
        "case_root_causes": tags,
        # Only the decisions this person may open (the others' issues are not theirs to read).
        "case_decisions": case.decisions.filter(
            pk__in=DecisionRecord.objects.visible_to(request.user).values("pk")
        ).select_related("author"),
        "decision_form": forms.get("decision_form", CaseDecisionForm(user=request.user)),
    }
    return render(request, "cases/case_detail.html", context, status=forms.get("status", 200))


@case_worker_required
@require_GET
def case_detail(request, pk):
    return _case_page(request, selectors.get_case_for_user(request.user, pk))


def _act(request, pk, form_class, form_name, action, done):
    case = selectors.get_case_for_user(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(case, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, done)
            return redirect("case_detail", pk=case.pk)
    return _case_page(request, case, **{form_name: form, "status": 400})


@case_worker_required
@require_POST
def case_acknowledge(request, pk):
    case = selectors.get_case_for_user(request.user, pk)
    try:
        services.case_acknowledge(case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Case acknowledged.")
    return redirect("case_detail", pk=case.pk)


@case_worker_required
@require_POST
def case_message(request, pk):
    return _act(
        request,
        pk,
        CaseMessageForm,
        "message_form",
        lambda case, data: services.case_message_add(
            case=case, author=request.user, kind=data["kind"], text=data["text"]
        ),
        "Message added.",
    )


@case_worker_required
@require_POST
def case_status(request, pk):
    return _act(
        request,
        pk,
        CaseStatusForm,
        "status_form",
        lambda case, data: services.case_status_change(
            case=case, status=data["status"], outcome=data["outcome"]
        ),
        "Case updated.",
    )


@case_worker_required
@require_POST
def case_reassign(request, pk):
    return _act(
        request,
        pk,
        CaseReassignForm,
        "reassign_form",
        lambda case, data: services.case_reassign(case=case, owner=data["owner"]),
        "Case reassigned.",
    )


@case_worker_required
@require_POST
def case_root_causes(request, pk):
    return _act(
        request,
        pk,
        RootCauseForm,
        "root_cause_form",
        lambda case, data: services.case_root_causes_set(
            case=case, root_causes=data["root_causes"]
        ),
        "Root causes saved.",
    )


@case_worker_required
@require_POST
def case_decision(request, pk):
    case = selectors.get_case_for_user(request.user, pk)
    form = CaseDecisionForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.case_decision_link(
                case=case, decision=form.cleaned_data["decision"], user=request.user
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, "Decision linked.")
            return redirect("case_detail", pk=case.pk)
    return _case_page(request, case, decision_form=form, status=400)
