"""Each role's home page shows the work waiting for the person, with a link to do it, in a
number of queries that does not grow with the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qa.models import Assignment
from rubrics.disputes import dispute_raise
from scripts_library.models import Script, ScriptUse
from teams.models import Role
from tests.conftest import make_user, review, self_score
from tests.test_checklist_before_acting import run_before
from training.models import Module
from training.services import assignment_create

pytestmark = pytest.mark.django_db

LOW = {"empathy": 2, "accuracy": 2, "fairness": 2, "transparency": 2, "respect": 2}


@pytest.fixture(autouse=True)
def no_kept_pages(settings):
    # Every visit renders, so the counts below are the rendering's own.
    settings.PAGE_CACHE = False


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, testid: str) -> str:
    return body.split(f'data-testid="{testid}"')[1].split("</ul>")[0]


def published_module():
    module = Module.objects.filter(published=True).order_by("pk").first()
    if module is None:
        module = Module.objects.create(
            title="Fair offers", slug="fair-offers", pass_mark=1, published=True
        )
    return module


def add_work(batch: int, *, agent, supervisor, north, admin):
    """One batch of everything the home pages list or count: reviewed, disputed and assigned
    interactions, a low-scoring second agent, training due, a must-read script."""
    colleague = make_user(f"carl{batch}", Role.AGENT, team=north)
    low = review(
        self_score(colleague, LOW, reference=f"ZD-LOW-{batch}").interaction, supervisor, LOW
    )
    disputed = review(self_score(agent, reference=f"ZD-D-{batch}").interaction, supervisor, LOW)
    dispute_raise(
        interaction=disputed.interaction,
        agent=agent,
        reason="Fair enough offer.",
        proposed={"fairness": 4},
    )
    review(self_score(agent, reference=f"ZD-R-{batch}").interaction, supervisor)
    waiting = self_score(agent, reference=f"ZD-W-{batch}").interaction
    today = timezone.localdate()
    Assignment.objects.create(
        interaction=waiting,
        reviewer=supervisor,
        team=north,
        agent=agent,
        period_start=today - timedelta(days=today.weekday()),
        due_on=today + timedelta(days=batch % 3 - 1),
    )
    assignment_create(
        assigned_by=admin,
        module=published_module(),
        due_on=today + timedelta(days=batch),
        agents=[agent, colleague],
    )
    script = Script.objects.published().order_by("pk")[batch]
    script.acknowledgement_version = script.version
    script.save()
    ScriptUse.objects.create(team=north, script=script, day=today, count=batch + 1)
    run_before(agent, f"ZD-RUN-{batch}")
    run_before(agent, f"ZD-RUN-{batch}-B")
    return low


def query_count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        home(client)
    return len(queries)


@pytest.mark.parametrize("role", ["agent", "supervisor", "admin"])
def test_the_home_pages_query_count_is_the_same_for_five_times_the_data(
    role, login, agent, supervisor, admin_user, north
):
    person = {"agent": agent, "supervisor": supervisor, "admin": admin_user}[role]
    client = login(person)
    add_work(0, agent=agent, supervisor=supervisor, north=north, admin=admin_user)
    home(client)  # the first visit warms what every page asks once per process
    once = query_count(client)
    for batch in range(1, 5):
        add_work(batch, agent=agent, supervisor=supervisor, north=north, admin=admin_user)
    page = home(client)
    assert query_count(client) == once
    # The data did grow on the page (cut to five rows per list).
    if role == "agent":
        assert page.count('data-testid="must-read"') == 5
        assert section(page, "unfinished-runs").count("Score the call and attach") == 5
        assert "Scripts your team uses most" in page
    elif role == "supervisor":
        assert 'Assignments due <span class="badge text-bg-secondary">5</span>' in page
    else:
        assert (
            '<span class="d-block fs-4 fw-semibold">5</span><span class="small">open disputes'
            in page
        )


def test_the_agent_sees_what_needs_them_with_a_link_to_each(
    login, agent, supervisor, admin_user, north
):
    add_work(0, agent=agent, supervisor=supervisor, north=north, admin=admin_user)
    body = home(login(agent))
    # The review waiting to be read links to its interaction; the disputed one waits on Sue.
    assert "Read the review of ZD-R-0" in body
    assert "ZD-D-0</a>" not in body.split('data-testid="agent-needs"')[1].split("</ul>")[0]
    script = Script.objects.published().order_by("pk")[0]
    must_read = body.split('id="must-read-heading"')[1].split("</section>")[0]
    assert script.title in must_read
    assert f'href="/library/scripts/{script.slug}/">Read and confirm<' in must_read
    assert "Take " + published_module().title in body
    # The library's search box, quick links to checklists and scripts, the last interactions.
    assert 'action="/library/search/"' in body and 'name="q"' in body
    assert "/checklists/interaction-ethics/run/" in body
    assert 'data-testid="quick-scripts"' in body
    recent = body.split('data-testid="recent-interactions"')[1].split("</ul>")[0]
    assert "ZD-W-0" in recent and "ZD-R-0" in recent and "ZD-D-0" in recent


def test_the_agent_with_nothing_waiting_is_told_so(login, agent):
    body = home(login(agent))
    assert "Nothing waits for you." in body
    assert "score your first interaction" in body


def test_the_supervisor_sees_assignments_disputes_acknowledgements_agents_and_cases(
    login, agent, supervisor, other_supervisor, admin_user, north
):
    add_work(0, agent=agent, supervisor=supervisor, north=north, admin=admin_user)
    body = home(login(supervisor))
    assert "Review ZD-W-0" in body
    assert "Settle the dispute on ZD-D-0" in body
    # The alert leads to the list of disputes to settle, not the dashboard.
    alert = body.split('data-testid="disputes-to-settle"')[1].split("</p>")[0]
    assert 'href="/disputes/"' in alert and "dashboard" not in alert
    # Reviews awaiting acknowledgement: the read or unread ones, not the disputed one.
    assert "ZD-R-0" in body and "ZD-LOW-0" in body
    under = body.split('data-testid="under-threshold"')[1].split("</ul>")[0]
    assert "carl0" in under and "/proof-plan/evidence/" in under
    assert "You own no open case." in body
    # Another team's supervisor sees none of it.
    other = home(login(other_supervisor))
    for reference in ("ZD-W-0", "ZD-D-0", "ZD-R-0", "carl0"):
        assert reference not in other


def test_the_admin_sees_the_organisations_health_with_links(
    login, agent, supervisor, admin_user, north
):
    add_work(0, agent=agent, supervisor=supervisor, north=north, admin=admin_user)
    body = home(login(admin_user))
    health = body.split('data-testid="organisation-health"')[1]
    assert "review coverage" in health
    assert 'href="/disputes/"' in health and "open dispute" in health
    assert 'href="/cases/"' in health and "overdue case" in health
    assert 'href="/library/acknowledgements/"' in health
