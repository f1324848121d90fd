"""Teams that change: a supervisor of two teams, an agent moved between teams, a supervisor
removed from a team, people whose role changes. Each change shows on the very next request,
on every page, export and API, and in the pages kept in memory (core/pagecache.py).

Three teams, each with an agent and a leader: North (Alice, led by Sue), South (Oscar, led
by Sam), East (Erin, led by Eve). Each agent has one reviewed interaction (ZD-N1, ZD-S1,
ZD-E1) and one waiting for review (ZD-N2, ZD-S2, ZD-E2).
"""

import csv
import io
import select
import time

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.forms import BooleanField
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core import pagecache
from ethicskit.apps import home_key
from qa.models import Assignment
from rubrics.disputes import dispute_raise
from rubrics.models import Dispute, Interaction
from rubrics.services import review_submit
from teams.models import ApiToken, Membership, Role, Team
from tests.conftest import RATINGS, make_user, review, self_score

pytestmark = pytest.mark.django_db

REFERENCES = ("ZD-N1", "ZD-N2", "ZD-S1", "ZD-S2", "ZD-E1", "ZD-E2")


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()  # the API's throttle counters live in the default cache
    yield
    cache.clear()


@pytest.fixture
def east(db):
    return Team.objects.create(name="East")


@pytest.fixture
def world(agent, other_agent, supervisor, other_supervisor, north, south, east):
    erin = make_user("erin", Role.AGENT, team=east, first_name="Erin")
    eve = make_user("eve", Role.SUPERVISOR, leads=[east], first_name="Eve")
    records = {}
    for person, leader, letter in (
        (agent, supervisor, "N"),
        (other_agent, other_supervisor, "S"),
        (erin, eve, "E"),
    ):
        reviewed = self_score(person, reference=f"ZD-{letter}1", days_ago=2).interaction
        review(reviewed, leader)
        records[f"ZD-{letter}1"] = reviewed
        records[f"ZD-{letter}2"] = self_score(
            person, reference=f"ZD-{letter}2", days_ago=1
        ).interaction
    return {"erin": erin, "eve": eve, "east": east, **records}


def signed_in(user) -> Client:
    """A browser of its own, signed in as `user` (several people act in one test)."""
    client = Client()
    client.force_login(user)
    return client


def squashed(text: str) -> str:
    return " ".join(text.split())


