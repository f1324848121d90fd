"""`manage.py purge_interactions`: free text past the retention period goes, scores stay."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from checklists.models import Checklist, ChecklistAnswer
from checklists.services import checklist_run_create
from ethicskit.retention import PURGED_TEXT, interactions_purge
from rubrics.disputes import dispute_raise, dispute_resolve
from rubrics.models import CoachingComment, Dispute, Evaluation, Interaction, Rating
from rubrics.services import coaching_comment_add
from teams import audit
from teams.models import AuditEntry
from tests.conftest import RATINGS, review, self_score

pytestmark = pytest.mark.django_db

LOW = {**RATINGS, "fairness": 2}


def history(agent, supervisor, *, days_ago: int, reference: str) -> Interaction:
    """An interaction with text everywhere the purge looks: comments, coaching, a settled
    dispute (with its corrected review's reason) and a checklist note."""
    interaction = self_score(agent, LOW, days_ago=days_ago, reference=reference).interaction
    review(interaction, supervisor, LOW, comment=f"Review note on {reference}.")
    coaching_comment_add(interaction=interaction, author=supervisor, body=f"Coach {reference}.")
    dispute = dispute_raise(
        interaction=interaction,
        agent=agent,
        reason=f"Dispute {reference}.",
        proposed={"fairness": 4},
    )
    dispute_resolve(dispute=dispute, resolver=supervisor, decision="accepted", reason="Agreed.")
    checklist = Checklist.objects.get(slug="interaction-ethics")
    items = list(checklist.items.filter(is_active=True))
    answers = {item.id: ("yes", "") for item in items}
    answers[items[0].id] = ("no", f"Checklist note {reference}.")
    checklist_run_create(
        checklist=checklist, runner=agent, interaction=interaction, answers=answers
    )
    return interaction


@pytest.fixture
def old(agent, supervisor):
    return history(agent, supervisor, days_ago=100, reference="ZD-OLD")


@pytest.fixture
def recent(agent, supervisor):
    return history(agent, supervisor, days_ago=5, reference="ZD-NEW")


def texts(interaction) -> dict:
    """Every free text the purge may touch, for one interaction."""
    evaluations = Evaluation.objects.filter(interaction=interaction).order_by("pk")
    return {
        "interaction": list(
            Interaction.objects.filter(pk=interaction.pk).values_list(
                "reference", "topic", "summary"
            )
        ),
        "evaluations": list(evaluations.values_list("comment", "revision_reason")),
        "ratings": list(
            Rating.objects.filter(evaluation__interaction=interaction)
            .order_by("pk")
            .values_list("comment", flat=True)
        ),
        "coaching": list(interaction.coaching_comments.values_list("body", flat=True)),
        "dispute": list(
            Dispute.objects.filter(interaction=interaction).values_list(
                "reason", "resolution_reason"
            )
        ),
        "notes": list(
            ChecklistAnswer.objects.filter(run__interaction=interaction)
            .order_by("pk")
            .values_list("note", flat=True)
        ),
    }


def kept(interaction) -> dict:
    """What the purge must never change."""
    return {
        "interaction": list(
            Interaction.objects.filter(pk=interaction.pk).values_list(
                "occurred_at", "channel", "agent", "team", "created_at"
            )
        ),
        "evaluations": list(
            Evaluation.objects.filter(interaction=interaction)
            .order_by("pk")
            .values_list(
                "kind",
                "score",
                "percent",
                "critical_fail",
                "flagged",
                "revision",
                "is_current",
                "created_at",
                "seen_at",
                "acknowledged_at",
            )
        ),
        "ratings": list(
            Rating.objects.filter(evaluation__interaction=interaction)
            .order_by("pk")
            .values_list("criterion", "value")
        ),
        "dispute": list(
            Dispute.objects.filter(interaction=interaction).values_list(
                "status", "created_at", "resolved_at", "items__proposed_value", "items__final_value"
            )
        ),
        "answers": list(
            ChecklistAnswer.objects.filter(run__interaction=interaction)
            .order_by("pk")
            .values_list("answer", "item_title")
        ),
    }


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_interactions", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_reports_and_changes_nothing(old, recent):
    before_texts, before_log = texts(old), AuditEntry.objects.count()
    output = purge("--older-than", "90")
    assert "Would clear" in output and "Dry run: nothing changed" in output
    assert "      1  interactions (reference, topic and summary)" in output
    assert "      1  coaching comments" in output and "      1  checklist-answer notes" in output
    assert texts(old) == before_texts
    assert AuditEntry.objects.count() == before_log


def test_apply_clears_old_text_and_keeps_scores_and_recent_records(old, recent):
    kept_old, kept_recent, recent_texts = kept(old), kept(recent), texts(recent)
    output = purge("--older-than", "90", "--apply")
    assert "Cleared free text" in output and "Done:" in output

    assert texts(old) == {
        "interaction": [(f"purged-{old.pk}", PURGED_TEXT, "")],
        "evaluations": [("", "")] * Evaluation.objects.filter(interaction=old).count(),
        "ratings": [""] * Rating.objects.filter(evaluation__interaction=old).count(),
        "coaching": [PURGED_TEXT],
        "dispute": [(PURGED_TEXT, "")],
        "notes": [PURGED_TEXT]
        + [""] * (ChecklistAnswer.objects.filter(run__interaction=old).count() - 1),
    }
    assert kept(old) == kept_old
    assert kept(recent) == kept_recent and texts(recent) == recent_texts


def test_the_audit_log_keeps_no_copy_of_the_purged_text(old, recent):
    purge("--older-than", "90", "--apply")
    log = json.dumps(
        [[e.object_repr, e.changes] for e in AuditEntry.objects.all()], ensure_ascii=False
    )
    for text in [
        "ZD-OLD",
        "Review note on ZD-OLD",
        "Coach ZD-OLD",
        "Dispute ZD-OLD",
        "Checklist note ZD-OLD",
    ]:
        assert text not in log
    old_ratings = Rating.objects.filter(evaluation__interaction=old).values_list("pk", flat=True)
    rating_log = AuditEntry.objects.filter(
        model="rubrics.Rating", object_id__in=[str(pk) for pk in old_ratings]
    )
    assert rating_log.filter(changes__comment__1="[purged]").exists()
    assert "Needs work here." not in json.dumps([e.changes for e in rating_log])
    assert "Coach ZD-NEW." in log  # recent history is untouched
    # The purge itself is logged, field by field, without the text it removed.
    entry = AuditEntry.objects.get(
        model="rubrics.Interaction", source="manage.py purge_interactions"
    )
    assert entry.object_id == str(old.pk) and entry.actor is None
    assert entry.changes == {
        "reference": ["[purged]", f"purged-{old.pk}"],
        "topic": ["[purged]", PURGED_TEXT],
    }
    assert CoachingComment.objects.get(interaction=old).body == PURGED_TEXT
    coached = AuditEntry.objects.get(
        model="rubrics.CoachingComment", source="manage.py purge_interactions"
    )
    assert coached.changes == {"body": ["[purged]", PURGED_TEXT]}
    assert f"purged-{old.pk}" in coached.object_repr


def test_a_second_run_finds_nothing_left(old):
    purge("--older-than", "90", "--apply")
    entries = AuditEntry.objects.count()
    report = interactions_purge(older_than_days=90, apply=True)
    assert report.total == 0 and AuditEntry.objects.count() == entries


def test_the_purge_is_all_or_nothing(old, monkeypatch):
    before = texts(old)
    calls = []

    def fail_late(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    real = audit.log_changes
    monkeypatch.setattr(audit, "log_changes", fail_late)
    with pytest.raises(RuntimeError):
        purge("--older-than", "90", "--apply")
    assert texts(old) == before


@pytest.mark.parametrize("days", ["0", "29", "-5"])
def test_too_short_a_retention_is_refused(old, days):
    before = texts(old)
    with pytest.raises(CommandError, match="Keep at least 30 days"):
        purge("--older-than", days, "--apply")
    assert texts(old) == before


def test_days_must_be_a_whole_number(old):
    with pytest.raises(CommandError, match="invalid int value"):
        purge("--older-than", "ninety")
    with pytest.raises(CommandError, match="required"):
        purge("--apply")
