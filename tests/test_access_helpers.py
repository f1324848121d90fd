"""The access helpers of teams/access.py, one by one: roles, the teams a person leads or
supervises, the rows they may see, the team they pick, the role check on views, and the agents
a leader may open. Pages reach all of these through tests/test_access_matrix.py; these tests
pin each rule where it is decided, including the edges `make mutation` showed were untested."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from rubrics.models import Interaction
from teams.access import (
    admins_review,
    chosen_teams,
    get_agent_for_user,
    has_role,
    is_admin,
    is_reviewer,
    owned_or_led,
    role_required,
    teams_led_by,
    teams_supervised_by,
    user_roles,
)
from teams.models import Role, Team
from tests.conftest import make_user, self_score

pytestmark = pytest.mark.django_db


def fresh(user):
    """The same person as a new object, without the roles cached on the old one."""
    return type(user).objects.get(pk=user.pk)


# --- user_roles, has_role, is_admin -----------------------------------------------------------


def test_an_anonymous_person_has_no_role():
    anonymous = AnonymousUser()
    assert user_roles(anonymous) == frozenset()
    assert has_role(anonymous, Role.AGENT, Role.SUPERVISOR, Role.ADMIN) is False
    assert is_admin(anonymous) is False


def test_roles_are_the_role_groups_a_person_is_in_and_no_other_group(agent):
    agent.groups.add(Group.objects.create(name="Book club"))
    assert user_roles(fresh(agent)) == frozenset({Role.AGENT})


def test_a_person_may_hold_two_roles(supervisor):
    supervisor.groups.add(Group.objects.get(name=Role.ADMIN))
    assert user_roles(fresh(supervisor)) == frozenset({Role.SUPERVISOR, Role.ADMIN})


def test_a_superuser_is_an_admin_without_the_group(db):
    root = make_user("root", Role.AGENT, is_superuser=True)
    assert user_roles(root) == frozenset({Role.AGENT, Role.ADMIN})
    assert is_admin(root) is True


def test_roles_are_read_once_per_user_object(agent, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert user_roles(agent) == frozenset({Role.AGENT})
    with django_assert_num_queries(0):
        assert user_roles(agent) == frozenset({Role.AGENT})
        assert has_role(agent, Role.AGENT) is True


def test_has_role_is_true_for_any_one_of_the_roles_named(agent, supervisor):
    assert has_role(agent, Role.SUPERVISOR, Role.AGENT) is True
    assert has_role(agent, Role.SUPERVISOR, Role.ADMIN) is False
    assert has_role(supervisor, Role.SUPERVISOR) is True
    assert is_admin(supervisor) is False


# --- teams_led_by, teams_supervised_by ------------------------------------------------------


@pytest.fixture
def east(db):
    return Team.objects.create(name="East")


def test_a_supervisor_leads_and_supervises_each_of_their_teams_only(supervisor, north, south, east):
    south.supervisors.add(supervisor)
    assert set(teams_led_by(supervisor)) == {north, south}
    assert set(teams_supervised_by(supervisor)) == {north, south}


def test_an_admin_leads_every_team_but_supervises_none(admin_user, north, south):
    assert set(teams_led_by(admin_user)) == {north, south}
    assert list(teams_supervised_by(admin_user)) == []


def test_an_admin_who_supervises_one_team_supervises_that_one_only(supervisor, north, south):
    supervisor.groups.add(Group.objects.get(name=Role.ADMIN))
    supervisor = fresh(supervisor)
    assert set(teams_led_by(supervisor)) == {north, south}
    assert list(teams_supervised_by(supervisor)) == [north]


def test_with_admins_review_an_admin_supervises_every_team(settings, admin_user, north, south):
    settings.ETHICSKIT_ADMINS_REVIEW = True
    assert set(teams_supervised_by(admin_user)) == {north, south}
    assert is_reviewer(admin_user) and admins_review(admin_user)


def test_admins_review_changes_nobody_else(settings, supervisor, agent, north, south):
    settings.ETHICSKIT_ADMINS_REVIEW = True
    assert list(teams_supervised_by(supervisor)) == [north]
    assert is_reviewer(supervisor) and not admins_review(supervisor)
    assert list(teams_supervised_by(agent)) == []
    assert not is_reviewer(agent) and not admins_review(agent)
    assert not is_reviewer(AnonymousUser())


def test_without_admins_review_an_admin_is_no_reviewer(settings, admin_user, north):
    settings.ETHICSKIT_ADMINS_REVIEW = False
    assert not is_reviewer(admin_user) and not admins_review(admin_user)
    assert list(teams_supervised_by(admin_user)) == []


def test_an_agent_leads_and_supervises_no_team(agent, north):
    north.supervisors.add(agent)  # even if wrongly named as one of its supervisors
    assert list(teams_led_by(agent)) == []
    assert list(teams_supervised_by(agent)) == []


# --- owned_or_led -----------------------------------------------------------------------------


@pytest.fixture
def interactions(agent, other_agent):
    return {
        "alice": self_score(agent, reference="ZD-A").interaction,
        "oscar": self_score(other_agent, reference="ZD-O").interaction,
    }


def visible(user):
    return {row.reference for row in owned_or_led(Interaction.objects.all(), user, "agent")}


def test_an_agent_sees_their_own_rows_only(agent, interactions):
    assert visible(agent) == {"ZD-A"}


def test_a_supervisor_sees_the_rows_of_the_teams_they_lead(
    supervisor, other_supervisor, interactions
):
    assert visible(supervisor) == {"ZD-A"}
    assert visible(other_supervisor) == {"ZD-O"}


def test_a_supervisor_who_is_also_scored_sees_their_own_rows_and_their_teams(
    supervisor, south, interactions
):
    supervisor.groups.add(Group.objects.get(name=Role.AGENT))
    south.memberships.create(user=supervisor)
    supervisor = fresh(supervisor)
    self_score(supervisor, reference="ZD-S")
    assert visible(supervisor) == {"ZD-A", "ZD-S"}


def test_an_admin_sees_every_row(admin_user, interactions):
    assert visible(admin_user) == {"ZD-A", "ZD-O"}


def test_an_anonymous_person_sees_no_row(interactions):
    assert visible(AnonymousUser()) == set()


# --- chosen_teams -----------------------------------------------------------------------------


def test_no_team_picked_means_all_of_ones_teams(north, south):
    assert chosen_teams([north, south], None) == [north, south]


def test_a_team_picked_by_id_is_that_team_alone(north, south):
    assert chosen_teams([north, south], south.pk) == [south]


def test_a_team_that_is_not_ones_own_is_not_found(north, south):
    with pytest.raises(Http404) as refused:
        chosen_teams([north], south.pk)
    assert str(refused.value) == "No such team among yours."


# --- role_required ----------------------------------------------------------------------------


@role_required(Role.SUPERVISOR, Role.ADMIN)
def leaders_page(request, *args, **kwargs):
    """A page for leaders."""
    return HttpResponse(f"{args} {sorted(kwargs.items())}")


def request_by(user, path="/team/?week=3"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_an_anonymous_visitor_is_sent_to_log_in_and_back(db):
    response = leaders_page(request_by(AnonymousUser()))
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/team/%3Fweek%3D3"


def test_a_person_without_one_of_the_roles_is_refused(agent):
    with pytest.raises(PermissionDenied) as refused:
        leaders_page(request_by(agent))
    assert str(refused.value) == "Your role does not give access to this page."


@pytest.mark.parametrize("persona", ["supervisor", "admin_user"])
def test_a_person_with_one_of_the_roles_gets_the_page_with_its_arguments(request, persona):
    response = leaders_page(request_by(request.getfixturevalue(persona)), 7, team="north")
    assert response.status_code == 200
    assert response.content == b"(7,) [('team', 'north')]"


def test_the_checked_view_keeps_its_name_and_description():
    assert leaders_page.__name__ == "leaders_page"
    assert leaders_page.__doc__ == "A page for leaders."


# --- get_agent_for_user -----------------------------------------------------------------------


def test_a_leader_opens_an_agent_of_their_team(supervisor, agent):
    assert get_agent_for_user(supervisor, agent.pk) == agent


def test_an_agent_of_another_team_is_not_found(supervisor, other_agent):
    with pytest.raises(Http404):
        get_agent_for_user(supervisor, other_agent.pk)


def test_a_member_of_the_team_who_is_not_an_agent_is_not_found(supervisor, north):
    colleague = make_user("carol", Role.SUPERVISOR, team=north)
    with pytest.raises(Http404):
        get_agent_for_user(supervisor, colleague.pk)


def test_an_admin_opens_any_teams_agent_and_an_agent_opens_none(admin_user, agent, other_agent):
    assert get_agent_for_user(admin_user, other_agent.pk) == other_agent
    with pytest.raises(Http404):
        get_agent_for_user(agent, agent.pk)