def api_as(user):
    client = APIClient()
    _, key = ApiToken.issue(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def body_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def shown(text: str) -> set[str]:
    """The interactions a page, file or answer names."""
    return {reference for reference in REFERENCES + ("ZD-NEW",) if reference in text}


def queue(client, query="") -> set[str]:
    return shown(body_of(client.get(f"/reviews/?{query}")))


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def csv_shown(client, query="") -> set[tuple[str, str, str]]:
    """(reference, kind, team) of each row of the dashboard's CSV."""
    return {
        (row["reference"], row["kind"], row["team"])
        for row in csv_rows(client.get(f"/dashboard/export.csv?{query}"))
    }


def api_shown(client, query="") -> set[str]:
    response = client.get(f"/api/v1/interactions/?{query}")
    assert response.status_code == 200
    return {row["reference"] for row in response.json()["results"]}


def opens(client, interaction, suffix="") -> int:
    return client.get(f"/interactions/{interaction.pk}/{suffix}").status_code


def review_form(**extra):
    data = {"rubric_version": "1", **extra}
    for key, value in RATINGS.items():
        data[f"rating_{key}"] = str(value)
        data[f"comment_{key}"] = ""
    return data


# A supervisor who leads two teams --------------------------------------------------------------


@pytest.fixture
def two_teams(world, supervisor, south):
    """Sue leads South too (beside Sam); East stays another's."""
    south.supervisors.add(supervisor)
    return world


def test_the_queue_of_a_leader_of_two_teams_holds_both_and_never_a_third(
    supervisor, north, south, two_teams
):
    client = signed_in(supervisor)
    response = client.get("/reviews/")
    assert shown(body_of(response)) == {"ZD-N2", "ZD-S2"}
    assert response.context["form"].fields["team"].choices == [
        ("", "All my teams"),
        (north.pk, "North"),
        (south.pk, "South"),
    ]
    assert "East" not in body_of(response) and "Erin" not in body_of(response)
    assert queue(client, f"team={south.pk}") == {"ZD-S2"}
    assert queue(client, f"team={north.pk}") == {"ZD-N2"}
    assert client.get(f"/reviews/?team={two_teams['east'].pk}").status_code == 404
    # She reviews in South now; East's interactions stay out of reach.
    assert opens(client, two_teams["ZD-S2"], "review/") == 200
    assert opens(client, two_teams["ZD-E2"], "review/") == 404
    assert opens(client, two_teams["ZD-E1"]) == 404


def test_the_dashboard_of_a_leader_of_two_teams_covers_both_and_never_a_third(
    supervisor, north, south, two_teams
):
    client = signed_in(supervisor)
    response = client.get("/dashboard/")
    context, body = response.context, body_of(response)
    assert [team.name for team in context["comparison"]] == ["North", "South"]
    assert body.count('data-testid="team-row"') == 2
    assert context["form"].fields["team"].widget.choices == [
        ("", "All my teams"),
        (north.pk, "North"),
        (south.pk, "South"),
    ]
    assert (context["totals"]["scored"], context["totals"]["reviewed"]) == (4, 2)
    assert [(p.username, p.team_name) for p in context["agents"]] == [
        ("alice", "North"),
        ("oscar", "South"),
    ]
    assert "East" not in body and "Erin" not in body and "ZD-E1" not in body
    assert shown(body) == {"ZD-N1", "ZD-S1"}  # their reviews, not yet acknowledged

    south_only = client.get(f"/dashboard/?team={south.pk}").context
    assert (south_only["totals"]["scored"], south_only["totals"]["reviewed"]) == (2, 1)
    assert [p.username for p in south_only["agents"]] == ["oscar"]
    assert client.get(f"/dashboard/?agent={two_teams['erin'].pk}").status_code == 404
    assert client.get(f"/dashboard/?team={two_teams['east'].pk}").status_code == 404


def test_the_csv_of_a_leader_of_two_teams_has_both_and_never_a_third(supervisor, south, two_teams):
    client = signed_in(supervisor)
    # Blind review: the unreviewed self-scores (ZD-N2, ZD-S2) are hers to review, so not shown.
    assert csv_shown(client) == {
        ("ZD-N1", "self", "North"),
        ("ZD-N1", "review", "North"),
        ("ZD-S1", "self", "South"),
        ("ZD-S1", "review", "South"),
    }
    assert {row[0] for row in csv_shown(client, f"team={south.pk}")} == {"ZD-S1"}
    assert client.get(f"/dashboard/export.csv?team={two_teams['east'].pk}").status_code == 404
    erin = two_teams["erin"]
    assert client.get(f"/dashboard/export.csv?agent={erin.pk}").status_code == 404


def test_the_api_for_a_leader_of_two_teams_has_both_and_never_a_third(
    supervisor, north, south, two_teams
):
    client = api_as(supervisor)
    assert api_shown(client) == {"ZD-N1", "ZD-N2", "ZD-S1", "ZD-S2"}
    assert api_shown(client, f"team={south.pk}") == {"ZD-S1", "ZD-S2"}
    assert api_shown(client, f"team={two_teams['east'].pk}") == set()
    assert api_shown(client, f"agent={two_teams['erin'].pk}") == set()
    for team, count in ((north, 2), (south, 2)):
        summary = client.get(f"/api/v1/teams/{team.pk}/summary/")
        assert summary.status_code == 200 and summary.json()["count"] == count
    assert client.get(f"/api/v1/teams/{two_teams['east'].pk}/summary/").status_code == 404
    east_one = two_teams["ZD-E1"]
    assert client.get(f"/api/v1/interactions/{east_one.pk}/").status_code == 404
    ratings = {"ratings": RATINGS}
    east_two, south_two = two_teams["ZD-E2"], two_teams["ZD-S2"]
    assert (
        client.post(f"/api/v1/interactions/{east_two.pk}/reviews/", ratings, format="json")
    ).status_code == 404
    assert (
        client.post(f"/api/v1/interactions/{south_two.pk}/reviews/", ratings, format="json")
    ).status_code == 201


def test_two_teams_cost_the_queries_of_one(supervisor, north, two_teams, django_assert_num_queries):
    client = signed_in(supervisor)

    def fetch(url):
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)  # the CSV's rows are read as it streams

    for url in ("/reviews/", "/dashboard/", "/dashboard/export.csv", "/api/v1/interactions/"):
        fetch(url)  # the first request of a session does a little more
        with CaptureQueriesContext(connection) as one_team:
            fetch(f"{url}?team={north.pk}")
        with django_assert_num_queries(len(one_team)):
            fetch(url)


