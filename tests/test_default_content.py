"""The default toolkit that the data migrations load into every new database."""

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from checklists.models import Checklist, DecisionStep, ProofPlanTask, TriageRule
from rubrics.models import Rubric
from scripts_library.models import CommonMistake, FaqCategory, FaqEntry, Phrase, Playbook, Script

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("slug", "kind", "count"),
    [
        ("interaction-ethics", "interaction", 10),
        ("policy-and-complex-requests", "policy", 10),
        ("service-change-review", "service_change", 5),
    ],
)
def test_checklists_have_their_items_each_with_why_it_matters(slug, kind, count):
    checklist = Checklist.objects.get(slug=slug)
    assert checklist.kind == kind
    items = list(checklist.items.all())
    assert len(items) == count
    assert len({item.title for item in items}) == count
    for item in items:
        assert item.question.strip() and item.why_it_matters.strip()
        assert "\n" not in item.why_it_matters


def test_interaction_checklist_covers_the_ten_topics():
    titles = " ".join(
        Checklist.objects.get(slug="interaction-ethics").items.values_list("title", flat=True)
    )
    for topic in [
        "privacy",
        "Transparency",
        "Fairness",
        "Accuracy",
        "Conflict of interest",
        "Confidentiality",
        "Respect",
        "Objectivity",
        "Compliance",
        "Reporting",
    ]:
        assert topic.lower() in titles.lower()


def test_rubric_version_one_has_the_weighted_criteria_with_five_levels():
    rubric = Rubric.objects.get(version=1)
    criteria = list(rubric.criteria.all())
    assert [(c.key, c.weight) for c in criteria] == [
        ("empathy", 25),
        ("accuracy", 25),
        ("fairness", 20),
        ("transparency", 15),
        ("respect", 15),
    ]
    assert rubric.total_weight == 100
    for criterion in criteria:
        assert sorted(criterion.levels) == [1, 2, 3, 4, 5]
        assert all(text.strip() for text in criterion.levels.values())
        assert len(set(criterion.levels.values())) == 5
        assert not criterion.critical and not criterion.allows_na


def test_triage_matrix_maps_risk_and_impact_to_priority():
    cells = {
        (r.ethical_risk, r.business_impact): (r.rank, r.priority) for r in TriageRule.objects.all()
    }
    assert cells == {
        ("high", "high"): (1, "Immediately"),
        ("high", "low"): (2, "Promptly"),
        ("low", "high"): (3, "As needed"),
        ("low", "low"): (4, "As time permits"),
    }


def test_decision_framework_has_six_steps_in_order():
    steps = list(DecisionStep.objects.all())
    assert [step.position for step in steps] == [1, 2, 3, 4, 5, 6]
    assert steps[0].title.lower().startswith("identify")
    assert "monitor" in steps[-1].title.lower()


def test_scripts_cover_every_situation_and_have_valid_placeholders():
    slugs = set(Script.objects.filter(status="published").values_list("slug", flat=True))
    assert len(slugs) >= 9
    assert {
        "data-breach-report",
        "correcting-misleading-information",
        "declining-discount-outside-policy",
        "unethical-demand",
        "angry-or-abusive-customer",
        "gift-or-incentive-offered",
        "colleague-misconduct",
        "unsure-if-ethical",
        "request-against-customer-interest",
    } <= slugs
    for script in Script.objects.all():
        script.full_clean()
    discount = Script.objects.get(slug="declining-discount-outside-policy")
    assert len(discount.placeholders) >= 2


def test_language_bank_mistakes_and_playbook():
    assert Phrase.objects.count() == 5
    mistakes = list(CommonMistake.objects.all())
    assert len(mistakes) == 7
    assert all(m.remedy.strip() and m.why_it_hurts.strip() for m in mistakes)
    playbook = Playbook.objects.get(slug="slightly-shady-discount-request")
    assert playbook.script.slug == "declining-discount-outside-policy"
    assert len(playbook.warning_signs.splitlines()) >= 3
    assert len(playbook.metrics.splitlines()) >= 3
    assert "10%" in playbook.target_outcome


def test_proof_plan_has_its_three_plans():
    counts = {
        plan: ProofPlanTask.objects.filter(plan=plan).count()
        for plan in ["7-day", "30-day", "4-week"]
    }
    assert counts == {"7-day": 3, "30-day": 3, "4-week": 4}
    assert all(task.expected_output for task in ProofPlanTask.objects.all())


def test_faq_has_at_least_28_entries_in_categories_some_linking_scripts():
    assert FaqEntry.objects.count() >= 28
    assert FaqCategory.objects.count() >= 3
    assert FaqEntry.objects.filter(related_scripts__isnull=False).distinct().count() >= 9
    questions = " ".join(FaqEntry.objects.values_list("question", flat=True)).lower()
    for topic in [
        "gift",
        "abusive",
        "ethical?",
        "data",
        "policy",
        "always right",
        "colleague",
        "bending",
    ]:
        assert topic in questions, topic


def test_every_text_fits_its_field():
    for model in [Script, FaqEntry, Phrase, CommonMistake, Playbook, Checklist, DecisionStep]:
        for obj in model.objects.all():
            obj.full_clean()


def test_score_of_a_full_five_is_five_on_the_default_rubric():
    rubric = Rubric.objects.current()
    result = rubric.score({key: 5 for key in rubric.criteria.values_list("key", flat=True)})
    assert result.score == Decimal("5.00") and result.percent == Decimal("100.0")


SEED_OVERLAP = Path(settings.BASE_DIR).parent / "shared" / "tools" / "seed_overlap.py"


@pytest.mark.skipif(not SEED_OVERLAP.exists(), reason="../shared/tools is not beside this checkout")
def test_no_content_repeats_the_source_documents():
    result = subprocess.run(
        [sys.executable, str(SEED_OVERLAP), str(settings.BASE_DIR)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
    assert re.search(r"^0 files", result.stdout, re.M)
