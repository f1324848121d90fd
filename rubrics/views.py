import uuid
from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ethicskit.csv_export import csv_cell, csv_writer
from rubrics import selectors
from rubrics.forms import (
    CoachingCommentForm,
    DashboardFilterForm,
    DateRangeForm,
    DisputeForm,
    DisputeResolveForm,
    InteractionForm,
    ReviewForm,
    ReviewQueueForm,
    RevisionReasonForm,
    RubricRatingForm,
    SampleForm,
)
from rubrics.models import (
    Criterion,
    Dispute,
    Evaluation,
    Interaction,
    Rubric,
    ScoreResult,
    weighted_score,
)
from rubrics.selectors import date_window, my_scores
from rubrics.services import (
    coaching_comment_add,
    dispute_raise,
    dispute_resolve,
    evaluation_revise,
    interaction_self_score,
    review_acknowledge,
    review_mark_seen,
    review_sample,
    review_submit,
)
from teams.access import role_required, teams_led_by, teams_supervised_by
from teams.models import Membership, Role


def _apply_service_errors(error: ValidationError, forms: list, field_prefix: str = "") -> None:
    """Show a service-level ValidationError on the field it names, else atop the first form."""
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error.messages)
        return
    for key, field_errors in error.error_dict.items():
        # Services name criteria by key; the rating form calls their comment fields comment_<key>.
        targets = [
            (form, name)
            for form in forms
            for name in (key, f"comment_{key}", f"{field_prefix}{key}")
            if name in form.fields
        ]
        form, name = targets[0] if targets else (forms[0], None)
        form.add_error(name, field_errors)


@role_required(Role.AGENT)
@require_http_methods(["GET", "POST"])
def self_score(request):
    rubric = Rubric.objects.prefetch_related("criteria").current()
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
    is_owner = interaction.agent_id == request.user.id
    if is_owner:
        review_mark_seen(interaction=interaction, agent=request.user)
    overview = selectors.interaction_overview(interaction)
    may_review = (
        not is_owner
        and overview["review"] is None
        and Interaction.objects.reviewable_by(request.user).filter(pk=pk).exists()
    )
    if may_review:
        # Blind review: a leader sees the agent's own score only after reviewing it.
        for key in ("self_evaluation", "self_history", "history", "comparison"):
            overview[key] = [] if key != "self_evaluation" else None
    dispute = overview["dispute"]
    return render(
        request,
        "rubrics/interaction_detail.html",
        {
            **overview,
            "interaction": interaction,
            "is_owner": is_owner,
            "self_hidden": may_review,
            "coaching_form": CoachingCommentForm(),
            "may_resolve": dispute is not None
            and dispute.is_open
            and dispute.may_be_resolved_by(request.user),
            "may_respond": is_owner
            and overview["review"] is not None
            and overview["review"].acknowledged_at is None
            and dispute is None,
            "may_acknowledge": is_owner
            and overview["review"] is not None
            and overview["review"].acknowledged_at is None
            and (dispute is None or not dispute.is_open),
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


# Reviews -----------------------------------------------------------------------------------


def _led_teams(user) -> list:
    return list(teams_led_by(user).order_by("name"))


def _chosen(teams: list, team_id):
    """The one team picked from the viewer's own, or all of them; another team's id is a 404."""
    if team_id is None:
        return teams
    chosen = [team for team in teams if team.pk == team_id]
    if not chosen:
        raise Http404("No such team among yours.")
    return chosen


@role_required(Role.SUPERVISOR)
@require_GET
def review_queue(request):
    teams = list(teams_supervised_by(request.user).order_by("name"))
    team_id = _int_or_none(request.GET.get("team"))
    chosen = _chosen(teams, team_id)
    form = ReviewQueueForm(request.GET or None, teams=teams)
    sort, show = "flagged", "all"
    if form.is_bound and form.is_valid():
        sort = form.cleaned_data["sort"] or sort
        show = form.cleaned_data["show"] or show
    queue = selectors.review_queue(
        request.user, teams=chosen, sort=sort, sampled_only=show == "sampled"
    )
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "rubrics/review_queue.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "show": show,
            "sample_form": SampleForm(teams=teams, initial={"team": team_id}),
        },
    )