# An agent moved to another team ----------------------------------------------------------------


@pytest.fixture
def moved(admin_user, agent, supervisor, south, world):
    """Alice moves from North to South through the admin, then scores ZD-NEW."""
    membership = Membership.objects.get(user=agent)
    response = signed_in(admin_user).post(
        f"/admin/teams/membership/{membership.pk}/change/",
        {"user": agent.pk, "team": south.pk, "_save": "Save"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=agent).team == south
    world["ZD-NEW"] = self_score(agent, reference="ZD-NEW").interaction
    return world


def test_old_interactions_keep_their_team_and_new_ones_take_the_new_one(agent, moved):
    teams = dict(Interaction.objects.filter(agent=agent).values_list("reference", "team__name"))
    assert teams == {"ZD-N1": "North", "ZD-N2": "North", "ZD-NEW": "South"}
    client = signed_in(agent)
    for reference in ("ZD-N1", "ZD-N2", "ZD-NEW"):
        assert opens(client, moved[reference]) == 200  # all still hers
    assert shown(body_of(client.get("/my/scores/"))) == {"ZD-N1", "ZD-N2", "ZD-NEW"}
    assert "You are in <strong>South</strong>" in body_of(client.get("/"))


def test_a_moved_agents_old_work_stays_with_the_old_leader(agent, supervisor, north, moved):
    client = signed_in(supervisor)
    assert queue(client) == {"ZD-N2"}
    assert opens(client, moved["ZD-N1"]) == opens(client, moved["ZD-N2"]) == 200
    assert opens(client, moved["ZD-NEW"]) == opens(client, moved["ZD-NEW"], "review/") == 404
    # The old leader still reviews what was scored in her team.
    response = client.post(f"/interactions/{moved['ZD-N2'].pk}/review/", review_form())
    assert response.status_code == 302
    assert moved["ZD-N2"].evaluations.filter(kind="review", author=supervisor).exists()

    context = client.get("/dashboard/").context
    assert (context["totals"]["scored"], context["totals"]["reviewed"]) == (2, 2)
    assert shown(body_of(client.get("/dashboard/"))) == {"ZD-N1", "ZD-N2"}  # unacknowledged
    assert csv_shown(client) == {
        ("ZD-N1", "self", "North"),
        ("ZD-N1", "review", "North"),
        ("ZD-N2", "self", "North"),
        ("ZD-N2", "review", "North"),
    }
    api = api_as(supervisor)
    assert api_shown(api) == api_shown(api, f"agent={agent.pk}") == {"ZD-N1", "ZD-N2"}
    assert api.get(f"/api/v1/interactions/{moved['ZD-NEW'].pk}/").status_code == 404
    assert api.get(f"/api/v1/teams/{north.pk}/summary/").json()["count"] == 2


def test_a_moved_agents_new_leader_sees_only_the_new_work(
    agent, other_supervisor, south, north, moved
):
    client = signed_in(other_supervisor)
    assert queue(client) == {"ZD-S2", "ZD-NEW"}
    for reference in ("ZD-N1", "ZD-N2"):
        assert opens(client, moved[reference]) == opens(client, moved[reference], "review/") == 404
    assert opens(client, moved["ZD-NEW"], "review/") == 200
    review(moved["ZD-NEW"], other_supervisor)

    response = client.get("/dashboard/")
    context = response.context
    assert (context["totals"]["scored"], context["totals"]["reviewed"]) == (3, 2)
    alice = next(person for person in context["agents"] if person.username == "alice")
    assert (alice.team_name, alice.scored, alice.reviewed) == ("South", 1, 1)
    assert shown(body_of(response)) == {"ZD-S1", "ZD-NEW"}
    by_alice = client.get(f"/dashboard/?agent={agent.pk}").context["totals"]
    assert (by_alice["scored"], by_alice["reviewed"], by_alice["unacknowledged"]) == (1, 1, 1)
    assert {row for row in csv_shown(client, f"agent={agent.pk}")} == {
        ("ZD-NEW", "self", "South"),
        ("ZD-NEW", "review", "South"),
    }
    assert all(row[2] == "South" for row in csv_shown(client))
    api = api_as(other_supervisor)
    assert api_shown(api, f"agent={agent.pk}") == {"ZD-NEW"}
    assert api_shown(api, f"team={north.pk}") == set()
    assert api.get(f"/api/v1/teams/{north.pk}/summary/").status_code == 404
    assert api.get(f"/api/v1/teams/{south.pk}/summary/").json()["count"] == 3
    ratings = {"ratings": RATINGS}
    old = moved["ZD-N2"]
    assert (
        api.post(f"/api/v1/interactions/{old.pk}/reviews/", ratings, format="json").status_code
        == 404
    )


def test_a_dispute_on_an_old_review_goes_to_the_old_reviewer(
    agent, supervisor, other_supervisor, moved
):
    dispute = dispute_raise(
        interaction=moved["ZD-N1"], agent=agent, reason="I did check.", proposed={"fairness": 4}
    )
    assert body_of(signed_in(other_supervisor).get("/dashboard/")).count("open-dispute") == 0
    assert signed_in(other_supervisor).get(f"/disputes/{dispute.pk}/resolve/").status_code == 404
    client = signed_in(supervisor)
    assert client.get("/dashboard/").context["totals"]["open_disputes"] == 1
    assert client.get(f"/disputes/{dispute.pk}/resolve/").status_code == 200
    response = client.post(
        f"/disputes/{dispute.pk}/resolve/", {"decision": "rejected", "reason": "Rated as seen."}
    )
    assert response.status_code == 302
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.REJECTED


# A supervisor removed from a team ---------------------------------------------------------------


def admin_form_data(client, url) -> dict:
    """The POST the admin's change page at `url` sends when saved untouched."""
    response = client.get(url)
    assert response.status_code == 200
    data = {"_save": "Save"}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        forms += formset.forms
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, BooleanField):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = "" if value is None else value
    return data


