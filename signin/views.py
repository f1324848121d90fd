import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from signin.forms import CodeForm
from signin.two_factor import (
    has_authenticator,
    second_factor_verified,
    second_factor_verify,
    totp_confirm,
    totp_device_for_setup,
    two_factor_required,
)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


@login_required
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app: scan the QR code (or type the key), then enter a code from
    it. The recovery codes are shown once, right after. Someone who already has an
    authenticator must verify this session first; setting up again replaces the old one."""
    if not two_factor_required(request.user):
        raise PermissionDenied
    if has_authenticator(request.user) and not second_factor_verified(request):
        return redirect("two_factor_verify")
    device = totp_device_for_setup(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        codes = totp_confirm(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "signin/recovery_codes.html",
                {"codes": [f"{code[:5]}-{code[5:]}" for code in codes], "next": _next(request)},
            )
        form.add_error("code", "That code does not match. Enter the current code from the app.")
    qr = segno.make(device.config_url, error="m")
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "signin/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=4, dark="#000", light="#fff", omitsize=True),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next(request),
            "replacing": has_authenticator(request.user),
        },
    )


@login_required
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    if not two_factor_required(request.user):
        raise PermissionDenied
    if not has_authenticator(request.user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if second_factor_verify(request, form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error(
            "code",
            "That code does not match, or too many tries came too fast. Wait a moment and enter "
            "the current code from your app, or an unused recovery code.",
        )
    return render(request, "signin/two_factor_verify.html", {"form": form, "next": _next(request)})
