"""Runs as the interaction, review and run pages show them: each "no" answer with the help
linked to its item (scripts, through `no_answer_help`), a "raise a concern" link for reporting
items, and the self-score form's offer to attach the runs made before the call."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse

from checklists.models import Answer, ChecklistAnswer, ChecklistRun
from checklists.no_answer_help import help_for
from checklists.services import checklist_runs_attach
from core.views import int_or_none

# How many unattached runs the self-score form offers, newest first.
ATTACH_OFFERED = 10


@dataclass
class NoAnswer:
    answer: ChecklistAnswer
    help: list = field(default_factory=list)
    concern_url: str = ""
    opens_breach_case: bool = False


def concern_url(answer: ChecklistAnswer) -> str:
    """The concern form with the item's category chosen and the run named; never the note."""
    item = answer.item
    if item is None or not item.concern_category:
        return ""
    query = urlencode({"category": item.concern_category, "checklist_answer": answer.pk})
    return f"{reverse('concern_new')}?{query}"


def with_no_answer_help(runs: list[ChecklistRun]) -> list[ChecklistRun]:
    """Set `run.no_answers` ([NoAnswer]) on each run; answers prefetched with their items.
    One call to the help registry for all the runs."""
    noes = [answer for run in runs for answer in run.answers.all() if answer.answer == Answer.NO]
    found = help_for(sorted({answer.item_id for answer in noes if answer.item_id}))
    for run in runs:
        run.no_answers = [
            NoAnswer(
                answer=answer,
                help=found.get(answer.item_id, []),
                concern_url=concern_url(answer),
                opens_breach_case=bool(answer.item and answer.item.breach_when_no),
            )
            for answer in run.answers.all()
            if answer.answer == Answer.NO
        ]
    return runs


def _answers_with_items():
    return Prefetch(
        "answers", queryset=ChecklistAnswer.objects.select_related("item").order_by("position")
    )


def runs_of_interaction(user, interaction_id) -> list[ChecklistRun]:
    """The runs attached to an interaction that the user may see, oldest first, with help.
    Four queries however many runs and answers."""
    runs = list(
        ChecklistRun.objects.visible_to(user)
        .filter(interaction_id=interaction_id)
        .select_related("checklist", "runner")
        .prefetch_related(_answers_with_items())
        .order_by("created_at", "id")
    )
    return with_no_answer_help(runs)


def concern_prefill(user, answer_id) -> str:
    """The concern form's opening words for a "no" the user may see: the run and the item,
    never the note (the reporter adds what they choose)."""
    answer = (
        ChecklistAnswer.objects.filter(
            pk=int_or_none(answer_id), run__in=ChecklistRun.objects.visible_to(user)
        )
        .select_related("run__checklist", "run__interaction")
        .first()
    )
    if answer is None:
        return ""
    run = answer.run
    about = f" for {run.subject}" if run.interaction_id or run.ticket_reference else ""
    return (
        f"About checklist run {run.pk} ({run.checklist.title}{about}, "
        f"{run.created_at:%d %b %Y}): answered no to “{answer.item_title}”.\n\n"
    )


# --- Attaching runs when the call is scored (rubrics.score_extras) ------------------------------


def _offered_runs(user):
    return list(
        ChecklistRun.objects.filter(runner=user)
        .unattached()
        .with_answer_counts()
        .select_related("checklist")
        .order_by("-created_at", "-id")[:ATTACH_OFFERED]
    )


def attach_context(*, user, data, query) -> dict:
    """The agent's unattached runs, ticked: those posted, else those for the ticket named
    (`?reference=`) or chosen (`?attach=`) in the address."""
    runs = _offered_runs(user)
    if not runs:
        return {}
    if data is not None:
        chosen = set(data.getlist("attach_runs"))
        ticked = {run.pk for run in runs if str(run.pk) in chosen}
    else:
        reference = (query.get("reference") or "").strip().casefold()
        chosen = set(query.getlist("attach")) if hasattr(query, "getlist") else set()
        ticked = {
            run.pk
            for run in runs
            if str(run.pk) in chosen
            or (reference and run.ticket_reference.strip().casefold() == reference)
        }
    return {"runs": runs, "ticked": ticked}


def attach_wanted(data) -> bool:
    return bool(data.getlist("attach_runs"))


def attach_save(*, user, interaction, data) -> None:
    ids = {int_or_none(raw) for raw in data.getlist("attach_runs")}
    if not ids:
        return
    runs = list(ChecklistRun.objects.filter(pk__in=ids - {None}, runner=user))
    if len(runs) != len(ids):
        raise ValidationError(
            "Some of the checklist runs chosen are not yours or no longer exist. Nothing was "
            "saved: untick them and save again.",
            code="not_runner",
        )
    checklist_runs_attach(runs=runs, interaction=interaction, user=user)
