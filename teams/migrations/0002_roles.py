"""Create the Agent, Supervisor and Admin groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_APPS = ["rubrics", "checklists", "scripts_library"]

# (app_label, model) pairs each role may only read; admins manage everything listed in MANAGED.
READ_ONLY = {
    "Agent": [(app, None) for app in CONTENT_APPS],
    "Supervisor": [(app, None) for app in CONTENT_APPS]
    + [("teams", "team"), ("teams", "membership")],
}
MANAGED = [(app, None) for app in [*CONTENT_APPS, "teams"]] + [("auth", "user")]


def ensure_permissions_exist(apps):
    # Permissions are normally made after all migrations run; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def permissions_for(apps, targets, actions):
    Permission = apps.get_model("auth", "Permission")
    found = Permission.objects.none()
    for app_label, model in targets:
        query = Permission.objects.filter(content_type__app_label=app_label)
        if model:
            query = query.filter(content_type__model=model)
        found |= query.filter(codename__regex=rf"^({'|'.join(actions)})_")
    return found


def create_roles(apps, schema_editor):
    ensure_permissions_exist(apps)
    Group = apps.get_model("auth", "Group")
    for role, targets in READ_ONLY.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions_for(apps, targets, ["view"]))
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.set(permissions_for(apps, MANAGED, ["add", "change", "delete", "view"]))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Agent", "Supervisor", "Admin"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("rubrics", "0001_initial"),
        ("checklists", "0001_initial"),
        ("scripts_library", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
