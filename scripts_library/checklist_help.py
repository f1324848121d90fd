"""The library's answer to a checklist "no": the published scripts linked to that item.

Registered with `checklists.no_answer_help` when the app is ready (the checklists floor is
below this one and cannot ask the library itself).
"""

from django.urls import reverse

from checklists.no_answer_help import Helpful
from scripts_library.models import Script


def scripts_for_checklist_items(item_ids) -> dict[int, list[Helpful]]:
    """{item id: [Helpful(title, url)]}, published scripts only, by title, in one query."""
    found: dict[int, list[Helpful]] = {}
    links = (
        Script.checklist_items.through.objects.filter(
            checklistitem_id__in=list(item_ids), script__status=Script.Status.PUBLISHED
        )
        .select_related("script")
        .only("checklistitem_id", "script__title", "script__slug")
        .order_by("script__title", "script_id")
    )
    for link in links:
        found.setdefault(link.checklistitem_id, []).append(
            Helpful(link.script.title, reverse("library_script", args=[link.script.slug]))
        )
    return found
