import uuid
from contextlib import nullcontext

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views import apply_service_errors, int_or_none, uuid_or_none
from rubrics import score_extras, selectors
from rubrics.disputes import dispute_raise, dispute_resolve
from rubrics.forms import (
    CoachingCommentForm,
    DisputeForm,
    DisputeResolveForm,
    InteractionForm,
    ReviewForm,
    RevisionReasonForm,
    RubricRatingForm,
)
from rubrics.models import (
    Evaluation,
    Interaction,
    Rubric,
    ScoreResult,
    weighted_score,
)
from rubrics.services import (
    coaching_comment_add,
    evaluation_revise,
    interaction_self_score,
    review_acknowledge,
    review_mark_seen,
    review_rubric,
    review_submit,
)
from teams.access import reviewer_required, role_required
from teams.models import Role


@role_required(Role.AGENT)
@require_http_methods(["GET", "POST"])
def self_score(request):
    rubric = Rubric.objects.prefetch_related("criteria").current()
    next_steps = []
    if request.method == "POST":
        interaction_form = InteractionForm(request.POST)
        rating_form = RubricRatingForm(request.POST, rubric=rubric)
        token = uuid_or_none(request.POST.get("submission_token"))
        if interaction_form.is_valid() & rating_form.is_valid():
            extras = score_extras.wanted(request.POST)
            try:
                # The score and what its extras attach, or nothing.
                with transaction.atomic() if extras else nullcontext():
                    evaluation = interaction_self_score(
                        agent=request.user,
                        rubric=rubric,
                        interaction_fields=interaction_form.cleaned_data,
                        ratings=rating_form.ratings(),
                        comments=rating_form.comments(),
                        submission_token=token,
                    )
                    score_extras.save_all(
                        extras, request.user, evaluation.interaction, request.POST
                    )
            except ValidationError as error:
                apply_service_errors(error, [rating_form, interaction_form])
                next_steps = _instead_of_scoring_twice(request.user, error)
            else:
                _say_saved(request, evaluation)
                return redirect("interaction_detail", pk=evaluation.interaction_id)
    else:
        interaction_form = InteractionForm(
            initial={"occurred_at": _now_minute(), "reference": request.GET.get("reference", "")}
        )
        rating_form = RubricRatingForm(rubric=rubric)
        token = uuid.uuid4()
    return render(
        request,
        "rubrics/self_score.html",
        {
            "interaction_form": interaction_form,
            "rating_form": rating_form,
            "error_forms": _with_errors(interaction_form, rating_form),
            "next_steps": next_steps,
            "rubric": rubric,
            "submission_token": token or uuid.uuid4(),
            "preview": _preview(rating_form),
            "score_extras": score_extras.forms_for(
                request.user, request.POST if request.method == "POST" else None, request.GET
            ),
        },
    )


def _say_saved(request, evaluation: Evaluation) -> None:
    reference = evaluation.interaction.reference
    if getattr(evaluation, "already_saved", False):
        # The same form sent again (Back, then Save; a double click): nothing new was stored.
        messages.info(
            request,
            f"You already saved this interaction ({reference}) with that form, so nothing new "
            "was recorded. Here it is; to change its score, correct it from this page.",
        )
    elif getattr(evaluation, "joined_recorded", False):
        messages.success(
            request,
            f"Saved: you scored {reference}, which your supervisor had recorded for review.",
        )
    else:
        messages.success(request, f"Saved: you scored {reference}.")


def _instead_of_scoring_twice(user, error: ValidationError) -> list[dict]:
    """When the ticket was scored before: links to that interaction and, while its self-score
    may still be corrected (until it is reviewed), to its correction page."""
    duplicate = next(
        (
            each
            for each in getattr(error, "error_dict", {}).get("reference", [])
            if each.code in ("duplicate", "reviewed_first")
        ),
        None,
    )
    earlier = duplicate and selectors.scored_before(user, duplicate.params["interaction"])
    if not earlier:
        return []
    steps = [
        {
            "text": f"Open {earlier.reference} of "
            f"{formats.date_format(timezone.localtime(earlier.occurred_at), 'j M Y')}"
            + (" and read the review" if duplicate.code == "reviewed_first" else ""),
            "url": reverse("interaction_detail", args=[earlier.pk]),
        }
    ]
    if duplicate.code == "reviewed_first":
        return steps  # the error says why; the review is on that page
    if earlier.reviewed:
        steps.append(
            {
                "text": "It has already been reviewed, so its self-score is final; if you "
                "disagree with the review, dispute it there."
            }
        )
    else:
        steps.append(
            {
                "text": "Correct that score instead",
                "url": reverse("self_score_revise", args=[earlier.pk]),
            }
        )
    return steps


def _with_errors(*forms) -> list:
    """The forms of a page that have errors, for its error summary."""
    return [form for form in forms if form.is_bound and form.errors]


