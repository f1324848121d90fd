"""Pages of file imports: upload and preview, start, follow the progress, undo.

Supervisors import for their own teams' agents, admins for everyone (integrations.importing);
each import is seen by the person who started it and by admins."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integrations import importing
from integrations.import_files import FileRefused
from integrations.import_forms import ImportUploadForm, initial_for
from integrations.import_models import ImportJob
from teams.access import role_required
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
        {"form": form, "has_connections": connections.exists()},
    )


@require_GET
@role_required(*LEADERS)
def import_detail(request, pk):
    job = importing.get_import_for_user(request.user, pk)
    # The progress bar polls this page; htmx gets the bar alone.
    template = (
        "integrations/import_progress.html" if request.htmx else "integrations/import_detail.html"
    )
    return render(request, template, {"job": job})


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
    try:
        count = importing.import_undo(job=job)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Import undone: {count} interaction(s) reverted.")
    return redirect("import_detail", pk=job.pk)
