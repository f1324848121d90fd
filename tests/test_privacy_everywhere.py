"""Every free-text field that people write about interactions carries the privacy guard: the
interaction itself, reviews, ratings, coaching, disputes, checklist notes, decision records,
triage requests, concerns and review work. A new text field fails here until it is guarded or
named below as toolkit content (written by admins, about no customer)."""

import pytest
from django.apps import apps
from django.db import models

from core.privacy import validate_no_personal_data
from rubrics.models import Interaction

APPS_WRITING_ABOUT_INTERACTIONS = {"rubrics", "checklists", "qa"}
# Toolkit content, identifiers and copies of the toolkit's wording.
NOT_ABOUT_CUSTOMERS = {
    "rubrics.Rubric": {"name", "notes"},
    "rubrics.Criterion": {"key", "name", "description", *(f"level_{n}" for n in range(1, 6))},
    "rubrics.ScoreRollup": {"kind"},
    # Built by the app from a helpdesk connection's template and a ticket id the guard checked.
    "rubrics.Interaction": {"ticket_url"},
    # Root causes are tags admins write, like criteria; their history keeps the same fields.
    "rubrics.RootCause": {"name", "slug", "description"},
    "rubrics.HistoricalRootCause": {
        "name",
        "slug",
        "description",
        "history_change_reason",
        "history_type",
    },
    "checklists.Checklist": {"slug", "title", "purpose"},
    "checklists.ChecklistItem": {"title", "question", "why_it_matters"},
    "checklists.TriageRule": {"priority", "guidance"},
    "checklists.DecisionStep": {"title", "prompt", "guidance"},
    "checklists.ProofPlanTask": {"title", "description", "expected_output"},
    "checklists.ChecklistAnswer": {"item_title", "item_question"},
    "checklists.ServiceChangeAnswer": {"item_title", "item_question"},
}


def test_every_free_text_field_about_interactions_is_guarded():
    unguarded = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS_WRITING_ABOUT_INTERACTIONS:
            continue
        exempt = NOT_ABOUT_CUSTOMERS.get(model._meta.label, set())
        for field in model._meta.concrete_fields:
            is_free_text = isinstance(field, models.CharField | models.TextField) and not (
                field.choices
            )
            if is_free_text and field.name not in exempt:
                if validate_no_personal_data not in field.validators:
                    unguarded.append(f"{model._meta.label}.{field.name}")
    assert unguarded == []


def test_the_guarded_fields_include_every_kind_of_note():
    guarded = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if validate_no_personal_data in getattr(field, "validators", [])
    }
    assert {
        "rubrics.Interaction.summary",
        "rubrics.Evaluation.comment",
        "rubrics.Rating.comment",
        "rubrics.CoachingComment.body",
        "rubrics.Dispute.reason",
        "rubrics.Dispute.resolution_reason",
        "checklists.ChecklistAnswer.note",
        "checklists.Concern.description",
        "checklists.Concern.outcome",
    } <= guarded
    assert any(label.startswith("checklists.DecisionRecord.") for label in guarded)


@pytest.mark.django_db
def test_the_api_refuses_personal_data_naming_the_field_and_kind(agent):
    from tests.test_api import api_as, payload

    summary = "Refund to IBAN GB82 WEST 1234 5698 7654 32, DOB 14/02/1987."
    response = api_as(agent).post("/api/v1/interactions/", payload(summary=summary), format="json")
    assert response.status_code == 400
    message = response.json()["summary"][0]
    assert "an IBAN ('…5432') and a date of birth ('…1987')" in message
    assert "GB82" not in message
    assert not Interaction.objects.exists()
