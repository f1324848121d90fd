import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.csv import csv_cell, csv_response
from core.text import word_diff
from teams.access import role_required
from teams.accounts import MUST_CHANGE_PASSWORD, end_sessions, sessions_of
from teams.forms import ApiTokenForm, AuditFilterForm, NewPasswordForm
from teams.models import ApiToken, AuditEntry, Role


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def profile(request):
    """Who you are, and your API tokens: create one (its key is shown once) or revoke one."""
    new_key = None
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            token, new_key = ApiToken.issue(
                user=request.user,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
            )
        except ValidationError as error:
            form.add_error("name" if hasattr(error, "error_dict") else None, error)
        else:
            messages.success(request, f"Token “{token.name}” created. Copy the key now.")
            form = ApiTokenForm()
    return render(
        request,
        "teams/profile.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": request.user.api_tokens.all(),
            "token_days": settings.API_TOKEN_DAYS,
            "membership": getattr(request.user, "membership", None),
            "sessions": sessions_of(request.user),
            "current_session": request.session.session_key,
            "session_max_hours": settings.SESSION_COOKIE_AGE // 3600,
            "session_idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
        },
    )


@login_required
@require_POST
def sessions_end_others(request):
    """Sign out every other browser this person is signed in on; this one stays."""
    ended = end_sessions(request.user, keep=request.session.session_key)
    if ended:
        messages.success(
            request, f"Signed out of {ended} other session{'s' if ended != 1 else ''}."
        )
    else:
        messages.info(request, "You were not signed in anywhere else.")
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("profile")


AUDIT_PAGE_SIZE = 50
# A changed text longer than this is shown as the words that changed, in context.
AUDIT_LONG_TEXT = 200


def _shown_changes(changes: dict) -> list[dict]:
    """Each field's before and after, with a word diff where both are texts and one is long."""
    shown = []
    for name, values in changes.items():
        before, after = values
        diff = None
        if (
            isinstance(before, str)
            and isinstance(after, str)
            and max(len(before), len(after)) > AUDIT_LONG_TEXT
        ):
            diff = word_diff(before, after)
        shown.append({"name": name, "before": before, "after": after, "diff": diff})
    return shown


@role_required(Role.ADMIN)
@require_GET
def audit_log(request):
    """Every recorded change, newest first, filtered by record, action, person, dates or text."""
    form = AuditFilterForm(request.GET or None)
    entries = form.filter(AuditEntry.objects.all())
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for entry in page.object_list:
        entry.shown_changes = _shown_changes(entry.changes)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "teams/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@role_required(Role.ADMIN)
@require_GET
def audit_export(request):
    """The filtered log as CSV, streamed so a long log never sits in memory whole."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        problems = " ".join(error for errors in form.errors.values() for error in errors)
        return HttpResponseBadRequest(
            f"The filters are not valid, so no CSV was made: {problems}",
            content_type="text/plain; charset=utf-8",
        )
    entries = form.filter(AuditEntry.objects.order_by("at", "id"))
    rows = (
        [
            entry.at.isoformat(),
            csv_cell(entry.actor_name),
            entry.action,
            entry.model,
            csv_cell(entry.object_id),
            csv_cell(entry.object_repr),
            csv_cell(json.dumps(entry.changes, ensure_ascii=False, sort_keys=True)),
            csv_cell(entry.source),
            entry.ip_address or "",
        ]
        for entry in entries.iterator(chunk_size=2000)
    )
    return csv_response(AUDIT_CSV_HEADER, rows, f"audit-log-{timezone.localdate():%Y-%m-%d}.csv")


AUDIT_CSV_HEADER = [
    "at",
    "actor",
    "action",
    "model",
    "object_id",
    "object",
    "changes",
    "source",
    "ip_address",
]


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; someone holding a temporary password has nowhere else to go."""

    form_class = NewPasswordForm

    def get_context_data(self, **kwargs):
        temporary = bool(self.request.session.get(MUST_CHANGE_PASSWORD))
        return super().get_context_data(**kwargs) | {"temporary": temporary}
