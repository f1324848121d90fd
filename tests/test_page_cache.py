"""The agent's home page kept in memory (core/pagecache.py): served without rendering,
dropped by every write that changes it, here and in other workers."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test import Client

from core import pagecache
from ethicskit.apps import home_key
from rubrics.models import Rubric
from scripts_library.models import Script
from teams.models import Membership, Role, Team
from tests.conftest import review, self_score

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_second_visit_costs_only_the_session_and_the_user(
    login, agent, supervisor, django_assert_num_queries
):
    client = login(agent)
    first = home(client)
    with django_assert_num_queries(2):  # the session and the user; no rendering
        second = home(client)
    assert TOKEN.sub("", first) == TOKEN.sub("", second).replace(
        re.search(r'"X-CSRFToken": "([^"]+)"', second).group(1),
        re.search(r'"X-CSRFToken": "([^"]+)"', first).group(1),
    )
    assert "You are in <strong>North</strong>" in second and "Sue" in second


def test_each_browser_gets_a_token_that_works_for_it(agent):
    browsers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    for browser in browsers:
        browser.force_login(agent)
    home(browsers[0])  # kept, with the first browser's token nowhere in it
    page = home(browsers[1])
    assert pagecache.CSRF_PLACEHOLDER not in page
    token = TOKEN.search(page).group(1)
    response = browsers[1].post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_supervisors_and_admins_pages_are_rendered_each_time(
    login, supervisor, admin_user, django_assert_max_num_queries
):
    for person in (supervisor, admin_user):
        client = login(person)
        home(client)
        with pytest.raises(pytest.fail.Exception):
            with django_assert_max_num_queries(2):
                home(client)


def test_a_one_time_message_is_shown_once_and_not_kept(login, agent):
    script = Script.objects.published().first()
    script.acknowledgement_version = script.version
    script.save()
    client = login(agent)
    assert "Please read and confirm" in home(client)
    response = client.post(
        f"/library/scripts/{script.slug}/acknowledge/", {"version": script.version, "next": "/"}
    )
    assert response.status_code == 302
    with_message = home(client)
    assert f"you read “{script.title}”" in with_message
    assert "Please read and confirm" not in with_message
    assert 'data-testid="must-read"' not in home(client)


def rename_team(agent, supervisor, south):
    team = Team.objects.get(name="North")
    team.name = "Northern Lights"
    team.save()
    return "Northern Lights"


def move_agent(agent, supervisor, south):
    Membership.objects.filter(user=agent).delete()
    Membership.objects.create(user=agent, team=south)
    return "You are in <strong>South</strong>"


def add_supervisor(agent, supervisor, south):
    from tests.conftest import make_user

    Team.objects.get(name="North").supervisors.add(make_user("zed", Role.SUPERVISOR))
    return "zed"


def promote_agent(agent, supervisor, south):
    agent.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    return "Teams you lead"


def promote_through_the_group(agent, supervisor, south):
    Group.objects.get(name=Role.SUPERVISOR).user_set.add(agent)
    return "Teams you lead"


def rename_agent(agent, supervisor, south):
    agent.first_name = "Alicia"
    agent.save()
    return "Hello, Alicia"


def rename_the_teams_supervisor(agent, supervisor, south):
    supervisor.first_name = "Susannah"
    supervisor.save()
    return "Susannah"


def delete_the_teams_supervisor(agent, supervisor, south):
    supervisor.delete()
    return "none yet"


def reweigh_the_rubric(agent, supervisor, south):
    criterion = Rubric.objects.current().criteria.get(key="empathy")
    criterion.name = "Warmth"
    criterion.save()
    return "Warmth 25%"


def review_an_interaction(agent, supervisor, south):
    review(self_score(agent).interaction, supervisor)
    return 'data-testid="unread-reviews"'


def ask_everyone_to_read_a_script(agent, supervisor, south):
    script = Script.objects.published().first()
    script.acknowledgement_version = script.version
    script.save()
    return f'href="/library/scripts/{script.slug}/">Read and confirm<'


def add_a_checklist(agent, supervisor, south):
    from checklists.models import Checklist

    Checklist.objects.create(
        slug="before-a-refund", title="Before a refund", kind="interaction", purpose="Refunds."
    )
    return "Before a refund"


def self_score_an_interaction(agent, supervisor, south):
    self_score(agent, reference="ZD-NEWEST")
    return "ZD-NEWEST"


def assign_training(agent, supervisor, south):
    from datetime import timedelta

    from django.utils import timezone

    from training.models import Module
    from training.services import assignment_create

    module = Module.objects.create(title="Fair offers", slug="fair-offers-x", pass_mark=1)
    module.published = True
    module.save()
    assignment_create(
        assigned_by=supervisor,
        module=module,
        due_on=timezone.localdate() + timedelta(days=3),
        team=agent.membership.team,
    )
    return "Take Fair offers"


@pytest.mark.parametrize(
    "change",
    [
        rename_team,
        move_agent,
        add_supervisor,
        promote_agent,
        promote_through_the_group,
        rename_agent,
        rename_the_teams_supervisor,
        delete_the_teams_supervisor,
        reweigh_the_rubric,
        review_an_interaction,
        ask_everyone_to_read_a_script,
        add_a_checklist,
        self_score_an_interaction,
        assign_training,
    ],
)
def test_a_write_that_changes_the_page_drops_the_kept_copy(login, agent, supervisor, south, change):
    client = login(agent)
    before = home(client)
    shown = change(agent, supervisor, south)
    assert shown not in before
    assert shown in home(client)


def test_reading_a_review_clears_the_unread_badge(login, agent, supervisor):
    interaction = self_score(agent).interaction
    review(interaction, supervisor)
    client = login(agent)
    assert 'data-testid="unread-reviews"' in home(client)
    assert client.get(f"/interactions/{interaction.pk}/").status_code == 200
    assert 'data-testid="unread-reviews"' in home(client)
    assert client.post(f"/interactions/{interaction.pk}/read/").status_code == 302
    assert 'data-testid="unread-reviews"' not in home(client)


def test_with_the_cache_off_every_visit_renders(
    settings, login, agent, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    client = login(agent)
    home(client)
    with pytest.raises(pytest.fail.Exception):
        with django_assert_max_num_queries(2):
            home(client)


@pytest.fixture
def other_worker():
    """A second connection to the database, as another gunicorn worker would hold."""
    other = connections.create_connection("default")
    yield other
    other.close()


def rename_elsewhere(worker, agent, name, *, notify):
    with worker.cursor() as cursor:
        cursor.execute("UPDATE auth_user SET first_name = %s WHERE id = %s", [name, agent.pk])
        if notify:
            cursor.execute("SELECT pg_notify(%s, %s)", [pagecache.CHANNEL, home_key(agent.pk)])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_another_workers_notification_drops_the_copy_here(login, agent, other_worker):
    client = login(agent)
    assert "Hello, Alice" in home(client)
    # Changed behind this worker's back: the kept copy is still served...
    rename_elsewhere(other_worker, agent, "Alicia", notify=False)
    assert "Hello, Alice<" in home(client)
    # ...until a worker says it changed.
    rename_elsewhere(other_worker, agent, "Alicja", notify=True)
    assert "Hello, Alicja" in home(client)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_notification_for_everything_drops_every_copy(login, agent, other_worker):
    client = login(agent)
    assert "Hello, Alice" in home(client)
    with other_worker.cursor() as cursor:
        cursor.execute("UPDATE auth_user SET first_name = 'Alicia' WHERE id = %s", [agent.pk])
        cursor.execute("SELECT pg_notify(%s, %s)", [pagecache.CHANNEL, pagecache.EVERYTHING])
    assert "Hello, Alicia" in home(client)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_connection_starts_with_nothing_kept(login, agent, other_worker):
    client = login(agent)
    assert "Hello, Alice" in home(client)
    rename_elsewhere(other_worker, agent, "Alicia", notify=False)
    connection.close()  # as after DJANGO_CONN_MAX_AGE, or a database restart
    assert "Hello, Alicia" in home(client)


def test_a_page_drawn_while_something_was_dropped_is_not_kept(
    login, agent, monkeypatch, django_assert_max_num_queries
):
    from ethicskit import views

    original = views._home_page

    def drawn_during_a_change(request, token):
        page = original(request, token)
        pagecache.invalidate(home_key(agent.pk))  # as another thread might
        return page

    monkeypatch.setattr(views, "_home_page", drawn_during_a_change)
    client = login(agent)
    home(client)
    monkeypatch.setattr(views, "_home_page", original)
    with pytest.raises(pytest.fail.Exception):
        with django_assert_max_num_queries(2):
            home(client)  # drawn again, not served from memory
    with django_assert_max_num_queries(2):
        home(client)
