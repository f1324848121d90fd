"""The agent's home page: checklists run before a call and not attached yet, each with its
one-click "score the call and attach", and the scripts their team opens most, counted per team
(never per person) in one statement per script page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from checklists.models import ChecklistRun
from checklists.services import checklist_run_attach, checklist_run_detach
from scripts_library.models import Script, ScriptUse
from tests.conftest import self_score
from tests.test_checklist_before_acting import run_before

pytestmark = pytest.mark.django_db


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, testid: str) -> str:
    return body.split(f'data-testid="{testid}"')[1].split("</ul>")[0]


# --- Checklist runs left unfinished -----------------------------------------------------------


def test_the_agents_runs_before_acting_wait_on_their_home_with_a_link_to_score_and_attach(
    login, agent, other_agent
):
    run = run_before(agent, "ZD-77")
    run_before(other_agent, "ZD-SOUTH")
    body = home(login(agent))
    runs = section(body, "unfinished-runs")
    assert f'href="/checklists/runs/{run.pk}/">ZD-77</a>' in runs
    # The same address as the run page's own button.
    assert f'href="/score/?reference=ZD-77&amp;attach={run.pk}"' in runs
    assert run.score_and_attach_url == f"/score/?reference=ZD-77&attach={run.pk}"
    assert "ZD-SOUTH" not in body
    assert "Nothing waits for you." not in body
    # The run's page offers the very same link.
    page = login(agent).get(f"/checklists/runs/{run.pk}/").content.decode()
    assert f'href="/score/?reference=ZD-77&amp;attach={run.pk}"' in page


def test_a_run_without_a_ticket_links_by_itself(login, agent):
    run = run_before(agent, "")
    runs = section(home(login(agent)), "unfinished-runs")
    assert "No ticket named" in runs and f'href="/score/?attach={run.pk}"' in runs


def test_five_runs_are_shown_newest_first_with_a_link_to_the_rest(login, agent):
    for number in range(7):
        run_before(agent, f"ZD-{number}")
    runs = section(home(login(agent)), "unfinished-runs")
    shown = [f"ZD-{number}" for number in range(7) if f">ZD-{number}</a>" in runs]
    assert shown == ["ZD-2", "ZD-3", "ZD-4", "ZD-5", "ZD-6"]
    assert runs.index("ZD-6") < runs.index("ZD-2")
    assert 'href="/checklists/runs/">All my checklist runs' in runs


def test_attaching_detaching_and_running_drop_the_kept_page(login, agent):
    client = login(agent)
    assert 'data-testid="unfinished-runs"' not in home(client)  # kept now
    run = run_before(agent, "ZD-77")
    assert "ZD-77" in section(home(client), "unfinished-runs")
    interaction = self_score(agent, reference="ZD-77").interaction
    home(client)
    checklist_run_attach(run=run, interaction=interaction, user=agent)
    assert 'data-testid="unfinished-runs"' not in home(client)
    checklist_run_detach(run=ChecklistRun.objects.get(pk=run.pk), user=agent)
    assert "ZD-77" in section(home(client), "unfinished-runs")


# --- The scripts used most by the team --------------------------------------------------------


def published(count=3) -> list[Script]:
    return list(Script.objects.published().order_by("-title")[:count])


def visit(client, page) -> list[str]:
    """The SQL of a visit to the script page and of a fill-in of it."""
    queries = []
    for send in (lambda: client.get(page), lambda: client.post(page + "fill/", {})):
        with CaptureQueriesContext(connection) as captured:
            assert send().status_code == 200
        queries.append([query["sql"] for query in captured.captured_queries])
    return queries


def test_opening_and_filling_a_script_counts_for_the_agents_team_in_one_query(
    login, agent, north, monkeypatch
):
    script = published(1)[0]
    client = login(agent)
    page = f"/library/scripts/{script.slug}/"
    visit(client, page)  # warms what every page asks once per process
    ScriptUse.objects.all().delete()
    counted = visit(client, page)
    use = ScriptUse.objects.get()
    assert (use.team, use.script, use.day, use.count) == (north, script, timezone.localdate(), 2)
    # No person is stored: the row names the team, the script and the day only.
    fields = {field.name for field in ScriptUse._meta.fields}
    assert fields == {"id", "team", "script", "day", "count"}
    # One statement each, the insert that adds to the day's count, and nothing else more.
    monkeypatch.setattr(ScriptUse, "record", classmethod(lambda cls, **kwargs: None))
    uncounted = visit(client, page)
    for with_count, without in zip(counted, uncounted, strict=True):
        assert len(with_count) == len(without) + 1
        added = [sql for sql in with_count if "scripts_library_scriptuse" in sql]
        assert len(added) == 1 and "ON CONFLICT" in added[0]


def test_the_script_pages_query_counts_stay_the_same_with_the_count(
    login, agent, django_assert_max_num_queries
):
    script = published(1)[0]
    client = login(agent)
    page = f"/library/scripts/{script.slug}/"
    client.get(page)
    client.post(page + "fill/", {})
    # Ten queries before the count (session, user, roles, the script and what it links to).
    with django_assert_max_num_queries(11):
        client.get(page)
    with django_assert_max_num_queries(11):
        client.post(page + "fill/", {})


def test_supervisors_admins_and_agents_without_a_team_add_nothing(
    login, supervisor, admin_user, north
):
    from tests.conftest import make_user

    loner = make_user("lonely", "Agent")
    script = published(1)[0]
    for person in (supervisor, admin_user, loner):
        assert login(person).get(f"/library/scripts/{script.slug}/").status_code == 200
    assert not ScriptUse.objects.exists()


def test_the_home_page_lists_the_teams_most_used_scripts_of_the_last_30_days(
    login, agent, north, south
):
    first, second, third = published(3)
    today = timezone.localdate()
    ScriptUse.objects.create(team=north, script=second, day=today, count=4)
    ScriptUse.objects.create(team=north, script=first, day=today - timedelta(days=1), count=3)
    ScriptUse.objects.create(team=north, script=third, day=today - timedelta(days=30), count=50)
    ScriptUse.objects.create(team=south, script=third, day=today, count=90)
    body = home(login(agent))
    assert "Scripts your team uses most" in body
    rows = section(body, "quick-scripts").split("<li>")[1:]
    # Older than 30 days or another team's use counts for nothing; the rest follow the library.
    assert escape(second.title) in rows[0] and escape(first.title) in rows[1]
    assert len(rows) == 6  # five scripts and "All scripts"


def test_without_use_the_home_page_lists_the_librarys_first_scripts(login, agent):
    body = home(login(agent))
    quick = section(body, "quick-scripts")
    assert "Scripts your team uses most" not in body and quick.count("<li>") == 6
    first = Script.objects.published().order_by("category__position", "title").first()
    assert escape(first.title) in quick
