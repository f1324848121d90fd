"""The Compliance group, the default routing, and a case for every concern made before cases."""

from datetime import timedelta

from django.db import migrations
from django.db.models import Q

from cases.models import add_months

ROUTES = {"gift": "team", "abuse": "team", "breach": "compliance", "violation": "admins"}
STATUSES = {"new": "received", "investigating": "investigating", "closed": "closed"}


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    RoutingRule = apps.get_model("cases", "RoutingRule")
    Case = apps.get_model("cases", "Case")
    Concern = apps.get_model("checklists", "Concern")
    Membership = apps.get_model("teams", "Membership")

    Group.objects.get_or_create(name="Compliance")
    for category, route in ROUTES.items():
        RoutingRule.objects.get_or_create(category=category, defaults={"route": route})
    active = User.objects.filter(is_active=True).order_by("username")
    admin = active.filter(Q(groups__name="Admin") | Q(is_superuser=True)).first()
    for concern in Concern.objects.filter(case__isnull=True).order_by("reported_on", "pk"):
        route, team, owner = ROUTES[concern.category], None, admin
        if route == "team":
            membership = Membership.objects.filter(user_id=concern.reporter_id).first()
            supervisor = membership and active.filter(led_teams=membership.team_id).first()
            if supervisor:
                team, owner = membership.team, supervisor
            else:
                route = "compliance"
        status = STATUSES[concern.status]
        Case.objects.create(
            concern=concern,
            status=status,
            outcome=concern.outcome,
            route=route,
            team=team,
            owner=owner,
            opened_on=concern.reported_on,
            acknowledge_by=concern.reported_on + timedelta(days=7),
            feedback_by=add_months(concern.reported_on, 3),
            acknowledged_on=concern.reported_on if status != "received" else None,
            closed_on=concern.closed_on,
            feedback_on=concern.closed_on,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("checklists", "0005_proof_plan_progress_name"),
        ("teams", "0006_api_token_expiry_and_scope"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
