from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from checklists.models import Checklist
from rubrics.models import Rubric
from scripts_library.models import FaqEntry, Script
from teams.access import has_role, is_admin
from teams.models import Role, Team


@require_GET
@never_cache
def healthz(request):
    """Liveness and database reachability for load balancers and uptime checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@require_GET
def home(request):
    user = request.user
    context = {
        "rubric": Rubric.objects.prefetch_related("criteria").order_by("-version").first(),
        "toolkit_counts": {
            "checklists": Checklist.objects.filter(is_active=True).count(),
            "scripts": Script.objects.filter(status=Script.Status.PUBLISHED).count(),
            "faq": FaqEntry.objects.count(),
        },
    }
    if has_role(user, Role.AGENT):
        membership = getattr(user, "membership", None)
        context["team"] = membership.team if membership else None
        if membership:
            context["team_supervisors"] = membership.team.supervisors.order_by("username")
        context["awaiting_acknowledgement"] = Script.objects.awaiting_acknowledgement_by(user).only(
            "title", "slug", "version", "change_note"
        )
    if has_role(user, Role.SUPERVISOR):
        context["led_teams"] = user.led_teams.annotate(agent_count=Count("memberships"))
    if is_admin(user):
        context["admin_counts"] = {
            "teams": Team.objects.count(),
            "people": get_user_model().objects.filter(is_active=True).count(),
        }
    return render(request, "home.html", context)
