"""Views for concerns: follow your own, and the admins' queue (reporting one is in `cases`).

Nothing in this module may log, cache or message anything that identifies who sent an anonymous
report.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from checklists import selectors
from checklists.models import Concern
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
    """Concerns are worked as cases now; the old address leads there."""
    return redirect("case_list")


def _concern_page(request, concern):
    return render(
        request,
        "checklists/concern_detail.html",
        {"concern": concern, "is_admin_view": is_admin(request.user)},
    )


@login_required
@require_GET
def concern_detail(request, pk):
    return _concern_page(request, selectors.get_concern_for_user(request.user, pk))


@role_required(Role.ADMIN)
@require_POST
def concern_update(request, pk):
    """A concern's status follows its case, so it changes only there: nothing is changed here."""
    concern = selectors.get_concern_for_user(request.user, pk)
    messages.info(request, "Concerns are worked as cases: change the status on the case.")
    case = getattr(concern, "case", None)
    return redirect("case_detail", case.pk) if case else redirect("case_list")
