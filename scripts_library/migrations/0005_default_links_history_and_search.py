"""Link the default scripts to the rubric criteria and checklist items they serve, record the
default content as the first entry of its history, and build the search index and its lexicon.
"""

from django.db import migrations
from django.utils import timezone

# Criteria by key (stable across rubric versions); checklist items by (checklist slug, title).
LINKS = {
    "data-breach-report": {
        "criteria": ["transparency", "empathy", "accuracy"],
        "items": [
            ("interaction-ethics", "Data privacy"),
            ("interaction-ethics", "Confidentiality"),
            ("policy-and-complex-requests", "Privacy and security of data"),
        ],
    },
    "correcting-misleading-information": {
        "criteria": ["accuracy", "transparency"],
        "items": [
            ("interaction-ethics", "Accuracy"),
            ("policy-and-complex-requests", "Accuracy and truth"),
            ("policy-and-complex-requests", "Responsibility for our mistakes and a fair fix"),
        ],
    },
    "declining-discount-outside-policy": {
        "criteria": ["fairness", "transparency"],
        "items": [
            ("interaction-ethics", "Fairness"),
            ("interaction-ethics", "Compliance"),
            ("policy-and-complex-requests", "Fairness of access"),
        ],
    },
    "unethical-demand": {
        "criteria": ["respect", "transparency"],
        "items": [
            ("interaction-ethics", "Compliance"),
            ("policy-and-complex-requests", "Compliance with law"),
            ("policy-and-complex-requests", "Integrity"),
        ],
    },
    "angry-or-abusive-customer": {
        "criteria": ["empathy", "respect"],
        "items": [
            ("interaction-ethics", "Respect"),
            ("policy-and-complex-requests", "Respect"),
        ],
    },
    "gift-or-incentive-offered": {
        "criteria": ["fairness"],
        "items": [
            ("interaction-ethics", "Conflict of interest"),
            ("interaction-ethics", "Objectivity"),
            ("policy-and-complex-requests", "Objectivity"),
            ("policy-and-complex-requests", "Integrity"),
        ],
    },
    "colleague-misconduct": {
        "criteria": ["transparency"],
        "items": [
            ("interaction-ethics", "Reporting"),
            ("policy-and-complex-requests", "Integrity"),
        ],
    },
    "unsure-if-ethical": {
        "criteria": ["accuracy", "fairness"],
        "items": [
            ("interaction-ethics", "Compliance"),
            ("interaction-ethics", "Reporting"),
        ],
    },
    "request-against-customer-interest": {
        "criteria": ["empathy", "transparency"],
        "items": [
            ("interaction-ethics", "Transparency"),
            ("policy-and-complex-requests", "Transparency of terms"),
        ],
    },
}

HISTORY_MODELS = ["Script", "FaqEntry", "Phrase", "CommonMistake", "Playbook"]


def link(apps, schema_editor):
    Script = apps.get_model("scripts_library", "Script")
    ChecklistItem = apps.get_model("checklists", "ChecklistItem")
    items = {
        (item.checklist.slug, item.title): item
        for item in ChecklistItem.objects.select_related("checklist")
    }
    for script in Script.objects.filter(slug__in=LINKS):
        wanted = LINKS[script.slug]
        script.criterion_keys = wanted["criteria"]
        script.save(update_fields=["criterion_keys"])
        script.checklist_items.set([items[key] for key in wanted["items"] if key in items])


def unlink(apps, schema_editor):
    Script = apps.get_model("scripts_library", "Script")
    for script in Script.objects.filter(slug__in=LINKS):
        script.criterion_keys = []
        script.save(update_fields=["criterion_keys"])
        script.checklist_items.clear()


def record_history(apps, schema_editor):
    """Without a first history row, the first admin edit would have nothing to diff against."""
    now = timezone.now()
    for name in HISTORY_MODELS:
        Model = apps.get_model("scripts_library", name)
        Historical = apps.get_model("scripts_library", f"Historical{name}")
        fields = [f.attname for f in Model._meta.concrete_fields]
        Historical.objects.bulk_create(
            [
                Historical(
                    **{attname: getattr(row, attname) for attname in fields},
                    history_date=now,
                    history_type="+",
                    history_change_reason="Default content",
                )
                for row in Model.objects.all()
            ]
        )


def forget_history(apps, schema_editor):
    for name in HISTORY_MODELS:
        apps.get_model("scripts_library", f"Historical{name}").objects.all().delete()


def build_search_index(apps, schema_editor):
    from scripts_library.services import search_index_rows

    for name in HISTORY_MODELS:
        search_index_rows(
            rows=apps.get_model("scripts_library", name).objects.all(),
            entry_model=apps.get_model("scripts_library", "SearchEntry"),
            word_model=apps.get_model("scripts_library", "SearchWord"),
        )


def drop_search_index(apps, schema_editor):
    apps.get_model("scripts_library", "SearchEntry").objects.all().delete()
    apps.get_model("scripts_library", "SearchWord").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0002_default_content"),
        ("scripts_library", "0004_library_history_search_acknowledgements"),
    ]

    operations = [
        migrations.RunPython(link, unlink),
        migrations.RunPython(record_history, forget_history),
        migrations.RunPython(build_search_index, drop_search_index),
    ]
