from django.db import migrations, models

# The default content's data-protection items: a "no" to them is a possible data breach.
DATA_PROTECTION_ITEMS = ["Data privacy", "Privacy and security of data"]


def mark_data_protection_items(apps, schema_editor):
    ChecklistItem = apps.get_model("checklists", "ChecklistItem")
    ChecklistItem.objects.filter(title__in=DATA_PROTECTION_ITEMS).exclude(
        checklist__kind="service_change"
    ).update(breach_when_no=True)


class Migration(migrations.Migration):
    dependencies = [("checklists", "0005_proof_plan_progress_name")]

    operations = [
        migrations.AddField(
            model_name="checklistitem",
            name="breach_when_no",
            field=models.BooleanField(
                default=False,
                help_text="A 'no' to this item opens a case automatically, linked to the run.",
                verbose_name="A breach when answered no",
            ),
        ),
        migrations.RunPython(mark_data_protection_items, migrations.RunPython.noop),
    ]
