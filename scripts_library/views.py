"""The knowledge library pages. Every signed-in role reads published content; only admins see
drafts (marked as such) and who has confirmed a must-read script. Agents confirm scripts."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from rubrics.models import Criterion, RootCause, Rubric
from scripts_library.forms import AcknowledgeForm, ScriptFillForm, SearchForm
from scripts_library.models import (
    CommonMistake,
    FaqCategory,
    FaqEntry,
    Phrase,
    Playbook,
    Script,
    ScriptCategory,
    ScriptUse,
    SearchEntry,
)
from scripts_library.playbook_metrics import PlaybookPeriodForm, playbook_metrics
from scripts_library.selectors import (
    acknowledgement_status,
    confirmation_request,
    library_search,
)
from scripts_library.services import script_acknowledge
from teams.access import has_role, role_required
from teams.models import Role

READERS = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


def _visible_script(request, slug: str) -> Script:
    return get_object_or_404(
        Script.objects.visible_to(request.user).select_related("category"), slug=slug
    )


@role_required(*READERS)
@require_GET
def script_list(request):
    scripts = Script.objects.visible_to(request.user).only(
        "title", "slug", "situation", "status", "category_id"
    )
    categories = [
        category
        for category in ScriptCategory.objects.prefetch_related(Prefetch("scripts", scripts))
        if category.scripts.all()
    ]
    return render(
        request,
        "scripts_library/script_list.html",
        {"categories": categories, "search_form": SearchForm()},
    )


@role_required(*READERS)
@require_GET
def script_detail(request, slug):
    script = _visible_script(request, slug)
    _count_use(request, script)
    return _render_script(request, script, ScriptFillForm(script=script), script.body)


@role_required(*READERS)
@require_POST
def script_fill(request, slug):
    """The personalised script: htmx gets the fragment, a plain form post the whole page.

    Nothing typed here is stored: the filled-in words exist only in this response.
    """
    script = _visible_script(request, slug)
    form = ScriptFillForm(request.POST, script=script)
    filled = script.body
    if form.is_valid():
        try:
            filled = script.render(form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Only a fill that worked counts as a use; refused input writes nothing.
            _count_use(request, script)
    if request.htmx:
        return render(
            request, "scripts_library/filled_script.html", {"filled": filled, "form": form}
        )
    return _render_script(request, script, form, filled)


def _count_use(request, script) -> None:
    """An agent opening or filling in a script counts for their team's most used scripts."""
    if has_role(request.user, Role.AGENT) and script.is_published:
        ScriptUse.record(script_id=script.pk, user_id=request.user.pk, day=timezone.localdate())


def _render_script(request, script, form, filled):
    criteria_names = dict(
        Criterion.objects.filter(rubric=Rubric.objects.current(), key__in=script.criterion_keys)
        .order_by("position")
        .values_list("key", "name")
    )
    return render(
        request,
        "scripts_library/script_detail.html",
        {
            "script": script,
            "form": form,
            "filled": filled,
            "criteria": [criteria_names.get(key, key) for key in script.criterion_keys],
            "checklist_items": script.checklist_items.select_related("checklist"),
            "faq_entries": script.faq_entries.all(),
            "playbooks": script.playbooks.all(),
            # Asked below the text, with what changed since the version the agent last confirmed.
            "confirmation": confirmation_request(script, request.user),
        },
    )


