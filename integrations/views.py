"""The helpdesk connection pages (admins): list, create, settings with the agent mappings and
the agents held until mapped."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views import apply_service_errors
from integrations import selectors, services
from integrations.forms import ConnectionForm, MappingForm
from integrations.models import AgentMapping, UnmappedAgent
from integrations.signing import SIGNATURE_HEADER
from teams.access import role_required
from teams.models import Role


@role_required(Role.ADMIN)
@require_GET
def connection_list(request):
    return render(
        request,
        "integrations/connection_list.html",
        {"connections": list(selectors.connection_list())},
    )


def _detail(request, connection, *, form=None, mapping_form=None, shown_secret="", status=200):
    agents = services.mappable_agents(connection)
    unmapped = list(
        UnmappedAgent.objects.filter(connection=connection).annotate(held=Count("held_tickets"))
    )
    mappings = list(
        AgentMapping.objects.filter(connection=connection).select_related("user__membership")
    )
    # Mapped already: the worker is turning its held tickets into interactions.
    mapped = {mapping.identity.lower() for mapping in mappings}
    for held in unmapped:
        held.releasing = held.identity.lower() in mapped
    context = {
        "connection": connection,
        "form": form or ConnectionForm(instance=connection),
        "mapping_form": mapping_form or MappingForm(agents=agents),
        "mappings": mappings,
        "unmapped": unmapped,
        "agents": list(agents),
        "shown_secret": shown_secret,
        "webhook_url": request.build_absolute_uri(
            reverse("api:helpdesk_webhook", kwargs={"slug": connection.slug})
        ),
        "signature_header": SIGNATURE_HEADER,
    }
    return render(request, "integrations/connection_detail.html", context, status=status)


# The session key of a new connection's made-up secret, until its page has shown it.
_SECRET_KEY = "helpdesk-new-secret-{}"


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def connection_new(request):
    form = ConnectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            connection, made_up = services.connection_save(actor=request.user, form=form)
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, f"Created the connection {connection.name}.")
            if made_up:
                # Shown once, on the page the creation redirects to; never again.
                request.session[_SECRET_KEY.format(connection.pk)] = made_up
            return redirect("connection_detail", slug=connection.slug)
    return render(request, "integrations/connection_form.html", {"form": form})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def connection_detail(request, slug):
    connection = selectors.get_connection_to_manage(request.user, slug)
    if request.method == "GET":
        shown = request.session.pop(_SECRET_KEY.format(connection.pk), "")
        return _detail(request, connection, shown_secret=shown)
    form = ConnectionForm(request.POST, instance=connection)
    if form.is_valid():
        try:
            services.connection_save(actor=request.user, form=form)
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, f"Saved the connection {connection.name}.")
            return redirect("connection_detail", slug=connection.slug)
    connection.refresh_from_db()
    return _detail(request, connection, form=form, status=200)


def _map(request, connection, identity, user_id):
    agents = services.mappable_agents(connection)
    form = MappingForm({"identity": identity, "user": user_id}, agents=agents)
    if not form.is_valid():
        return form
    try:
        _, queued = services.mapping_add(
            actor=request.user,
            connection=connection,
            identity=form.cleaned_data["identity"],
            user=form.cleaned_data["user"],
        )
    except ValidationError as error:
        apply_service_errors(error, form)
        return form
    user = form.cleaned_data["user"]
    note = (
        f" Its {queued} held ticket(s) are being turned into interactions in the background;"
        " they leave the held list when done."
        if queued
        else ""
    )
    messages.success(request, f"Mapped {form.cleaned_data['identity']} to {user}.{note}")
    return None


@role_required(Role.ADMIN)
@require_POST
def mapping_add(request, slug):
    connection = selectors.get_connection_to_manage(request.user, slug)
    form = _map(request, connection, request.POST.get("identity", ""), request.POST.get("user"))
    if form is not None:
        return _detail(request, connection, mapping_form=form)
    return redirect(reverse("connection_detail", kwargs={"slug": slug}) + "#mappings")


@role_required(Role.ADMIN)
@require_POST
def mapping_delete(request, slug, pk):
    connection = selectors.get_connection_to_manage(request.user, slug)
    mapping = get_object_or_404(AgentMapping, connection=connection, pk=pk)
    services.mapping_remove(actor=request.user, mapping=mapping)
    messages.success(request, f"Removed the mapping of {mapping.identity}.")
    return redirect(reverse("connection_detail", kwargs={"slug": slug}) + "#mappings")


@role_required(Role.ADMIN)
@require_POST
def unmapped_map(request, slug, pk):
    """Map a held identity in one click: the agent picked beside it."""
    connection = selectors.get_connection_to_manage(request.user, slug)
    held = get_object_or_404(UnmappedAgent, connection=connection, pk=pk)
    form = _map(request, connection, held.identity, request.POST.get("user"))
    if form is not None:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(reverse("connection_detail", kwargs={"slug": slug}) + "#held")


@role_required(Role.ADMIN)
@require_POST
def unmapped_dismiss(request, slug, pk):
    connection = selectors.get_connection_to_manage(request.user, slug)
    held = get_object_or_404(UnmappedAgent, connection=connection, pk=pk)
    services.unmapped_dismiss(actor=request.user, unmapped=held)
    messages.success(request, f"Forgot {held.identity} and the tickets held for it.")
    return redirect(reverse("connection_detail", kwargs={"slug": slug}) + "#held")
