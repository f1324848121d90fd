from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from teams.forms import ApiTokenForm
from teams.models import ApiToken


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def profile(request):
    """Who you are, and your API tokens: create one (its key is shown once) or revoke one."""
    new_key = None
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            token, new_key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
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
            "membership": getattr(request.user, "membership", None),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("profile")