def through_the_admin(admin_user, team, supervisor):
    client = signed_in(admin_user)
    url = f"/admin/teams/team/{team.pk}/change/"
    data = admin_form_data(client, url)
    data["supervisors"] = [pk for pk in data["supervisors"] if pk != supervisor.pk]
    assert client.post(url, data).status_code == 302


def from_the_team(admin_user, team, supervisor):
    team.supervisors.remove(supervisor)


def from_the_person(admin_user, team, supervisor):
    supervisor.led_teams.remove(team)


def by_clearing_the_team(admin_user, team, supervisor):
    team.supervisors.clear()


@pytest.fixture
def sue_at_work(agent, supervisor, world):
    """Sue, signed in on the web and the API, with a dispute waiting on her review of ZD-N1;
    Alice's home page kept in memory, naming Sue."""
    dispute = dispute_raise(
        interaction=world["ZD-N1"], agent=agent, reason="I did check.", proposed={"fairness": 4}
    )
    sue = signed_in(supervisor)
    api = api_as(supervisor)
    assert queue(sue) == {"ZD-N2"}
    assert opens(sue, world["ZD-N1"]) == opens(sue, world["ZD-N2"], "review/") == 200
    assert sue.get(f"/disputes/{dispute.pk}/resolve/").status_code == 200
    assert api_shown(api) == {"ZD-N1", "ZD-N2"}
    assert "<li><strong>North</strong>" in body_of(sue.get("/"))
    alice = signed_in(agent)
    assert "Supervisor: Sue" in squashed(body_of(alice.get("/")))
    assert caches["pages"].get(home_key(agent.pk)) is not None
    return {"sue": sue, "api": api, "alice": alice, "dispute": dispute, **world}


