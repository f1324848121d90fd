"""Let the Admin group open the new records in the Django admin.

The roles migration (teams 0002) grants permissions on the models that existed then. Admins get
the usual four on the records added here; agents and supervisors get none, because they reach
their records through the app, where team visibility is applied (a Django-admin view permission
would show every team's runs, and every concern).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = [
    "checklistrun",
    "checklistanswer",
    "servicechangereview",
    "servicechangeanswer",
    "triagerequest",
    "decisionrecord",
    "concern",
    "proofplanprogress",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("checklists")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin = Group.objects.filter(name="Admin").first()
    if admin is None:
        return
    admin.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="checklists", content_type__model__in=MODELS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.all():
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="checklists", content_type__model__in=MODELS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0003_runs_reviews_triage_decisions_concerns_proof_plan"),
        ("teams", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
