"""Assignments: each team's rule, the hourly top-up, reassigning, skipping, reminders, the
My assignments page, the API and the dashboard's coverage."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from rest_framework.test import APIClient

from notifications.models import Kind, Notification
from qa.models import Assignment, AssignmentRule
from qa.services import (
    assignment_reassign,
    assignment_reminders_send,
    assignment_rule_set,
    assignment_skip,
    assignments_top_up,
)
from rubrics.models import Interaction
from teams.models import ApiToken, AuditEntry, Role
from tests.conftest import make_user, review, self_score

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
# A Wednesday; its week runs from Monday 7 to Sunday 13 December 2026.
WEDNESDAY = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)


def recorded(agent, team, when, reference, *, requested=False):
    """An interaction the agent never self-scored (as a supervisor records one)."""
    return Interaction.objects.create(
        agent=agent,
        team=team,
        occurred_at=when,
        channel="phone",
        reference=reference,
        topic="Refund request",
        review_requested=requested,
    )


@pytest.fixture
def clock():
    with time_machine.travel(WEDNESDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def second_supervisor(north):
    return make_user("sid", Role.SUPERVISOR, leads=[north], first_name="Sid")


# The rule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("per_agent", [0, -1, 51, 10_000])
def test_a_rule_outside_1_to_50_is_refused(north, supervisor, per_agent):
    with pytest.raises(ValidationError, match="from 1 to 50"):
        assignment_rule_set(team=north, per_agent=per_agent, period="week")
    assert not AssignmentRule.objects.exists()


@pytest.mark.parametrize("per_agent", ["0", "10000", "", "two"])
def test_the_rule_page_refuses_bad_numbers_with_a_clear_message(
    login, north, supervisor, per_agent
):
    response = login(supervisor).post(
        f"/assignments/rules/{north.pk}/", {"per_agent": per_agent, "period": "week"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "from 1 to 50" in body or "How many reviews per agent?" in body
    assert not AssignmentRule.objects.exists()


def test_setting_a_rule_twice_keeps_one_rule(login, north, supervisor):
    client = login(supervisor)
    for per_agent in ("3", "3", "4"):
        data = {"per_agent": per_agent, "period": "month", "active": "on"}
        assert client.post(f"/assignments/rules/{north.pk}/", data).status_code == 302
    rule = AssignmentRule.objects.get()
    assert (rule.team, rule.per_agent, rule.period, rule.active) == (north, 4, "month", True)
    assert "4 per agent each calendar month" in client.get("/assignments/rules/").content.decode()


def test_named_reviewers_must_be_able_to_review_the_team(
    login, north, supervisor, other_supervisor, second_supervisor
):
    with pytest.raises(ValidationError, match="supervisors of this team"):
        assignment_rule_set(team=north, per_agent=2, period="week", reviewers=[other_supervisor])
    response = login(supervisor).post(
        f"/assignments/rules/{north.pk}/",
        {"per_agent": "2", "period": "week", "reviewers": [other_supervisor.pk]},
    )
    assert response.status_code == 200 and not AssignmentRule.objects.exists()
    rule = assignment_rule_set(
        team=north, per_agent=2, period="week", reviewers=[second_supervisor]
    )
    assert list(rule.reviewers.all()) == [second_supervisor]


def test_another_teams_rule_page_is_not_found(login, south, supervisor, agent, admin_user):
    assert login(supervisor).get(f"/assignments/rules/{south.pk}/").status_code == 404
    assert login(agent).get(f"/assignments/rules/{south.pk}/").status_code == 403
    assert login(admin_user).get(f"/assignments/rules/{south.pk}/").status_code == 200


# The top-up -------------------------------------------------------------------------------------


def test_top_up_draws_the_quota_from_this_periods_interactions_requests_first(
    clock, north, agent, supervisor
):
    assignment_rule_set(team=north, per_agent=2, period="week")
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    recorded(agent, north, monday - timedelta(days=1), "ZD-LAST-WEEK", requested=True)
    asked = recorded(agent, north, monday, "ZD-ASKED", requested=True)
    for number in range(4):
        recorded(agent, north, monday + timedelta(hours=number), f"ZD-{number}")
    reviewed = self_score(agent, reference="ZD-REVIEWED").interaction
    review(reviewed, supervisor)

    assert assignments_top_up() == 2
    picked = list(Assignment.objects.select_related("interaction"))
    references = {a.interaction.reference for a in picked}
    assert "ZD-ASKED" in references
    assert references.isdisjoint({"ZD-LAST-WEEK", "ZD-REVIEWED"})
    first = Assignment.objects.get(interaction=asked)
    assert (first.reviewer, first.team, first.agent, first.status) == (
        supervisor,
        north,
        agent,
        "open",
    )
    assert (str(first.period_start), str(first.due_on)) == ("2026-12-07", "2026-12-13")
    # Run again (the hourly job): nothing more, the quota is met.
    assert assignments_top_up() == 0
    assert Assignment.objects.count() == 2


def test_top_up_fills_the_quota_as_interactions_arrive(clock, north, agent, supervisor):
    assignment_rule_set(team=north, per_agent=3, period="week")
    recorded(agent, north, WEDNESDAY - timedelta(hours=1), "ZD-1")
    assert assignments_top_up() == 1
    recorded(agent, north, WEDNESDAY - timedelta(minutes=30), "ZD-2")
    recorded(agent, north, WEDNESDAY - timedelta(minutes=20), "ZD-3")
    recorded(agent, north, WEDNESDAY - timedelta(minutes=10), "ZD-4")
    assert assignments_top_up() == 2
    assert assignments_top_up() == 0


def test_top_up_spreads_evenly_and_never_assigns_ones_own_work(
    clock, north, agent, supervisor, second_supervisor
):
    bob = make_user("bob", Role.AGENT, team=north)
    assignment_rule_set(team=north, per_agent=3, period="week")
    for person in (agent, bob):
        for number in range(3):
            recorded(
                person, north, WEDNESDAY - timedelta(hours=number + 1), f"ZD-{person}-{number}"
            )
    # A supervisor's own interaction in the team they lead is never theirs to review.
    recorded(second_supervisor, north, WEDNESDAY - timedelta(hours=1), "ZD-SID")
    assert assignments_top_up() == 7
    loads = {
        person.username: person.assignments.count() for person in (supervisor, second_supervisor)
    }
    assert sorted(loads.values()) == [3, 4]
    sids = Assignment.objects.get(interaction__reference="ZD-SID")
    assert sids.reviewer == supervisor


def test_an_inactive_rule_or_no_reviewer_makes_nothing(clock, north, agent, supervisor):
    rule = assignment_rule_set(team=north, per_agent=2, period="week", active=False)
    recorded(agent, north, WEDNESDAY - timedelta(hours=1), "ZD-1")
    assert assignments_top_up() == 0
    rule.active = True
    rule.save()
    north.supervisors.clear()
    assert assignments_top_up() == 0


def test_period_boundaries_week_and_month(north, agent, supervisor):
    assignment_rule_set(team=north, per_agent=1, period="week")
    sunday_night = datetime(2026, 12, 13, 23, 30, tzinfo=UTC)
    monday_morning = datetime(2026, 12, 14, 0, 30, tzinfo=UTC)
    recorded(agent, north, sunday_night - timedelta(minutes=5), "ZD-SUN")
    with time_machine.travel(sunday_night, tick=False):
        assert assignments_top_up() == 1
    recorded(agent, north, monday_morning - timedelta(minutes=5), "ZD-MON")
    with time_machine.travel(monday_morning, tick=False):
        # A new week: a new quota, drawn only from the new week's interactions.
        assert assignments_top_up() == 1
    new = Assignment.objects.get(interaction__reference="ZD-MON")
    assert (str(new.period_start), str(new.due_on)) == ("2026-12-14", "2026-12-20")

    assignment_rule_set(team=north, per_agent=5, period="month")
    recorded(agent, north, datetime(2026, 12, 31, 23, 0, tzinfo=UTC), "ZD-DEC")
    with time_machine.travel(datetime(2026, 12, 31, 23, 59, tzinfo=UTC), tick=False):
        assert assignments_top_up() == 1  # ZD-DEC; ZD-SUN and ZD-MON are assigned already
        assert Assignment.objects.get(interaction__reference="ZD-DEC").due_on.isoformat() == (
            "2026-12-31"
        )
    with time_machine.travel(datetime(2027, 1, 1, 0, 1, tzinfo=UTC), tick=False):
        assert assignments_top_up() == 0  # nothing of January yet


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_top_ups_at_once_create_no_duplicates(north, agent, supervisor):
    assignment_rule_set(team=north, per_agent=3, period="week")
    for number in range(10):
        self_score(agent, days_ago=0, reference=f"ZD-{number}")
    start, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            start.wait()
            results.append(assignments_top_up())
        except Exception as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == [0, 3]
    assert Assignment.objects.count() == 3


def test_a_review_marks_the_assignment_done(clock, north, agent, supervisor):
    assignment_rule_set(team=north, per_agent=1, period="week")
    scored = self_score(agent, days_ago=0, reference="ZD-1")
    assert assignments_top_up() == 1
    review(scored.interaction, supervisor)
    assignment = Assignment.objects.get()
    assert assignment.status == "done" and assignment.done_at is not None


# Reassigning and skipping -------------------------------------------------------------------------


@pytest.fixture
def assignment(clock, north, agent, supervisor):
    assignment_rule_set(team=north, per_agent=1, period="week")
    recorded(agent, north, WEDNESDAY - timedelta(hours=2), "ZD-1")
    assignments_top_up()
    return Assignment.objects.get()


def test_reassigning_to_someone_who_cannot_review_the_team_is_refused(
    login, assignment, other_supervisor, agent, admin_user
):
    for person in (other_supervisor, agent, admin_user):
        with pytest.raises(ValidationError, match="supervisor of this team"):
            assignment_reassign(assignment=assignment, reviewer=person)
    response = login(assignment.reviewer).post(
        f"/assignments/{assignment.pk}/reassign/", {"reviewer": other_supervisor.pk}, follow=True
    )
    assert "Choose a supervisor of this team" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.reviewer.username == "sue"


def test_reassigning_is_recorded(login, assignment, second_supervisor):
    response = login(assignment.reviewer).post(
        f"/assignments/{assignment.pk}/reassign/", {"reviewer": second_supervisor.pk}, follow=True
    )
    assert "Interaction ZD-1 now goes to Sid" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.reviewer == second_supervisor
    entry = AuditEntry.objects.filter(object_id=str(assignment.pk), action="update").get()
    assert "reviewer" in str(entry.changes)


def test_reassigning_tells_the_new_reviewer(login, assignment, second_supervisor, supervisor):
    login(supervisor).post(
        f"/assignments/{assignment.pk}/reassign/", {"reviewer": second_supervisor.pk}
    )
    (note,) = Notification.objects.all()
    assert (note.recipient, note.kind) == (second_supervisor, Kind.ASSIGNMENT_GIVEN)
    assert note.url == f"/interactions/{assignment.interaction_id}/review/"
    assert "You were assigned the review of" in note.text and "interaction of" in note.text
    assert "ZD-1" not in note.text
    # Taking it back for oneself tells nobody.
    assignment_reassign(assignment=assignment, reviewer=supervisor, by=supervisor)
    assert Notification.objects.count() == 1


def test_skipping_needs_a_reason_and_is_recorded(login, assignment):
    client = login(assignment.reviewer)
    for reason in ("", "   "):
        response = client.post(
            f"/assignments/{assignment.pk}/skip/", {"reason": reason}, follow=True
        )
        assert "Say why this one is skipped." in response.content.decode()
    with pytest.raises(ValidationError):
        assignment_skip(assignment=assignment, reason=" ")
    assignment.refresh_from_db()
    assert assignment.status == "open"
    response = client.post(
        f"/assignments/{assignment.pk}/skip/",
        {"reason": "A test call, not a customer."},
        follow=True,
    )
    assert "Skipped interaction ZD-1." in response.content.decode()
    assignment.refresh_from_db()
    assert (assignment.status, assignment.skip_reason) == (
        "skipped",
        "A test call, not a customer.",
    )
    assert AuditEntry.objects.filter(object_id=str(assignment.pk), action="update").exists()
    # Skipping twice is refused; the next top-up draws another interaction for the quota.
    response = client.post(f"/assignments/{assignment.pk}/skip/", {"reason": "Again."}, follow=True)
    assert "Only an open assignment" in response.content.decode()
    recorded(assignment.agent, assignment.team, WEDNESDAY - timedelta(hours=1), "ZD-2")
    assert assignments_top_up() == 1


def test_skipping_refuses_personal_data(login, assignment):
    login(assignment.reviewer).post(
        f"/assignments/{assignment.pk}/skip/", {"reason": "Customer is jo@example.com"}
    )
    assignment.refresh_from_db()
    assert assignment.status == "open"


def test_another_teams_assignment_is_not_found(login, assignment, other_supervisor, agent):
    for url, data in (("skip", {"reason": "No."}), ("reassign", {"reviewer": other_supervisor.pk})):
        path = f"/assignments/{assignment.pk}/{url}/"
        assert login(other_supervisor).post(path, data).status_code == 404
        assert login(agent).post(path, data).status_code == 403
    assignment.refresh_from_db()
    assert assignment.status == "open" and assignment.reviewer.username == "sue"


# Reminders --------------------------------------------------------------------------------------


def test_reminders_go_once_each(north, agent, supervisor):
    assignment_rule_set(team=north, per_agent=1, period="week")
    recorded(agent, north, datetime(2026, 12, 7, 9, 0, tzinfo=UTC), "ZD-1")
    with time_machine.travel(datetime(2026, 12, 9, 10, 0, tzinfo=UTC), tick=False):
        assignments_top_up()
        assert assignment_reminders_send() == {"due": 0, "overdue": 0}
    with time_machine.travel(datetime(2026, 12, 12, 8, 0, tzinfo=UTC), tick=False):
        assert assignment_reminders_send() == {"due": 1, "overdue": 0}
        assert assignment_reminders_send() == {"due": 0, "overdue": 0}
    with time_machine.travel(datetime(2026, 12, 14, 8, 0, tzinfo=UTC), tick=False):
        assert assignment_reminders_send() == {"due": 0, "overdue": 1}
        assert assignment_reminders_send() == {"due": 0, "overdue": 0}
    notes = list(Notification.objects.order_by("kind"))
    assert [(n.recipient, n.kind) for n in notes] == [
        (supervisor, Kind.ASSIGNMENT_DUE),
        (supervisor, Kind.ASSIGNMENT_OVERDUE),
    ]
    interaction = Interaction.objects.get(reference="ZD-1")
    assert notes[0].url == f"/interactions/{interaction.pk}/review/"
    assert "due tomorrow" in notes[0].text and "overdue" in notes[1].text
    for note in notes:
        assert "phone interaction of 7 Dec 2026" in note.text
        assert "ZD-1" not in note.text and f"interaction {interaction.pk}" not in note.text


def test_a_done_assignment_gets_no_reminder(clock, north, agent, supervisor):
    assignment_rule_set(team=north, per_agent=1, period="week")
    scored = self_score(agent, days_ago=0, reference="ZD-1")
    assignments_top_up()
    review(scored.interaction, supervisor)
    with time_machine.travel(datetime(2026, 12, 15, 8, 0, tzinfo=UTC), tick=False):
        assert assignment_reminders_send() == {"due": 0, "overdue": 0}


# Sampling with a due date -------------------------------------------------------------------------


def test_a_sample_due_date_in_the_past_is_refused(login, agent, supervisor):
    self_score(agent, days_ago=0)
    response = login(supervisor).post(
        "/reviews/sample/", {"per_agent": "1", "due_on": "2020-01-01"}, follow=True
    )
    assert "That due date has passed" in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_sample_with_a_due_date(login, agent, supervisor, clock):
    recorded(agent, agent.membership.team, WEDNESDAY - timedelta(hours=1), "ZD-1")
    login(supervisor).post("/reviews/sample/", {"per_agent": "1", "due_on": "2026-12-10"})
    assignment = Assignment.objects.get()
    assert (assignment.reviewer, str(assignment.due_on), assignment.source) == (
        supervisor,
        "2026-12-10",
        "sample",
    )


# My assignments ---------------------------------------------------------------------------------


def test_my_assignments_shows_due_overdue_done_and_progress(
    login, clock, north, agent, supervisor, second_supervisor
):
    bob = make_user("bob", Role.AGENT, team=north, first_name="Bob")
    assignment_rule_set(team=north, per_agent=2, period="week", reviewers=[supervisor])
    done = self_score(agent, days_ago=0, reference="ZD-A1").interaction
    self_score(agent, days_ago=0, reference="ZD-A2")
    recorded(bob, north, WEDNESDAY - timedelta(hours=1), "ZD-B1")
    assert assignments_top_up() == 3
    review(done, supervisor)
    late = Assignment.objects.get(interaction__reference="ZD-B1")
    late.due_on = WEDNESDAY.date() - timedelta(days=1)
    late.save()

    response = login(supervisor).get("/assignments/")
    body = response.content.decode()
    assert response.context["done"] == 1 and response.context["total"] == 3
    assert [a.interaction.reference for a in response.context["overdue"]] == ["ZD-B1"]
    assert [a.interaction.reference for a in response.context["due"]] == ["ZD-A2"]
    assert "1 of 3" in body and "Overdue" in body and "ZD-A1" in body
    progress = {row["agent"]: (row["done"], row["total"]) for row in response.context["progress"]}
    assert progress == {"Alice": (1, 2), "Bob": (0, 1)}
    # Sid may take them over; the form offers only the team's other supervisors.
    assert f'value="{second_supervisor.pk}"' in body
    assert "ZD-A2" not in login(second_supervisor).get("/assignments/").content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_my_assignments_queue_and_dashboard_query_counts_stay_constant(
    login, clock, north, agent, supervisor, count, django_assert_max_num_queries
):
    assignment_rule_set(team=north, per_agent=50, period="week")
    for number in range(count):
        recorded(agent, north, WEDNESDAY - timedelta(minutes=number + 1), f"ZD-{number}")
    assignments_top_up()
    for number in range(count):
        recorded(agent, north, WEDNESDAY - timedelta(seconds=number + 1), f"ZD-R{number}")
    client = login(supervisor)
    # The dashboard's budget is the one tests/test_dashboard.py explains.
    for url, most in (("/assignments/", 10), ("/reviews/", 10), ("/dashboard/", 25)):
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200


# The dashboard's coverage -----------------------------------------------------------------------


def test_dashboard_shows_coverage_and_overdue_per_team(login, clock, north, agent, supervisor):
    make_user("bob", Role.AGENT, team=north)
    scored = self_score(agent, days_ago=0, reference="ZD-1")
    review(scored.interaction, supervisor)
    assignment_rule_set(team=north, per_agent=1, period="week")
    recorded(agent, north, WEDNESDAY - timedelta(hours=1), "ZD-2")
    assignments_top_up()
    Assignment.objects.update(due_on=WEDNESDAY.date() - timedelta(days=1))
    response = login(supervisor).get("/dashboard/")
    row = response.context["coverage"][0]
    assert (row["team"], row["reviewed"], row["agents"], row["overdue"]) == (north, 1, 2, 1)
    assert "1 / 2" in response.content.decode()


# The API ----------------------------------------------------------------------------------------


def test_api_lists_the_callers_assignments_by_status(
    clock, north, agent, supervisor, other_supervisor
):
    assignment_rule_set(team=north, per_agent=2, period="week")
    done = self_score(agent, days_ago=0, reference="ZD-1").interaction
    self_score(agent, days_ago=0, reference="ZD-2")
    assignments_top_up()
    review(done, supervisor)
    client = APIClient()
    _, key = ApiToken.issue(user=supervisor, name="test")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    everything = client.get("/api/v1/assignments/").json()
    assert everything["count"] == 2
    assert {row["reference"] for row in everything["results"]} == {"ZD-1", "ZD-2"}
    open_ones = client.get("/api/v1/assignments/?status=open").json()["results"]
    assert [row["reference"] for row in open_ones] == ["ZD-2"]
    assert set(open_ones[0]) >= {"id", "interaction", "agent", "team", "due_on", "status"}
    assert client.get("/api/v1/assignments/?status=maybe").status_code == 400
    _, other_key = ApiToken.issue(user=other_supervisor, name="test")
    client.credentials(HTTP_AUTHORIZATION=f"Token {other_key}")
    assert client.get("/api/v1/assignments/").json()["count"] == 0


def api_as(user):
    client = APIClient()
    _, key = ApiToken.issue(user=user, name="test")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_api_reads_and_sets_a_teams_rule(north, supervisor, second_supervisor, admin_user):
    client = api_as(supervisor)
    url = f"/api/v1/teams/{north.pk}/assignment-rule/"
    assert client.get(url).json() == {
        "per_agent": None,
        "period": None,
        "reviewers": [],
        "active": False,
    }
    body = {"per_agent": 3, "period": "month", "reviewers": ["sid"]}
    for _ in range(2):  # sent twice: one rule
        response = client.put(url, body, format="json")
        assert response.status_code == 200, response.json()
    assert response.json() == {
        "per_agent": 3,
        "period": "month",
        "reviewers": ["sid"],
        "active": True,
    }
    assert AssignmentRule.objects.count() == 1
    assert api_as(admin_user).get(url).json()["per_agent"] == 3


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"per_agent": 0, "period": "week"}, "per_agent", 400),
        ({"per_agent": 10_000, "period": "week"}, "per_agent", 400),
        ({"per_agent": 2, "period": "fortnight"}, "period", 400),
        # Well formed, but naming no supervisor of the team: a rule about the current data.
        ({"per_agent": 2, "period": "week", "reviewers": ["sam"]}, "reviewers", 422),
        ({"per_agent": 2, "period": "week", "reviewers": ["nobody"]}, "reviewers", 422),
        ({"per_agent": 2, "period": "week", "reviewers": [""]}, "reviewers", 422),
    ],
)
def test_api_refuses_a_bad_rule(north, supervisor, other_supervisor, body, field, status):
    response = api_as(supervisor).put(
        f"/api/v1/teams/{north.pk}/assignment-rule/", body, format="json"
    )
    assert response.status_code == status and field in response.json()
    assert not AssignmentRule.objects.exists()


def test_api_rule_of_another_team_is_not_found(north, south, supervisor, agent):
    url = f"/api/v1/teams/{south.pk}/assignment-rule/"
    assert api_as(supervisor).get(url).status_code == 404
    assert (
        api_as(supervisor).put(url, {"per_agent": 2, "period": "week"}, format="json").status_code
        == 404
    )
    assert api_as(agent).get(f"/api/v1/teams/{north.pk}/assignment-rule/").status_code == 403


def test_the_queue_says_who_holds_an_interaction_assigned_to_someone_else(
    login, assignment, second_supervisor
):
    body = login(second_supervisor).get("/reviews/").content.decode()
    assert 'data-testid="assigned-to"' in body and "assigned to Sue" in body


def test_with_one_supervisor_my_assignments_says_why_there_is_no_reassigning(login, assignment):
    body = login(assignment.reviewer).get("/assignments/").content.decode()
    assert 'data-testid="no-reassign"' in body and "Nobody else supervises North" in body


def test_the_rules_page_names_the_week_in_capitals(login, assignment):
    body = login(assignment.reviewer).get("/assignments/rules/").content.decode()
    assert "each week (Monday to Sunday)" in body and "monday" not in body