@pytest.mark.parametrize(
    "remove", [through_the_admin, from_the_team, from_the_person, by_clearing_the_team]
)
def test_a_removed_supervisor_loses_the_team_on_the_next_request(
    admin_user, agent, supervisor, north, sue_at_work, remove
):
    remove(admin_user, north, supervisor)

    sue, api = sue_at_work["sue"], sue_at_work["api"]
    n1, n2 = sue_at_work["ZD-N1"], sue_at_work["ZD-N2"]
    assert queue(sue) == set()
    assert sue.get(f"/reviews/?team={north.pk}").status_code == 404
    assert opens(sue, n1) == opens(sue, n2) == opens(sue, n2, "review/") == 404
    assert sue.post(f"/interactions/{n2.pk}/review/", review_form()).status_code == 404
    assert sue.post(f"/interactions/{n1.pk}/coaching/", {"body": "Well done."}).status_code == 404
    assert sue.get(f"/disputes/{sue_at_work['dispute'].pk}/resolve/").status_code == 404
    with pytest.raises(ValidationError):
        review_submit(interaction=n2, reviewer=supervisor, ratings=RATINGS, comments={})

    dashboard = sue.get("/dashboard/")
    assert dashboard.context["chosen"] == [] and dashboard.context["totals"]["scored"] == 0
    assert shown(body_of(dashboard)) == set()
    assert sue.get(f"/dashboard/?team={north.pk}").status_code == 404
    assert sue.get(f"/dashboard/export.csv?team={north.pk}").status_code == 404
    assert csv_shown(sue) == set()

    assert api_shown(api) == set()
    assert api.get(f"/api/v1/interactions/{n1.pk}/").status_code == 404
    assert api.get(f"/api/v1/teams/{north.pk}/summary/").status_code == 404
    response = api.post(
        f"/api/v1/interactions/{n2.pk}/reviews/", {"ratings": RATINGS}, format="json"
    )
    assert response.status_code == 404

    home = body_of(sue.get("/"))
    assert "You do not lead a team yet." in home and "<li><strong>North</strong>" not in home
    # Alice's kept page named Sue: the removal dropped it.
    assert caches["pages"].get(home_key(agent.pk)) is None
    assert "Supervisors: none yet" in squashed(body_of(sue_at_work["alice"].get("/")))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_removal_tells_every_other_worker_to_drop_its_kept_pages(supervisor, north):
    # Another worker (here: its own connection, listening as core/pagecache.py listens) keeps
    # pages drawn while Sue led North; the removal itself, once committed, must reach it.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(f"LISTEN {pagecache.CHANNEL}")
        north.supervisors.remove(supervisor)
        raw, deadline, received = other.connection, time.monotonic() + 10, set()
        while not received and time.monotonic() < deadline:
            select.select([raw], [], [], 0.5)  # delivery takes a moment
            received = pagecache._received(raw)
        assert received == {pagecache.EVERYTHING}
    finally:
        other.close()


# People whose role changes ---------------------------------------------------------------------


def set_roles(user, *roles):
    """What the admin's user form does with the Groups field."""
    user.groups.set(Group.objects.filter(name__in=roles))


def test_an_agent_made_supervisor_stops_scoring_and_starts_reviewing_at_once(agent, south, world):
    client, api = signed_in(agent), api_as(agent)
    assert "Score an interaction" in body_of(client.get("/"))  # kept in memory
    assert client.get("/reviews/").status_code == 403
    assert client.get("/dashboard/").status_code == 403

    set_roles(agent, Role.SUPERVISOR)
    Membership.objects.filter(user=agent).delete()
    south.supervisors.add(agent)

    for url in ("/score/", "/my/scores/", "/my/reviews/", "/proof-plan/evidence/"):
        assert client.get(url).status_code == 403, url
    # No self-score any more: as a supervisor they must name one of their agents.
    recording = api.post("/api/v1/interactions/", {"self_evaluation": {}}, format="json")
    assert recording.status_code == 403 and "Name the agent" in recording.json()["agent"][0]
    assert queue(client) == {"ZD-S2"}
    dashboard = client.get("/dashboard/")
    assert [team.name for team in dashboard.context["chosen"]] == ["South"]
    assert api_shown(api) == {"ZD-N1", "ZD-N2", "ZD-S1", "ZD-S2"}  # her own, and South's
    assert api.get(f"/api/v1/teams/{south.pk}/summary/").status_code == 200
    assert opens(client, world["ZD-N1"]) == 200  # still her own
    home = body_of(client.get("/"))
    assert "Teams you lead" in home and "<li><strong>South</strong>" in home
    assert "Score an interaction" not in home


