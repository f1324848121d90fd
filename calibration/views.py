from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calibration import selectors
from calibration.agreement import reading
from calibration.forms import AgreeForm, SessionForm
from calibration.services import (
    calibration_agree,
    calibration_score_submit,
    calibration_session_open,
)
from core.views import apply_service_errors
from rubrics.forms import RubricRatingForm
from teams.access import role_required
from teams.models import Role

LEADERS = (Role.SUPERVISOR, Role.ADMIN)


@role_required(*LEADERS)
@require_GET
def session_list(request):
    sessions = list(selectors.sessions_of(request.user)[:50])
    return render(
        request,
        "calibration/session_list.html",
        {"sessions": sessions, "trend": selectors.alpha_trend(request.user)},
    )


@role_required(*LEADERS)
@require_http_methods(["GET", "POST"])
def session_new(request):
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = calibration_session_open(
                facilitator=request.user,
                interaction_ids=[each.pk for each in data["interactions"]],
                participant_usernames=[each.username for each in data["participants"]],
                deadline=data["deadline"],
                benchmark_username=data["benchmark"].username if data["benchmark"] else "",
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, "Session opened: the participants have been told.")
            return redirect("calibration_detail", pk=session.pk)
    return render(
        request,
        "calibration/session_new.html",
        {"form": form, "error_forms": [form] if form.is_bound and form.errors else []},
    )


@role_required(*LEADERS)
@require_GET
def session_detail(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    context = {
        "session": session,
        "interactions": selectors.interactions_of(session),
        "progress": selectors.progress(session),
        "is_participant": session.participants.filter(pk=request.user.pk).exists(),
        "is_facilitator": session.facilitator_id == request.user.pk,
    }
    if session.is_revealed:
        alpha, by_criterion = selectors.agreement(session)
        context.update(
            table=selectors.revealed_table(session),
            alpha=alpha,
            alpha_reading=reading(alpha),
            alpha_by_criterion=[
                (key, value, reading(value)) for key, value in sorted(by_criterion.items())
            ],
            agree_form=AgreeForm(),
        )
    else:
        own = selectors.scores_by(session, request.user)
        context["own"] = [(each, own.get(each.pk)) for each in context["interactions"]]
    return render(request, "calibration/session_detail.html", context)


def _session_interaction(request, pk, interaction_pk):
    session = selectors.get_session_for_user(request.user, pk)
    interaction = get_object_or_404(session.interactions.all(), pk=interaction_pk)
    return session, interaction


@role_required(*LEADERS)
@require_http_methods(["GET", "POST"])
def session_score(request, pk, interaction):
    session, interaction = _session_interaction(request, pk, interaction)
    rubric = selectors.rubric_for(interaction)
    form = RubricRatingForm(request.POST or None, rubric=rubric)
    done = selectors.scores_by(session, request.user).get(interaction.pk)
    if request.method == "POST" and form.is_valid():
        try:
            calibration_score_submit(
                session=session,
                participant=request.user,
                interaction=interaction,
                ratings=form.ratings(),
                comments=form.comments(),
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, f"Saved your calibration score of {interaction.reference}.")
            return redirect("calibration_detail", pk=session.pk)
    return render(
        request,
        "calibration/session_score.html",
        {
            "session": session,
            "interaction": interaction,
            "rubric": rubric,
            "rating_form": form,
            "error_forms": [form] if form.is_bound and form.errors else [],
            "preview": {"rated": 0, "total": len(form.criteria)},
            "done": done,
            "closed": session.is_revealed,
            "is_participant": session.participants.filter(pk=request.user.pk).exists(),
        },
    )


@role_required(*LEADERS)
@require_POST
def session_agree(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    form = AgreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("calibration_detail", pk=session.pk)
    interaction = get_object_or_404(session.interactions.all(), pk=form.cleaned_data["interaction"])
    try:
        calibration_agree(
            session=session,
            facilitator=request.user,
            interaction=interaction,
            criterion_key=form.cleaned_data["criterion"],
            value=form.cleaned_data["value"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Agreed rating recorded: it now shows as a worked example.")
    return redirect("calibration_detail", pk=session.pk)
