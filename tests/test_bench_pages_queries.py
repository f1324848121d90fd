"""Pages `make bench` measures read the same number of queries whatever the data behind them.

The other benchmarked pages have theirs beside their features (test_cases, test_assignments,
test_notifications, test_training_*, test_library_search, test_dashboard, test_self_score,
test_fairness_audit); these are the ones that had none: a revealed calibration session, My
reviews and a webhook event.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calibration.services import calibration_score_submit, calibration_session_open
from rubrics.models import Interaction
from teams.models import Role
from tests.conftest import RATINGS, make_user, review, self_score
from tests.helpdesk import generic_event, make_connection, map_agent, post_signed

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def revealed_session(facilitator, coders, interactions):
    session = calibration_session_open(
        facilitator=facilitator,
        interaction_ids=[each.pk for each in interactions],
        participant_usernames=[each.username for each in coders],
        deadline=timezone.now() + timedelta(days=2),
    )
    for n, coder in enumerate(coders):
        for interaction in interactions:
            calibration_score_submit(
                session=session,
                participant=coder,
                interaction=interaction,
                ratings={**RATINGS, "empathy": 3 + n % 2},
                comments={},
            )
    session.refresh_from_db()
    assert session.revealed_at is not None
    return session


def test_a_revealed_calibration_session_costs_the_same_with_more_coders_and_interactions(
    login, north, agent, supervisor, admin_user
):
    second = make_user("sid", Role.SUPERVISOR, leads=[north])
    third = make_user("sal", Role.SUPERVISOR, leads=[north])
    small = revealed_session(
        supervisor,
        [supervisor, second],
        [self_score(agent, reference=f"ZD-S{n}").interaction for n in range(2)],
    )
    large = revealed_session(
        supervisor,
        [supervisor, second, third, admin_user],
        [self_score(agent, reference=f"ZD-L{n}").interaction for n in range(6)],
    )
    client = login(supervisor)
    queries(client, f"/calibrations/{small.pk}/")  # the first page of a session warms nothing
    few = queries(client, f"/calibrations/{small.pk}/")
    many = queries(client, f"/calibrations/{large.pk}/")
    assert many == few


def test_my_reviews_costs_the_same_with_more_reviews(login, agent, supervisor):
    client = login(agent)
    for n in range(2):
        review(self_score(agent, reference=f"ZD-A{n}").interaction, supervisor)
    queries(client, "/my/reviews/")
    few = queries(client, "/my/reviews/")
    for n in range(12):
        review(self_score(agent, reference=f"ZD-B{n}").interaction, supervisor)
    assert queries(client, "/my/reviews/") == few


def test_a_webhook_event_costs_the_same_however_many_tickets_came_before(client, agent):
    acme = make_connection()
    map_agent(acme, "alice@corp.test", agent)

    def event_queries(ticket_id):
        with CaptureQueriesContext(connection) as captured:
            response = post_signed(client, "acme", generic_event(ticket_id=ticket_id))
        assert response.status_code == 202, response.content
        return len(captured.captured_queries)

    event_queries("1")
    few = event_queries("2")
    for n in range(20):
        event_queries(f"x{n}")
    assert event_queries("3") == few
    assert Interaction.objects.filter(agent=agent).count() == 23
