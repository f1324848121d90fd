"""`/concerns/follow-up/`: an anonymous reporter comes back with the receipt code.

The page needs no sign-in and links the code to nothing: it reads no user and no session, sets no
cookie, and writes no row on success. Only wrong codes are counted, against a keyed hash of the address, for
the rate limits. Every answer is marked no-store and sends no referrer to other sites.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cases import services
from cases.forms import FollowUpForm
from cases.models import Case, FollowUpFailure, PendingReport, receipt_hash
from core.addresses import client_ip
from core.views import apply_service_errors

WINDOW = timedelta(minutes=10)
UNKNOWN = "No report matches this code. Check it and try again."


def _address_key(request) -> str:
    address = client_ip(request) or "unknown"
    return hashlib.sha256(f"{settings.SECRET_KEY}:follow-up:{address}".encode()).hexdigest()


def _limited(address_key: str) -> bool:
    since = timezone.now() - WINDOW
    FollowUpFailure.objects.filter(at__lt=since).delete()
    recent = FollowUpFailure.objects.filter(at__gte=since)
    return (
        recent.filter(address_key=address_key).count() >= settings.CASE_FOLLOW_UP_ADDRESS_LIMIT
        or recent.count() >= settings.CASE_FOLLOW_UP_GLOBAL_LIMIT
    )


def _answer(request, context, status=200):
    # An empty token keeps the page from setting a CSRF cookie.
    response = render(request, "cases/follow_up.html", {**context, "csrf_token": ""}, status=status)
    response["Cache-Control"] = "no-store, max-age=0"
    # Nothing to other sites; see cases.views.NO_REFERRER_ELSEWHERE for why not "no-referrer".
    response["Referrer-Policy"] = "same-origin"
    return response


# No CSRF token: with no referrer the browser posts `Origin: null`, which Django's check refuses,
# and the token's cookie would be the one thing that links a reporter's visits. A forged post
# gains nothing: it needs the code, and guessing codes through others' browsers runs into the
# global limit.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def follow_up(request):
    if request.method == "GET":
        return _answer(request, {"form": FollowUpForm()})
    form = FollowUpForm(request.POST)
    address_key = _address_key(request)
    if _limited(address_key):
        return _answer(
            request,
            {"form": FollowUpForm(), "limited": True},
            status=429,
        )
    code = request.POST.get("code", "")
    digest = receipt_hash(code)
    case = Case.objects.select_related("concern").filter(receipt_hash=digest).first()
    pending = None if case else PendingReport.objects.filter(receipt_hash=digest).first()
    if case is None and pending is None:
        FollowUpFailure.objects.create(address_key=address_key)
        return _answer(request, {"form": FollowUpForm(), "unknown": UNKNOWN})
    context = {"form": FollowUpForm(initial={"code": code}), "case": case, "pending": pending}
    if case is not None and form.is_valid() and form.cleaned_data["text"]:
        try:
            services.case_reporter_writes(
                case=case,
                kind=form.cleaned_data["kind"] or "information",
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            apply_service_errors(error, form)
            context["form"] = form
        else:
            context["sent"] = True
    elif case is not None and not form.is_valid():
        context["form"] = form
    if case is not None:
        context["case_messages"] = [m for m in case.messages.all() if m.reporter_sees]
    return _answer(request, context)