def test_a_supervisor_never_reviews_their_own_work_after_leading_their_old_team(
    agent, north, world
):
    bob = make_user("bob", Role.AGENT, team=north, first_name="Bob")
    self_score(bob, reference="ZD-B1")
    set_roles(agent, Role.SUPERVISOR)
    Membership.objects.filter(user=agent).delete()
    north.supervisors.add(agent)

    client = signed_in(agent)
    page = body_of(client.get("/reviews/"))
    assert "ZD-B1" in page and shown(page) == set()
    assert opens(client, world["ZD-N2"], "review/") == 404
    with pytest.raises(ValidationError):
        review_submit(interaction=world["ZD-N2"], reviewer=agent, ratings=RATINGS, comments={})


def test_a_supervisor_who_still_takes_calls_samples_only_what_they_may_review(agent, north, world):
    # A team lead who keeps the Agent role beside Supervisor, in the team they now lead.
    bob = make_user("bob", Role.AGENT, team=north, first_name="Bob")
    self_score(bob, reference="ZD-B1")
    set_roles(agent, Role.AGENT, Role.SUPERVISOR)
    north.supervisors.add(agent)
    client = signed_in(agent)

    response = client.post("/reviews/sample/", {"per_agent": "5"}, follow=True)

    body = body_of(response)
    assert "Assigned 1 interaction to you at random." in body
    assert "ZD-B1" in body and "ZD-N2" not in body
    # Her own work stays for the team's other supervisor to sample and review.
    assert not Assignment.objects.filter(interaction=world["ZD-N2"]).exists()


def test_a_supervisor_made_agent_loses_the_team_at_once(
    other_supervisor, other_agent, south, world
):
    client, api = signed_in(other_supervisor), api_as(other_supervisor)
    s1 = world["ZD-S1"]
    dispute = dispute_raise(
        interaction=s1, agent=other_agent, reason="I did check.", proposed={"fairness": 4}
    )
    assert queue(client) == {"ZD-S2"} and opens(client, s1) == 200

    # Still listed among South's supervisors, as an admin might forget: the role decides.
    set_roles(other_supervisor, Role.AGENT)
    Membership.objects.create(user=other_supervisor, team=south)

    for url in (
        "/reviews/",
        "/dashboard/",
        "/dashboard/export.csv",
        f"/disputes/{dispute.pk}/resolve/",
    ):
        assert client.get(url).status_code == 403, url
    assert opens(client, s1) == opens(client, world["ZD-S2"]) == 404
    assert api.get(f"/api/v1/teams/{south.pk}/summary/").status_code == 403
    assert (
        api.post(
            f"/api/v1/interactions/{world['ZD-S2'].pk}/reviews/",
            {"ratings": RATINGS},
            format="json",
        ).status_code
        == 403
    )
    assert api_shown(api) == set()
    # Now an agent of South, he scores his own work there.
    assert client.get("/score/").status_code == 200
    mine = self_score(other_supervisor, reference="ZD-SAM").interaction
    assert mine.team == south and opens(client, mine) == 200
    assert "You are in <strong>South</strong>" in body_of(client.get("/"))


def test_a_supervisor_whose_account_is_deleted_leaves_no_kept_page_naming_them(
    admin_user, agent, north, world
):
    zoe = make_user("zoe", Role.SUPERVISOR, leads=[north], first_name="Zoe")
    alice = signed_in(agent)
    assert "Supervisors: Sue, Zoe" in squashed(body_of(alice.get("/")))

    response = signed_in(admin_user).post(f"/admin/auth/user/{zoe.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302 and not north.supervisors.filter(pk=zoe.pk).exists()
    assert "Supervisor: Sue" in squashed(body_of(alice.get("/")))