@role_required(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
@require_POST
def score_preview(request):
    """The live total: htmx posts the ratings picked so far; the same engine scores them."""
    rubric = get_object_or_404(Rubric, version=int_or_none(request.POST.get("rubric_version")))
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
    interaction = selectors.get_interaction_for_user(
        request.user,
        pk,
        queryset=Interaction.objects.select_related("agent", "team", "recorded_by"),
    )
    is_owner = interaction.agent_id == request.user.id
    overview = selectors.interaction_overview(interaction, request.user)
    review, dispute = overview["review"], overview["dispute"]
    return render(
        request,
        "rubrics/interaction_detail.html",
        {
            **overview,
            "interaction": interaction,
            "is_owner": is_owner,
            "coaching_form": CoachingCommentForm(),
            "may_resolve": dispute is not None
            and dispute.is_open
            and dispute.may_be_resolved_by(request.user),
            "may_respond": is_owner
            and review is not None
            and review.acknowledged_at is None
            and dispute is None,
            # Reading changes nothing: the agent marks a new review read with a POST.
            "may_mark_read": is_owner and review is not None and review.seen_at is None,
            "may_acknowledge": is_owner
            and review is not None
            and review.acknowledged_at is None
            and (dispute is None or not dispute.is_open),
        },
    )


@role_required(Role.AGENT)
@require_http_methods(["GET", "POST"])
def self_score_revise(request, pk):
    interaction = selectors.get_interaction_for_user(request.user, pk, scope="own")
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
                apply_service_errors(error, [rating_form, reason_form])
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
            "error_forms": _with_errors(rating_form, reason_form),
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


# Reviews -----------------------------------------------------------------------------------


@reviewer_required
@require_http_methods(["GET", "POST"])
def review_create(request, pk):
    interaction = selectors.get_interaction_for_user(
        request.user,
        pk,
        scope="review",
        queryset=Interaction.objects.select_related("agent", "team"),
    )
    if interaction.evaluations.filter(kind=Evaluation.Kind.REVIEW).exists():
        messages.info(request, "This interaction has already been reviewed.")
        return redirect("interaction_detail", pk=pk)
    self_evaluation = (
        interaction.evaluations.select_related("rubric")
        .filter(kind=Evaluation.Kind.SELF, is_current=True)
        .first()
    )
    rubric = review_rubric(self_evaluation)
    if request.method == "POST":
        form = ReviewForm(request.POST, rubric=rubric)
        if form.is_valid():
            try:
                review_submit(
                    interaction=interaction,
                    reviewer=request.user,
                    ratings=form.ratings(),
                    comments=form.comments(),
                    comment=form.cleaned_data["comment"],
                    root_causes=form.cleaned_data["root_causes"],
                )
            except ValidationError as error:
                apply_service_errors(error, [form])
            else:
                messages.success(
                    request,
                    "Review saved. Here it is beside the agent's own score; add coaching below."
                    if self_evaluation is not None
                    else "Review saved. The agent has not scored this interaction themselves; "
                    "add coaching below.",
                )
                return redirect("interaction_detail", pk=pk)
    else:
        form = ReviewForm(rubric=rubric)
    return render(
        request,
        "rubrics/review_form.html",
        {
            "interaction": interaction,
            "rating_form": form,
            "error_forms": _with_errors(form),
            "rubric": rubric,
            "self_scored": self_evaluation is not None,
            "preview": _preview(form),
        },
    )


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_POST
def coaching_comment_create(request, pk):
    interaction = selectors.get_interaction_for_user(request.user, pk, scope="lead")
    form = CoachingCommentForm(request.POST)
    if form.is_valid():
        try:
            coaching_comment_add(
                interaction=interaction, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Coaching comment added; the agent will see it.")
    else:
        messages.error(request, " ".join(form.errors["body"]))
    return redirect("interaction_detail", pk=pk)


@role_required(Role.AGENT)
@require_POST
def review_acknowledge_view(request, pk):
    interaction = selectors.get_interaction_for_user(request.user, pk, scope="own")
    try:
        review_acknowledge(interaction=interaction, agent=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Thank you: the review is acknowledged.")
    return redirect("interaction_detail", pk=pk)


@role_required(Role.AGENT)
@require_POST
def review_mark_read(request, pk):
    interaction = selectors.get_interaction_for_user(request.user, pk, scope="own")
    if review_mark_seen(interaction=interaction, agent=request.user):
        messages.success(request, "Marked as read.")
    return redirect("interaction_detail", pk=pk)


@role_required(Role.AGENT)
@require_http_methods(["GET", "POST"])
def dispute_create(request, pk):
    interaction = selectors.get_interaction_for_user(
        request.user, pk, scope="own", queryset=Interaction.objects.select_related("team")
    )
    review = get_object_or_404(
        interaction.evaluations.prefetch_related("ratings__criterion"),
        kind=Evaluation.Kind.REVIEW,
        is_current=True,
    )
    review_ratings = review.ratings.all()
    form = DisputeForm(
        request.POST if request.method == "POST" else None, review_ratings=review_ratings
    )
    if request.method == "POST" and form.is_valid():
        try:
            dispute_raise(
                interaction=interaction,
                agent=request.user,
                reason=form.cleaned_data["reason"],
                proposed=form.proposed(),
            )
        except ValidationError as error:
            apply_service_errors(error, [form], field_prefix="propose_")
        else:
            messages.success(request, "Your dispute is sent to your supervisor.")
            return redirect("interaction_detail", pk=pk)
    return render(
        request,
        "rubrics/dispute_form.html",
        {"interaction": interaction, "review": review, "form": form},
    )


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_http_methods(["GET", "POST"])
def dispute_resolve_view(request, pk):
    dispute = selectors.get_dispute_for_resolving(request.user, pk)
    if not dispute.is_open:
        messages.info(request, "This dispute has already been settled.")
        return redirect("interaction_detail", pk=dispute.interaction_id)
    form = DisputeResolveForm(request.POST if request.method == "POST" else None, dispute=dispute)
    if request.method == "POST" and form.is_valid():
        try:
            dispute_resolve(
                dispute=dispute,
                resolver=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                ratings=form.ratings(),
            )
        except ValidationError as error:
            apply_service_errors(error, [form], field_prefix="final_")
        else:
            messages.success(request, "The dispute is settled; the agent can see the outcome.")
            return redirect("interaction_detail", pk=dispute.interaction_id)
    return render(request, "rubrics/dispute_resolve.html", {"dispute": dispute, "form": form})


@role_required(Role.AGENT)
@require_GET
def my_reviews(request):
    page = Paginator(selectors.reviews_for_agent(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "rubrics/my_reviews.html", {"page": page})


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)
