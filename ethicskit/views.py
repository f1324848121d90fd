import sys

from axes.helpers import get_client_username
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases.models import Case
from cases.selectors import may_work_cases
from core import pagecache
from ethicskit.apps import home_key
from ethicskit.home import home_context
from ethicskit.lockout import pause_for
from ethicskit.middleware import DATABASE_UNAVAILABLE, database_unavailable_response
from ethicskit.personal_data import personal_data
from rubrics.models import Rubric
from teams.access import is_admin, user_roles
from teams.models import Role


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
    # An agent's page stays the same until a write changes what it shows: served from memory.
    return pagecache.serve(
        request, home_key(request.user.pk), lambda token: _home_page(request, token)
    )


def _home_page(request, csrf_token: str) -> tuple[str, bool]:
    user = request.user
    rubric = Rubric.objects.prefetch_related("criteria").order_by("-version").first()
    context = {"rubric": rubric, **home_context(user)}
    if may_work_cases(user):
        # The owner's overdue cases (an admin's: every overdue case), flagged on top.
        overdue = Case.objects.overdue()
        context["overdue_cases"] = list(
            (overdue if is_admin(user) else overdue.filter(owner=user)).order_by("opened_on", "id")[
                :10
            ]
        )
    html = render_to_string("home.html", {**context, "csrf_token": csrf_token}, request)
    # Supervisors' and admins' pages count open disputes and overdue cases, which change all day: not kept.
    return html, user_roles(user) == {Role.AGENT}


def _api_error(request, status: int, detail: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return None


def not_found(request, exception):
    """Outside the routes (e.g. /api/v1/interactions/abc/) the API still answers in JSON."""
    return _api_error(request, 404, "Not found.") or defaults.page_not_found(request, exception)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a paused sign-in: what happened, for how long, and who can help."""
    pause = pause_for(request, credentials)
    context = {
        "pause": pause,
        "username": get_client_username(request, credentials) or "",
        "minutes_left": pause.minutes_left() if pause else 1,
        "longest_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def permission_denied(request, exception):
    return _api_error(
        request, 403, "You do not have permission to perform this action."
    ) or defaults.permission_denied(request, exception)


def server_error(request):
    # A database outage noticed outside a view (a session saved after the response, a 404 page's
    # menu) lands here rather than in DatabaseUnavailableMiddleware; it is still a 503.
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return database_unavailable_response(request)
    return _api_error(request, 500, "Something went wrong on our side.") or defaults.server_error(
        request
    )


@login_required
@never_cache
@require_GET
def profile_export(request):
    """The signed-in person's own data, as a JSON download."""
    response = JsonResponse(personal_data(request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = (
        f'attachment; filename="ethicskit-my-data-{timezone.localdate():%Y-%m-%d}.json"'
    )
    return response
