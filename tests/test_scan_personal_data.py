"""`manage.py scan_personal_data` (and `purge_interactions`): stored text that today's guard
would refuse is reported by table and kind without its values, and `--redact` replaces it."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from ethicskit import personal_data_scan as scan_module
from ethicskit.personal_data_scan import guarded_fields, personal_data_scan
from rubrics.models import CoachingComment, Interaction
from rubrics.services import coaching_comment_add
from teams.models import AuditEntry
from tests.conftest import review, self_score

pytestmark = pytest.mark.django_db

IBAN = "GB82 WEST 1234 5698 7654 32"
POSTCODE = "SW1A 1AA"
SUMMARY = f"Refund to IBAN {IBAN}, she lives near {POSTCODE}."


@pytest.fixture
def stored(agent, supervisor):
    """Text saved before the guard knew IBANs and postcodes: written past the validators."""
    interaction = self_score(agent, reference="ZD-7001").interaction
    review(interaction, supervisor)
    Interaction.objects.filter(pk=interaction.pk).update(summary=SUMMARY)
    comment = coaching_comment_add(interaction=interaction, author=supervisor, body="Good call.")
    CoachingComment.objects.filter(pk=comment.pk).update(body="Her NHS number is 943 476 5919.")
    clean = self_score(agent, reference="ZD-7002", days_ago=2).interaction
    return interaction, comment, clean


def run(*args) -> str:
    out = StringIO()
    call_command("scan_personal_data", *args, stdout=out)
    return out.getvalue()


def test_every_guarded_free_text_field_is_scanned():
    fields = {model._meta.label: names for model, names in guarded_fields()}
    assert {"reference", "topic", "summary"} <= set(fields["rubrics.Interaction"])
    assert "body" in fields["rubrics.CoachingComment"]
    assert "description" in fields["checklists.Concern"]
    assert "note" in fields["checklists.ChecklistAnswer"]


def test_the_report_names_tables_and_kinds_and_never_the_values(stored):
    output = run()
    assert "rubrics.Interaction.summary: an IBAN" in output
    assert "rubrics.Interaction.summary: a postcode" in output
    assert "rubrics.CoachingComment.body: a national identity or tax number" in output
    assert "Rows: rubrics.CoachingComment 1, rubrics.Interaction 1." in output
    for value in [IBAN, "5698", POSTCODE, "943 476", "5919"]:
        assert value not in output
    assert "Add --redact" in output
    # A report changes nothing.
    assert Interaction.objects.get(pk=stored[0].pk).summary == SUMMARY


def test_redact_replaces_what_was_found_and_keeps_the_rest(stored):
    interaction, comment, clean = stored
    clean_summary = Interaction.objects.get(pk=clean.pk).summary
    output = run("--redact")
    assert "Done: 2 rows redacted." in output
    interaction.refresh_from_db()
    assert interaction.summary == (
        "Refund to IBAN [removed: IBAN], she lives near [removed: postcode]."
    )
    comment.refresh_from_db()
    assert comment.body == "Her NHS number is [removed: national identity or tax number]."
    assert Interaction.objects.get(pk=clean.pk).summary == clean_summary
    # The redacted text passes the guard, so a second scan finds nothing.
    assert personal_data_scan().total == 0
    assert "No stored text holds personal data" in run()


def test_redact_leaves_no_copy_in_the_audit_log(stored):
    interaction, comment, _ = stored
    # An earlier audit entry that quoted the text, as a save before the guard would have.
    AuditEntry.objects.filter(model="rubrics.Interaction", object_id=str(interaction.pk)).update(
        changes={"summary": ["", SUMMARY]}
    )
    run("--redact")
    logged = json.dumps(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert IBAN not in logged and "5919" not in logged
    assert "[removed: IBAN]" in logged


def test_redact_is_all_or_nothing(stored, monkeypatch):
    real = scan_module._redact
    calls = []

    def fail_on_the_second_table(model, changed):
        calls.append(model)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real(model, changed)

    monkeypatch.setattr(scan_module, "_redact", fail_on_the_second_table)
    with pytest.raises(RuntimeError):
        personal_data_scan(redact=True)
    assert Interaction.objects.get(pk=stored[0].pk).summary == SUMMARY
    assert "5919" in CoachingComment.objects.get(pk=stored[1].pk).body


def test_a_redaction_fits_the_field(agent):
    interaction = self_score(agent, reference="ZD-7003").interaction
    # 64 characters at most: the named marker would not fit, the short one does.
    reference = "ZD-1 " + "x" * 20 + " 943 476 5919 NHS " + "y" * 10
    Interaction.objects.filter(pk=interaction.pk).update(reference=f"NHS {reference}"[:64])
    personal_data_scan(redact=True)
    interaction.refresh_from_db()
    assert len(interaction.reference) <= 64
    assert "5919" not in interaction.reference


def test_purge_interactions_reports_kept_text_and_redacts_with_apply(stored):
    out = StringIO()
    call_command("purge_interactions", "--older-than", "30", stdout=out)
    assert "rubrics.Interaction.summary: an IBAN" in out.getvalue()
    assert IBAN not in out.getvalue()
    assert Interaction.objects.get(pk=stored[0].pk).summary == SUMMARY
    out = StringIO()
    call_command("purge_interactions", "--older-than", "30", "--apply", "--redact", stdout=out)
    assert "Redacted personal data" in out.getvalue()
    assert "[removed: IBAN]" in Interaction.objects.get(pk=stored[0].pk).summary
