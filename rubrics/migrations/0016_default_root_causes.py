"""The default root causes: one tag for each habit on the library's list of common mistakes.

Names match the mistakes' titles so people meet one vocabulary; the descriptions say how to
recognise each on a call. `scripts_library` links each to its mistake and its remedies.
"""

from django.db import migrations

ROOT_CAUSES = [
    (
        "overpromising",
        "Promising what you can't deliver",
        "The agent committed to an outcome, a time or an exception that nobody had agreed to.",
    ),
    (
        "holding-back-information",
        "Holding back information",
        "A fee, limit, risk or condition the customer needed to know about was left unsaid.",
    ),
    (
        "brushing-off-complaints",
        "Brushing off complaints",
        "A complaint was not logged, not acknowledged, or left without a next step.",
    ),
    (
        "blaming-others",
        "Pointing the finger at others",
        "Another team, a colleague or the system was blamed instead of the problem being owned.",
    ),
    (
        "jargon",
        "Hiding behind jargon",
        "Policy or technical terms were used where plain words would have been understood.",
    ),
    (
        "defensive-or-arguing",
        "Getting defensive or arguing",
        "The agent argued the point or defended themselves instead of listening first.",
    ),
    (
        "no-follow-up",
        "Not following up",
        "A promised call, update or fix never reached the customer, or reached them late.",
    ),
]


def forwards(apps, schema_editor):
    RootCause = apps.get_model("rubrics", "RootCause")
    for position, (slug, name, description) in enumerate(ROOT_CAUSES, start=1):
        RootCause.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


def backwards(apps, schema_editor):
    apps.get_model("rubrics", "RootCause").objects.filter(
        slug__in=[slug for slug, _, _ in ROOT_CAUSES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("rubrics", "0015_root_causes")]

    operations = [migrations.RunPython(forwards, backwards)]
