"""Each default root cause linked to its common mistake and to the scripts and FAQ entries
that remedy it. Links are by slug and question, so content an admin removed is skipped."""

from django.db import migrations

# root cause slug -> (the mistake's title, remedy script slugs, remedy FAQ questions)
REMEDIES = {
    "overpromising": (
        "Promising what you can't deliver",
        ["declining-discount-outside-policy"],
        ["How do I keep customers happy without cutting ethical corners?"],
    ),
    "holding-back-information": (
        "Holding back information",
        ["correcting-misleading-information", "request-against-customer-interest"],
        ["How do I make sure the information I give customers is correct?"],
    ),
    "brushing-off-complaints": (
        "Brushing off complaints",
        [],
        ["A customer says they were treated unfairly. What's the right response?"],
    ),
    "blaming-others": (
        "Pointing the finger at others",
        ["correcting-misleading-information"],
        ["I told a customer something that turned out to be wrong. What now?"],
    ),
    "jargon": (
        "Hiding behind jargon",
        [],
        ["What builds a customer's trust, day to day?"],
    ),
    "defensive-or-arguing": (
        "Getting defensive or arguing",
        ["angry-or-abusive-customer"],
        ["How should I deal with a customer who is angry or turns abusive?"],
    ),
    "no-follow-up": (
        "Not following up",
        ["data-breach-report"],
        ["Why bother documenting customer interactions?"],
    ),
}


def forwards(apps, schema_editor):
    RootCause = apps.get_model("rubrics", "RootCause")
    CommonMistake = apps.get_model("scripts_library", "CommonMistake")
    Script = apps.get_model("scripts_library", "Script")
    FaqEntry = apps.get_model("scripts_library", "FaqEntry")
    for root_cause in RootCause.objects.filter(slug__in=REMEDIES):
        title, script_slugs, questions = REMEDIES[root_cause.slug]
        CommonMistake.objects.filter(title=title, root_cause__isnull=True).update(
            root_cause=root_cause
        )
        for script in Script.objects.filter(slug__in=script_slugs):
            script.root_causes.add(root_cause)
        for entry in FaqEntry.objects.filter(question__in=questions):
            entry.root_causes.add(root_cause)


class Migration(migrations.Migration):
    dependencies = [
        ("scripts_library", "0006_root_cause_remedies"),
        ("rubrics", "0016_default_root_causes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
