import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from teams.access import has_role, is_admin, role_required, teams_led_by, user_roles
from teams.models import Membership, Role, Team
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def group_permissions(name):
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def test_migration_creates_the_three_roles_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Agent", "Supervisor", "Admin"}


def test_agents_read_the_toolkit_but_cannot_change_it():
    perms = group_permissions("Agent")
    assert {"view_script", "view_checklist", "view_rubric", "view_faqentry"} <= perms
    assert not {p for p in perms if not p.startswith("view_")}
    assert "view_team" not in perms


def test_supervisors_also_read_teams():
    perms = group_permissions("Supervisor")
    assert {"view_team", "view_membership", "view_script"} <= perms
    assert not {p for p in perms if not p.startswith("view_")}


def test_admins_manage_content_teams_and_people():
    perms = group_permissions("Admin")
    for codename in [
        "change_script",
        "add_faqentry",
        "delete_checklistitem",
        "change_rubric",
        "change_criterion",
        "add_team",
        "change_membership",
        "change_user",
    ]:
        assert codename in perms


def test_an_agent_belongs_to_exactly_one_team(agent, south):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=agent, team=south)
    assert Membership.objects.get(user=agent).team.name == "North"


def test_a_supervisor_may_lead_several_teams(supervisor, north, south):
    south.supervisors.add(supervisor)
    assert set(teams_led_by(supervisor)) == {north, south}


def test_a_team_may_have_several_supervisors(north, supervisor):
    second = make_user("sid", Role.SUPERVISOR, leads=[north])
    assert set(north.supervisors.all()) == {supervisor, second}


def test_team_lists_its_agents(north, agent, other_agent):
    assert list(north.agents()) == [agent]


def test_roles_come_from_groups_and_superuser_counts_as_admin(agent, supervisor, admin_user):
    assert user_roles(agent) == {Role.AGENT}
    assert has_role(supervisor, Role.SUPERVISOR) and not has_role(supervisor, Role.ADMIN)
    assert is_admin(admin_user)
    root = make_user("root", Role.AGENT, is_superuser=True)
    assert is_admin(root)


def test_leaders_see_only_the_teams_they_lead(
    agent, supervisor, other_supervisor, admin_user, north, south
):
    assert list(teams_led_by(agent)) == []
    assert list(teams_led_by(supervisor)) == [north]
    assert list(teams_led_by(other_supervisor)) == [south]
    assert set(teams_led_by(admin_user)) == set(Team.objects.all())


def test_role_required_redirects_anonymous_and_refuses_other_roles(agent, supervisor):
    from django.contrib.auth.models import AnonymousUser

    view = role_required(Role.SUPERVISOR)(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/queue/")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    request.user = agent
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = supervisor
    assert view(request).status_code == 200


def test_team_admin_lists_teams_for_admins(login, admin_user, north, agent, supervisor):
    response = login(admin_user).get("/admin/teams/team/")
    assert response.status_code == 200
    assert b"North" in response.content


def test_people_admin_shows_roles_and_team(login, admin_user, agent):
    response = login(admin_user).get("/admin/auth/user/")
    assert response.status_code == 200
    assert b"alice" in response.content and b"North" in response.content


@pytest.mark.django_db
def test_only_admins_may_browse_peoples_records_in_the_django_admin():
    from django.contrib.auth.models import Group

    from teams.access import RECORD_MODELS

    for role in ("Agent", "Supervisor"):
        codenames = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        for models in RECORD_MODELS.values():
            for model in models:
                assert f"view_{model}" not in codenames, (role, model)
        assert "view_script" in codenames and "change_script" not in codenames
    admin = set(Group.objects.get(name="Admin").permissions.values_list("codename", flat=True))
    assert {"view_evaluation", "view_concern", "change_script"} <= admin


def test_the_team_admin_offers_only_supervisors_as_leads(login, personas, north):
    page = login(personas["admin"]).get(f"/admin/teams/team/{north.pk}/change/")
    offered = set(page.context["adminform"].form.fields["supervisors"].queryset)
    assert personas["supervisor"] in offered and personas["other_supervisor"] in offered
    assert personas["agent"] not in offered and personas["admin"] not in offered