@role_required(Role.SUPERVISOR)
@require_POST
def review_sample_create(request):
    teams = list(teams_supervised_by(request.user).order_by("name"))
    chosen = _chosen(teams, _int_or_none(request.POST.get("team")))
    form = SampleForm(request.POST, teams=teams)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("review_queue")
    picked = review_sample(
        teams=chosen, per_agent=form.cleaned_data["per_agent"], sampled_by=request.user
    )
    if picked:
        messages.success(
            request,
            f"Picked {picked} interaction{'s' if picked != 1 else ''} at random for review.",
        )
    else:
        messages.info(
            request,
            "Nothing left to pick: every self-scored interaction of the last 7 days is already reviewed or sampled.",
        )
    return redirect(f"{reverse('review_queue')}?show=sampled")


@role_required(Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def review_create(request, pk):
    interaction = get_object_or_404(
        Interaction.objects.reviewable_by(request.user).select_related("agent", "team"), pk=pk
    )
    if interaction.evaluations.filter(kind=Evaluation.Kind.REVIEW).exists():
        messages.info(request, "This interaction has already been reviewed.")
        return redirect("interaction_detail", pk=pk)
    self_evaluation = get_object_or_404(
        interaction.evaluations.select_related("rubric"), kind=Evaluation.Kind.SELF, is_current=True
    )
    rubric = self_evaluation.rubric
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
                )
            except ValidationError as error:
                _apply_service_errors(error, [form])
            else:
                messages.success(
                    request,
                    "Review saved. Here it is beside the agent's own score; add coaching below.",
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
            "rubric": rubric,
            "preview": _preview(form),
        },
    )


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_POST
def coaching_comment_create(request, pk):
    interaction = get_object_or_404(Interaction.objects.led_by(request.user), pk=pk)
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
    interaction = get_object_or_404(Interaction.objects.filter(agent=request.user), pk=pk)
    try:
        review_acknowledge(interaction=interaction, agent=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Thank you: the review is acknowledged.")
    return redirect("interaction_detail", pk=pk)


@role_required(Role.AGENT)
@require_http_methods(["GET", "POST"])
def dispute_create(request, pk):
    interaction = get_object_or_404(
        Interaction.objects.filter(agent=request.user).select_related("team"), pk=pk
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
            _apply_service_errors(error, [form], field_prefix="propose_")
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
    dispute = get_object_or_404(
        Dispute.objects.filter(interaction__in=Interaction.objects.led_by(request.user))
        .select_related("interaction__agent", "review__author", "raised_by")
        .prefetch_related("items__criterion"),
        pk=pk,
    )
    if not dispute.may_be_resolved_by(request.user):
        raise PermissionDenied(
            "Only the supervisor who wrote the review, or an admin, can settle this dispute."
        )
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
            _apply_service_errors(error, [form], field_prefix="final_")
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


# Dashboards ----------------------------------------------------------------------------------


THRESHOLD_SESSION_KEY = "dashboard_threshold"


def _dashboard_filters(request):
    """The filter form and the values to use: each field that is valid, defaults for the rest.

    The threshold a leader sets is remembered in their session until they change it.
    """
    form = DashboardFilterForm(request.GET or None)
    cleaned = form.valid_values()
    start, end = date_window(cleaned.get("date_from"), cleaned.get("date_to"))
    threshold = cleaned.get("threshold")
    if threshold is not None:
        if str(threshold) != request.session.get(THRESHOLD_SESSION_KEY):
            request.session[THRESHOLD_SESSION_KEY] = str(threshold)
    else:
        remembered = request.session.get(THRESHOLD_SESSION_KEY)
        threshold = Decimal(remembered) if remembered else selectors.DEFAULT_THRESHOLD
    return form, {
        "team_id": _int_or_none(request.GET.get("team")),
        "agent_id": _int_or_none(request.GET.get("agent")),
        "start": start,
        "end": end,
        "threshold": threshold,
    }


def _dashboard(request, *, organisation: bool):
    form, filters = _dashboard_filters(request)
    start, end = filters["start"], filters["end"]
    # The team comparison doubles as the team picker: one query for both.
    teams = selectors.team_comparison(teams_led_by(request.user), start, end)
    chosen = _chosen(teams, filters["team_id"])
    agent_id = filters["agent_id"]
    data = selectors.dashboard(
        teams=chosen,
        agent_id=agent_id,
        start=start,
        end=end,
        threshold=filters["threshold"],
        list_all_agents=not organisation or len(chosen) == 1 or agent_id is not None,
    )
    for team in teams:
        # Checklist counts cover the chosen teams; the others show a dash, not a false zero.
        counts = data["checklists"]["by_team"].get(team.pk, {})
        chosen_team = team in chosen
        team.checklist_runs = counts.get("runs", 0) if chosen_team else None
        team.checklist_no_answers = counts.get("no_answers", 0) if chosen_team else None
    agent = next((person for person in data["agents"] if person.pk == agent_id), None)
    if agent_id is not None and agent is None:
        raise Http404("No such agent in your teams.")
    form.set_choices(teams=teams, agents=data["agents"] if len(chosen) == 1 else [])
    return render(
        request,
        "rubrics/dashboard.html",
        {
            **data,
            "form": form,
            "organisation": organisation,
            "comparison": teams if organisation or len(teams) > 1 else None,
            "chosen": chosen,
            "agent": agent,
            "start": start.date(),
            "end": (end - timedelta(days=1)).date(),
            "export_query": request.GET.urlencode(),
        },
    )


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_GET
def team_dashboard(request):
    return _dashboard(request, organisation=False)


@role_required(Role.ADMIN)
@require_GET
def organisation_dashboard(request):
    return _dashboard(request, organisation=True)


CSV_FIXED_COLUMNS = [
    "evaluation_id",
    "interaction_id",
    "reference",
    "occurred_at",
    "team",
    "agent",
    "kind",
    "author",
    "rubric_version",
    "revision",
    "score",
    "percent",
    "critical_fail",
    "flagged",
]


def _criterion_columns() -> list[str]:
    """Criterion keys in the current rubric's order, then any only older versions had."""
    keys = []
    for key in Criterion.objects.order_by("-rubric__version", "position", "key").values_list(
        "key", flat=True
    ):
        if key not in keys:
            keys.append(key)
    return keys


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_GET
def dashboard_export(request):
    form, filters = _dashboard_filters(request)
    if form.is_bound and not form.is_valid():
        # A file quietly built from other filters than asked for would mislead; say what is wrong.
        problems = "; ".join(
            f"{form.fields[field].label if field in form.fields else 'Filters'}: {' '.join(errors)}"
            for field, errors in form.errors.items()
        )
        return HttpResponseBadRequest(
            f"The export was not made. {problems}", content_type="text/plain; charset=utf-8"
        )
    start, end = filters["start"], filters["end"]
    chosen = _chosen(_led_teams(request.user), filters["team_id"])
    agent_id = filters["agent_id"]
    if (
        agent_id is not None
        and not Membership.objects.filter(user_id=agent_id, team__in=chosen).exists()
    ):
        raise Http404("No such agent in your teams.")
    evaluations = selectors.dashboard_evaluations(
        teams=chosen, agent_id=agent_id, start=start, end=end
    )
    keys = _criterion_columns()
    writer = csv_writer()

    def rows():
        yield writer.writerow(CSV_FIXED_COLUMNS + keys)
        for evaluation in evaluations.iterator(chunk_size=2000):
            interaction = evaluation.interaction
            values = {rating.criterion.key: rating.value for rating in evaluation.ratings.all()}
            yield writer.writerow(
                [
                    evaluation.pk,
                    interaction.pk,
                    csv_cell(interaction.reference),
                    timezone.localtime(interaction.occurred_at).isoformat(),
                    csv_cell(interaction.team.name),
                    csv_cell(interaction.agent.get_username()),
                    evaluation.kind,
                    csv_cell(evaluation.author.get_username()),
                    evaluation.rubric.version,
                    evaluation.revision,
                    evaluation.score,
                    evaluation.percent,
                    evaluation.critical_fail,
                    evaluation.flagged,
                ]
                + ["" if values.get(key) is None else values[key] for key in keys]
            )

    filename = f"evaluations-{start.date()}-to-{(end - timedelta(days=1)).date()}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
