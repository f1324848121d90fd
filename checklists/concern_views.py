"""Views for concerns: follow your own, and the admins' queue (reporting one is in `cases`).

Nothing in this module may log, cache or message anything that identifies who sent an anonymous
report.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from checklists import selectors, services
from checklists.forms import ConcernUpdateForm
from checklists.models import Concern
from checklists.views import PAGE_SIZE
from core.views import apply_service_errors
from teams.access import is_admin, role_required
from teams.models import Role


@login_required
@require_GET
def concern_mine(request):
    concerns = Concern.objects.filter(reporter=request.user).order_by("-reported_on", "status")
    return render(request, "checklists/concern_mine.html", {"concerns": concerns})


@role_required(Role.ADMIN)
@require_GET
def concern_queue(request):
    status = request.GET.get("status")
    concerns = Concern.objects.select_related("reporter")
    if status in Concern.Status.values:
        concerns = concerns.filter(status=status)
    else:
        status = ""
        concerns = concerns.exclude(status=Concern.Status.CLOSED)
    # The random key breaks ties within a day: a stable order that says nothing about timing.
    concerns = concerns.order_by("reported_on", "category", "id")
    return render(
        request,
        "checklists/concern_queue.html",
        {
            "page": Paginator(concerns, PAGE_SIZE).get_page(request.GET.get("page")),
            "status": status,
            "statuses": Concern.Status.choices,
        },
    )


def _concern_page(request, concern, update_form):
    return render(
        request,
        "checklists/concern_detail.html",
        {"concern": concern, "update_form": update_form, "is_admin_view": is_admin(request.user)},
    )


@login_required
@require_GET
def concern_detail(request, pk):
    concern = selectors.get_concern_for_user(request.user, pk)
    form = None
    if is_admin(request.user) and concern.status != Concern.Status.CLOSED:
        form = ConcernUpdateForm(initial={"status": concern.status, "outcome": concern.outcome})
    return _concern_page(request, concern, form)


@role_required(Role.ADMIN)
@require_POST
def concern_update(request, pk):
    concern = selectors.get_concern_for_user(request.user, pk)
    form = ConcernUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.concern_update(
                concern=concern,
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, "Concern updated.")
            return redirect("concern_queue")
    return _concern_page(request, concern, form)
