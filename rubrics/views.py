import uuid
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rubrics.forms import DateRangeForm, InteractionForm, RevisionReasonForm, RubricRatingForm
from rubrics.models import Evaluation, Interaction, Rubric, ScoreResult, weighted_score
from rubrics.selectors import date_window, my_scores
from rubrics.services import evaluation_revise, interaction_self_score
from teams.access import role_required
from teams.models import Role


def _apply_service_errors(error: ValidationError, forms: list) -> None:
    """Show a service-level ValidationError on the field it names, else atop the first form."""
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error.messages)
        return
    for key, field_errors in error.error_dict.items():
        # Services name criteria by key; the rating form calls their comment fields comment_<key>.
        targets = [
            (form, name)
            for form in forms
            for name in (key, f"comment_{key}")
            if name in form.fields
        ]
        form, name = targets[0] if targets else (forms[0], None)
        form.add_error(name, field_errors)


@role_required(Role.AGENT)
@require_http_methods(["GET", "POST"])
def self_score(request):
    rubric = Rubric.objects.current()
    if request.method == "POST":
        interaction_form = InteractionForm(request.POST)
        rating_form = RubricRatingForm(request.POST, rubric=rubric)
        token = _parse_token(request.POST.get("submission_token"))
        if interaction_form.is_valid() & rating_form.is_valid():
            try:
                evaluation = interaction_self_score(
                    agent=request.user,
                    rubric=rubric,
                    interaction_fields=interaction_form.cleaned_data,
                    ratings=rating_form.ratings(),
                    comments=rating_form.comments(),
                    submission_token=token,
                )
            except ValidationError as error:
                _apply_service_errors(error, [rating_form, interaction_form])
            else:
                messages.success(request, f"Saved: you scored {evaluation.interaction.reference}.")
                return redirect("interaction_detail", pk=evaluation.interaction_id)
    else:
        interaction_form = InteractionForm(initial={"occurred_at": _now_minute()})
        rating_form = RubricRatingForm(rubric=rubric)
        token = uuid.uuid4()
    return render(
        request,
        "rubrics/self_score.html",
        {
            "interaction_form": interaction_form,
            "rating_form": rating_form,
            "rubric": rubric,
            "submission_token": token or uuid.uuid4(),
            "preview": _preview(rating_form),
        },
    )


@role_required(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
@require_POST
def score_preview(request):
    """The live total: htmx posts the ratings picked so far; the same engine scores them."""
    rubric = get_object_or_404(Rubric, version=_int_or_none(request.POST.get("rubric_version")))
    rating_form = RubricRatingForm(request.POST, rubric=rubric)
    rating_form.is_valid()
    return render(request, "rubrics/score_total.html", {"preview": _preview(rating_form)})


def _preview(rating_form: RubricRatingForm) -> dict:
    if not rating_form.is_bound:
        return {"rated": 0, "total": len(rating_form.criteria)}
    rating_form.is_valid()
    ratings = rating_form.ratings()
    preview = {"rated": len(ratings), "total": len(rating_form.criteria)}
    if any(value is not None for value in ratings.values()):
        weighted = [
            (criterion.weight, ratings[criterion.key], criterion.critical)
            for criterion in rating_form.criteria
            if criterion.key in ratings
        ]
        preview["result"] = weighted_score(weighted)
    return preview


@role_required(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
@require_GET
def interaction_detail(request, pk):
    interaction = get_object_or_404(
        Interaction.objects.visible_to(request.user).select_related("agent", "team"), pk=pk
    )
    evaluations = (
        interaction.evaluations.select_related("author", "rubric", "supersedes")
        .prefetch_related("ratings__criterion")
        .order_by("kind", "-revision")
    )
    self_history = [e for e in evaluations if e.kind == Evaluation.Kind.SELF]
    return render(
        request,
        "rubrics/interaction_detail.html",
        {
            "interaction": interaction,
            "self_evaluation": self_history[0] if self_history else None,
            "self_history": self_history,
            "is_owner": interaction.agent_id == request.user.id,
        },
    )


@role_required(Role.AGENT)
@require_http_methods(["GET", "POST"])
def self_score_revise(request, pk):
    interaction = get_object_or_404(Interaction.objects.filter(agent=request.user), pk=pk)
    current = get_object_or_404(
        interaction.evaluations.select_related("rubric").prefetch_related("ratings__criterion"),
        kind=Evaluation.Kind.SELF,
        is_current=True,
    )
    initial = {r.criterion.key: (r.value, r.comment) for r in current.ratings.all()}
    if request.method == "POST":
        rating_form = RubricRatingForm(request.POST, rubric=current.rubric)
        reason_form = RevisionReasonForm(request.POST)
        if rating_form.is_valid() & reason_form.is_valid():
            try:
                evaluation_revise(
                    evaluation=current,
                    author=request.user,
                    ratings=rating_form.ratings(),
                    comments=rating_form.comments(),
                    reason=reason_form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _apply_service_errors(error, [rating_form, reason_form])
            else:
                messages.success(
                    request,
                    "Your corrected score is saved; the earlier one is kept in the history.",
                )
                return redirect("interaction_detail", pk=interaction.pk)
    else:
        rating_form = RubricRatingForm(rubric=current.rubric, initial_ratings=initial)
        reason_form = RevisionReasonForm()
    return render(
        request,
        "rubrics/self_score_revise.html",
        {
            "interaction": interaction,
            "current": current,
            "rating_form": rating_form,
            "reason_form": reason_form,
            "rubric": current.rubric,
            "preview": _preview(rating_form) if rating_form.is_bound else _initial_preview(current),
        },
    )


def _initial_preview(evaluation: Evaluation) -> dict:
    total = len(evaluation.ratings.all())
    return {
        "rated": total,
        "total": total,
        "result": ScoreResult(evaluation.score, evaluation.percent, evaluation.critical_fail),
    }


@role_required(Role.AGENT)
@require_GET
def my_scores_page(request):
    form = DateRangeForm(request.GET or None)
    date_from = date_to = None
    if form.is_bound and form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    start, end = date_window(date_from, date_to)
    data = my_scores(request.user, start, end)
    page = Paginator(data["interactions"], 25).get_page(request.GET.get("page"))
    return render(
        request,
        "rubrics/my_scores.html",
        {
            **data,
            "form": form,
            "page": page,
            "start": start.date(),
            "end": (end - timedelta(days=1)).date(),
        },
    )


def _parse_token(raw):
    try:
        return uuid.UUID(str(raw))
    except (TypeError, ValueError):
        return None


def _int_or_none(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)
