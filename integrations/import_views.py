"""Pages of file imports: upload and preview, start, follow the progress, undo.

Supervisors import for their own teams' agents, admins for everyone (integrations.importing);
each import is seen by the person who started it and by admins."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integrations import importing
from integrations.import_files import FileRefused
from integrations.import_forms import ImportAgentForm, ImportUploadForm, initial_for
from integrations.import_models import ImportJob
from integrations.models import AgentMapping, UnmappedAgent
from teams.access import is_admin, role_required
from teams.models import Role

LEADERS = (Role.SUPERVISOR, Role.ADMIN)


@require_GET
@role_required(*LEADERS)
def import_list(request):
    jobs = ImportJob.objects.visible_to(request.user).select_related("connection", "created_by")
    page = Paginator(jobs.defer("rows", "preview"), 50).get_page(request.GET.get("page"))
    return render(request, "integrations/import_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@role_required(*LEADERS)
def import_new(request):
    connections = importing.connections_for_importer(request.user)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, connections=connections)
        if form.is_valid():
            try:
                job = importing.import_preview(
                    user=request.user,
                    connection=form.cleaned_data["connection"],
                    upload=form.cleaned_data["file"],
                    mapping=form.mapping(),
                )
            except FileRefused as refused:
                form.add_error("file", str(refused))
            else:
                return redirect("import_detail", pk=job.pk)
    else:
        chosen = connections.filter(pk=request.GET.get("connection") or 0).first()
        form = ImportUploadForm(
            initial=initial_for(chosen or connections.first()), connections=connections
        )
    return render(
        request,
        "integrations/import_new.html",
        {"form": form, "connection_count": connections.count()},
    )


@require_GET
@role_required(*LEADERS)
def import_detail(request, pk):
    job = importing.get_import_for_user(request.user, pk)
    # The progress bar polls this page; htmx gets the bar alone.
    if request.htmx:
        return render(request, "integrations/import_progress.html", {"job": job})
    return render(
        request, "integrations/import_detail.html", {"job": job, **_unknown_agents(request, job)}
    )


def _unknown_agents(request, job) -> dict:
    """The identities the preview found unknown, each with who it is mapped to by now (or
    None), and the agents the viewer may map them to."""
    unknown = job.preview.get("unknown_agents", []) if job.status == job.Status.PREVIEW else []
    if not unknown:
        return {}
    mapped = {
        mapping.identity.lower(): mapping.user.get_full_name() or mapping.user.get_username()
        for mapping in AgentMapping.objects.filter(connection=job.connection)
        .annotate(key=Lower("identity"))
        .filter(key__in=[identity.lower() for identity in unknown])
        .select_related("user")
    }
    agents = importing.agents_to_map(request.user, job.connection)
    # Identities whose webhook tickets are held wait for an admin (services.mapping_add).
    held = (
        set()
        if is_admin(request.user)
        else set(
            UnmappedAgent.objects.filter(connection=job.connection)
            .exclude(held_tickets=None)
            .annotate(key=Lower("identity"))
            .filter(key__in=[identity.lower() for identity in unknown])
            .values_list("key", flat=True)
        )
    )
    return {
        "unknown_agents": [
            (identity, mapped.get(identity.lower()), identity.lower() in held)
            for identity in unknown
        ],
        "agents_to_map": list(agents),
    }


@require_POST
@role_required(*LEADERS)
def import_map_agent(request, pk):
    job = importing.get_import_for_user(request.user, pk)
    form = ImportAgentForm(
        request.POST, agents=importing.agents_to_map(request.user, job.connection)
    )
    if not form.is_valid():
        messages.error(request, "Pick one of your agents for this helpdesk identity.")
    else:
        identity, agent = form.cleaned_data["identity"], form.cleaned_data["user"]
        try:
            importing.import_map_agent(user=request.user, job=job, identity=identity, agent=agent)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Mapped {identity} to {agent.get_full_name() or agent.get_username()}. "
                "Upload the file again to check its rows with this mapping.",
            )
    return redirect(reverse("import_detail", kwargs={"pk": job.pk}) + "#unknown-agents")


@require_POST
@role_required(*LEADERS)
def import_start(request, pk):
    job = importing.get_import_for_user(request.user, pk)
    try:
        importing.import_start(job=job)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("import_detail", pk=job.pk)


@require_POST
@role_required(*LEADERS)
def import_undo(request, pk):
    job = importing.get_import_for_user(request.user, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm that the whole import is undone.")
        return redirect("import_detail", pk=job.pk)
    try:
        count = importing.import_undo(job=job)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Import undone: {count} interaction(s) reverted.")
    return redirect("import_detail", pk=job.pk)
