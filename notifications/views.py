from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views import int_or_none
from notifications import selectors, services
from notifications.forms import PreferencesForm
from notifications.models import Delivery, Notification
from notifications.signals import notification_opened


@login_required
@require_GET
def inbox(request):
    page = Paginator(selectors.inbox_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


def _own(request, pk) -> Notification:
    try:
        return services.notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404("No such notification.") from None


@login_required
@require_GET
def notification_open(request, pk):
    """Follow a notification's link; opening it reads it."""
    notification = _own(request, pk)
    notification_opened.send(sender=Notification, notification=notification, user=request.user)
    # Only paths inside EthicsKit are followed, never another site.
    inside = notification.url.startswith("/") and not notification.url.startswith("//")
    return redirect(notification.url if inside else "inbox")


@login_required
@require_POST
def notification_mark_read(request, pk):
    notification = _own(request, pk)
    if request.htmx:
        return render(
            request,
            "notifications/notification_row.html",
            {"notification": notification, "bell_update": True},
        )
    return redirect(_back_to_page(request))


@login_required
@require_POST
def notification_mark_all_read(request):
    marked = services.notification_mark_all_read(user=request.user)
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect("inbox")


def _back_to_page(request) -> str:
    page = int_or_none(request.POST.get("page"))
    inbox_url = reverse("inbox")
    return f"{inbox_url}?page={page}" if page and page > 1 else inbox_url


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = selectors.preferences_for(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, "Saved how you hear about each kind of event.")
        return redirect("notification_preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "delivery_choices": Delivery.choices},
    )