@role_required(Role.AGENT)
@require_POST
def script_acknowledge_view(request, slug):
    script = get_object_or_404(Script.objects.published(), slug=slug)
    form = AcknowledgeForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        script_acknowledge(script=script, user=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("library_script", slug=script.slug)
    messages.success(request, f"Thank you: you have confirmed that you read “{script.title}”.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect("library_script", slug=script.slug)


@role_required(*READERS)
@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    query = form.query()
    results = (
        library_search(query=query, user=request.user, page=form.page_number()) if query else None
    )
    return render(request, "scripts_library/search.html", {"search_form": form, "results": results})


@role_required(*READERS)
@require_GET
def faq(request):
    form = SearchForm(request.GET or None)
    query = form.query()
    if query:
        results = library_search(
            query=query, user=request.user, kinds=[SearchEntry.Kind.FAQ], page=form.page_number()
        )
        categories = []
    else:
        results = None
        entries = FaqEntry.objects.prefetch_related(
            Prefetch(
                "related_scripts",
                Script.objects.visible_to(request.user).only("title", "slug", "status"),
            )
        )
        categories = [
            category
            for category in FaqCategory.objects.prefetch_related(Prefetch("entries", entries))
            if category.entries.all()
        ]
    return render(
        request,
        "scripts_library/faq.html",
        {"search_form": form, "results": results, "categories": categories},
    )


@role_required(*READERS)
@require_GET
def language_bank(request):
    return render(request, "scripts_library/language_bank.html", {"phrases": Phrase.objects.all()})


@role_required(*READERS)
@require_GET
def mistakes(request):
    return render(
        request,
        "scripts_library/mistakes.html",
        {"mistakes": CommonMistake.objects.select_related("root_cause")},
    )


@role_required(*READERS)
@require_GET
def root_cause_list(request):
    root_causes = RootCause.objects.active().select_related("mistake")
    return render(request, "scripts_library/root_cause_list.html", {"root_causes": root_causes})


@role_required(*READERS)
@require_GET
def root_cause_detail(request, slug):
    """A root cause and what remedies it: its common mistake, scripts and FAQ entries.

    Retired root causes keep their page, since old reviews and dashboards still name them."""
    root_cause = get_object_or_404(RootCause.objects.select_related("mistake"), slug=slug)
    scripts = Script.objects.visible_to(request.user).filter(root_causes=root_cause)
    return render(
        request,
        "scripts_library/root_cause_detail.html",
        {
            "root_cause": root_cause,
            "mistake": getattr(root_cause, "mistake", None),
            "scripts": scripts.only("title", "slug", "situation", "status"),
            "faq_entries": FaqEntry.objects.filter(root_causes=root_cause).only(
                "question", "answer"
            ),
        },
    )


@role_required(*READERS)
@require_GET
def playbook_list(request):
    return render(
        request,
        "scripts_library/playbook_list.html",
        {"playbooks": Playbook.objects.only("title", "slug", "summary")},
    )


@role_required(*READERS)
@require_GET
def playbook_detail(request, slug):
    playbook = get_object_or_404(Playbook, slug=slug)
    script = None
    if playbook.script_id:
        script = Script.objects.visible_to(request.user).filter(pk=playbook.script_id).first()
    form = PlaybookPeriodForm(request.GET or None)
    period = form.period(timezone.localdate())
    metrics = playbook_metrics(playbook, request.user, period=period)
    return render(
        request,
        "scripts_library/playbook_detail.html",
        {"playbook": playbook, "script": script, "counts": metrics, "form": form},
    )


@role_required(Role.ADMIN)
@require_GET
def acknowledgement_list(request):
    scripts = (
        Script.objects.filter(acknowledgement_version__isnull=False)
        .annotate(
            confirmed=Count(
                "acknowledgements__user",
                filter=Q(
                    acknowledgements__version__gte=F("acknowledgement_version"),
                    acknowledgements__user__is_active=True,
                    acknowledgements__user__groups__name=Role.AGENT,
                ),
                distinct=True,
            )
        )
        .select_related("category")
        .order_by("title")
    )
    agent_count = (
        get_user_model().objects.filter(is_active=True, groups__name=Role.AGENT).distinct().count()
    )
    return render(
        request,
        "scripts_library/acknowledgement_list.html",
        {"scripts": scripts, "agent_count": agent_count},
    )


@role_required(Role.ADMIN)
@require_GET
def acknowledgement_detail(request, slug):
    script = get_object_or_404(
        Script.objects.filter(acknowledgement_version__isnull=False), slug=slug
    )
    return render(
        request,
        "scripts_library/acknowledgement_detail.html",
        {"script": script, **acknowledgement_status(script)},
    )
