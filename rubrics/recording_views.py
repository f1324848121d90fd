"""The page where a supervisor records an interaction of one of their agents to review it."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.views import apply_service_errors, uuid_or_none
from rubrics import selectors
from rubrics.forms import RecordInteractionForm
from rubrics.recording import interaction_record
from teams.access import reviewer_required


@reviewer_required
@require_http_methods(["GET", "POST"])
def interaction_record_view(request):
    agents = list(selectors.agents_recordable_by(request.user))
    next_steps = []
    if request.method == "POST":
        form = RecordInteractionForm(request.POST, agents=agents)
        token = uuid_or_none(request.POST.get("submission_token"))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                interaction = interaction_record(
                    recorder=request.user,
                    agent_username=form.cleaned_data["agent"],
                    interaction_fields=fields,
                    submission_token=token,
                )
            except ValidationError as error:
                apply_service_errors(error, [form])
                next_steps = _open_the_earlier_one(error)
            else:
                if getattr(interaction, "already_saved", False):
                    messages.info(
                        request,
                        f"You already recorded {interaction.reference} with that form, so "
                        "nothing new was saved. Review it here.",
                    )
                else:
                    messages.success(request, f"Recorded {interaction.reference}. Now review it.")
                return redirect("review_create", pk=interaction.pk)
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = RecordInteractionForm(
            agents=agents, initial={"occurred_at": now, "agent": request.GET.get("agent")}
        )
        token = uuid.uuid4()
    return render(
        request,
        "rubrics/interaction_record.html",
        {
            "form": form,
            "error_forms": [form] if form.is_bound and form.errors else [],
            "next_steps": next_steps,
            "agents": agents,
            "submission_token": token or uuid.uuid4(),
        },
    )


def _open_the_earlier_one(error: ValidationError) -> list[dict]:
    """When the agent already has the ticket: a link to that interaction, to review it there."""
    for each in getattr(error, "error_dict", {}).get("reference", []):
        if each.code == "recorded":
            return [
                {
                    "text": f"Open {each.params['reference']} of {each.params['date']}",
                    "url": reverse("interaction_detail", args=[each.params["interaction"]]),
                }
            ]
    return []
