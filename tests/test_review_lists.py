"""The leaders' lists: the reviews they gave (filtered, paginated) and the disputes to settle."""

import pytest
from django.utils import timezone

from rubrics.disputes import dispute_raise, dispute_resolve
from rubrics.models import Dispute, Evaluation
from teams.models import Role
from tests.conftest import make_user, review, self_score

pytestmark = pytest.mark.django_db

LOW = {"empathy": 2, "accuracy": 3, "fairness": 2, "transparency": 3, "respect": 3}


@pytest.fixture
def reviews(agent, other_agent, supervisor, other_supervisor, north):
    """Alice's reviews by Sue in every state, Bob's (also North) by Sue, Oscar's by Sam."""
    bob = make_user("bob", Role.AGENT, team=north, first_name="Bob")
    made = {}
    made["waiting"] = review(self_score(agent, reference="ZD-WAITING").interaction, supervisor)
    acknowledged = review(self_score(agent, reference="ZD-ACK").interaction, supervisor)
    acknowledged.acknowledged_at = acknowledged.seen_at = timezone.now()
    acknowledged.save()
    made["open"] = review(self_score(agent, reference="ZD-OPEN").interaction, supervisor, LOW)
    made["open_dispute"] = dispute_raise(
        interaction=made["open"].interaction, agent=agent, reason="Fair.", proposed={"fairness": 4}
    )
    settled = review(self_score(agent, reference="ZD-SETTLED").interaction, supervisor, LOW)
    dispute = dispute_raise(
        interaction=settled.interaction, agent=agent, reason="Fair.", proposed={"fairness": 4}
    )
    dispute_resolve(dispute=dispute, resolver=supervisor, decision="rejected", reason="Kept.")
    made["bob"] = review(self_score(bob, reference="ZD-BOB").interaction, supervisor)
    made["south"] = review(
        self_score(other_agent, reference="ZD-SOUTH").interaction, other_supervisor
    )
    made["south_dispute"] = dispute_raise(
        interaction=made["south"].interaction,
        agent=other_agent,
        reason="Fair.",
        proposed={"fairness": 4},
    )
    made["bob_user"] = bob
    return made


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_supervisor_sees_the_reviews_they_gave_and_no_other_teams(login, supervisor, reviews):
    body = page(login(supervisor), "/reviews/given/")
    for reference in ("ZD-WAITING", "ZD-ACK", "ZD-OPEN", "ZD-SETTLED", "ZD-BOB"):
        assert reference in body
    assert "ZD-SOUTH" not in body
    assert "5 reviews" in body
    # An open dispute links to where it is settled.
    assert f'href="/disputes/{reviews["open_dispute"].pk}/resolve/">Open: settle it' in body


@pytest.mark.parametrize(
    "query, shown",
    [
        ("acknowledgement=waiting", {"ZD-WAITING", "ZD-OPEN", "ZD-SETTLED", "ZD-BOB"}),
        ("acknowledgement=done", {"ZD-ACK"}),
        ("dispute=none", {"ZD-WAITING", "ZD-ACK", "ZD-BOB"}),
        ("dispute=open", {"ZD-OPEN"}),
        ("dispute=settled", {"ZD-SETTLED"}),
        ("agent=BOB", {"ZD-BOB"}),
        ("acknowledgement=waiting&dispute=none&agent=ALICE", {"ZD-WAITING"}),
        ("date_from=2001-01-01&date_to=2001-01-31", set()),
        (
            "date_from={today}&date_to={today}",
            {"ZD-WAITING", "ZD-ACK", "ZD-OPEN", "ZD-SETTLED", "ZD-BOB"},
        ),
    ],
)
def test_the_reviews_given_filters(login, supervisor, agent, reviews, query, shown):
    query = query.replace("BOB", str(reviews["bob_user"].pk)).replace("ALICE", str(agent.pk))
    query = query.replace("{today}", f"{timezone.localdate():%Y-%m-%d}")
    body = page(login(supervisor), f"/reviews/given/?{query}")
    for reference in ("ZD-WAITING", "ZD-ACK", "ZD-OPEN", "ZD-SETTLED", "ZD-BOB"):
        assert (f">{reference}</a>" in body) == (reference in shown), reference
    if not shown:
        assert "No review matches." in body


@pytest.mark.parametrize(
    "query", ["date_from=yesterday", "acknowledgement=maybe", "agent=99999", "agent=x", "page=abc"]
)
def test_bad_filters_are_explained_not_a_500(login, supervisor, reviews, query):
    response = login(supervisor).get(f"/reviews/given/?{query}")
    assert response.status_code == 200
    body = response.content.decode()
    if not query.startswith("page"):
        assert "is-invalid" in body


def test_the_reviews_given_are_paginated_with_the_filters_kept(login, supervisor, agent):
    for number in range(27):
        review(
            self_score(agent, reference=f"ZD-{number:02}", days_ago=number + 1).interaction,
            supervisor,
        )
    client = login(supervisor)
    first = page(client, "/reviews/given/?acknowledgement=waiting")
    assert "Page 1 of 2" in first
    assert 'href="?acknowledgement=waiting&amp;page=2"' in first
    second = page(client, "/reviews/given/?acknowledgement=waiting&page=2")
    assert second.count('data-testid="review-given"') == 2


def test_the_admin_sees_every_teams_reviews_and_disputes(login, admin_user, reviews):
    client = login(admin_user)
    body = page(client, "/reviews/given/")
    assert "ZD-SOUTH" in body and "ZD-BOB" in body and "6 reviews" in body
    disputes = page(client, "/disputes/")
    assert "ZD-OPEN" in disputes and "ZD-SOUTH" in disputes and "ZD-SETTLED" not in disputes


def test_disputes_to_settle_are_the_open_ones_on_the_supervisors_reviews(
    login, supervisor, other_supervisor, reviews
):
    body = page(login(supervisor), "/disputes/")
    assert body.count('data-testid="dispute-to-settle"') == 1
    assert f'href="/disputes/{reviews["open_dispute"].pk}/resolve/"' in body
    assert "ZD-SETTLED" not in body and "ZD-SOUTH" not in body
    other = page(login(other_supervisor), "/disputes/")
    assert "ZD-OPEN" not in other and "ZD-SOUTH" in other
    other_reviews = page(login(other_supervisor), "/reviews/given/")
    assert "ZD-OPEN" not in other_reviews and "ZD-WAITING" not in other_reviews


def test_a_co_supervisor_does_not_get_disputes_on_anothers_reviews(
    login, supervisor, north, reviews
):
    colleague = make_user("cora", Role.SUPERVISOR, leads=[north])
    body = page(login(colleague), "/disputes/")
    assert "No dispute waits for you." in body
    assert "No review matches." in page(login(colleague), "/reviews/given/")


def test_settling_takes_the_dispute_off_the_list(login, supervisor, reviews):
    client = login(supervisor)
    dispute = reviews["open_dispute"]
    dispute_resolve(dispute=dispute, resolver=supervisor, decision="rejected", reason="Kept.")
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.REJECTED
    assert "No dispute waits for you." in page(client, "/disputes/")


@pytest.mark.parametrize("url", ["/reviews/given/", "/disputes/"])
def test_agents_may_not_open_the_lists(login, agent, url):
    assert login(agent).get(url).status_code == 403


@pytest.mark.parametrize("url", ["/reviews/given/", "/disputes/"])
def test_the_lists_cost_the_same_queries_for_more_data(
    login, supervisor, agent, url, django_assert_max_num_queries
):
    client = login(supervisor)
    for number in range(3):
        evaluation = review(
            self_score(agent, reference=f"ZD-A{number}").interaction, supervisor, LOW
        )
        dispute_raise(
            interaction=evaluation.interaction,
            agent=agent,
            reason="Fair.",
            proposed={"fairness": 4},
        )
    page(client, url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        page(client, url)
    for number in range(12):
        evaluation = review(
            self_score(agent, reference=f"ZD-B{number}", days_ago=2).interaction, supervisor, LOW
        )
        dispute_raise(
            interaction=evaluation.interaction,
            agent=agent,
            reason="Fair.",
            proposed={"fairness": 4},
        )
    with CaptureQueriesContext(connection) as many:
        body = page(client, url)
    assert "ZD-B11" in body
    assert len(many) == len(few)
    assert Evaluation.objects.filter(author=supervisor).count() == 15


def test_the_dashboards_agent_rows_link_to_evidence_and_reviews(login, supervisor, agent, reviews):
    client = login(supervisor)
    body = page(client, "/dashboard/")
    row = next(part for part in body.split('data-testid="agent-row"')[1:] if ">Alice<" in part)
    assert f'href="/proof-plan/evidence/{agent.pk}/"' in row
    assert f'href="/reviews/given/?agent={agent.pk}"' in row
    assert client.get(f"/proof-plan/evidence/{agent.pk}/").status_code == 200
    reviewed = page(client, f"/reviews/given/?agent={agent.pk}")
    assert "ZD-WAITING" in reviewed and "ZD-BOB" not in reviewed and "is-invalid" not in reviewed


def test_an_agent_of_the_team_not_yet_reviewed_is_a_valid_filter(login, supervisor, north):
    newcomer = make_user("nia", Role.AGENT, team=north)
    body = page(login(supervisor), f"/reviews/given/?agent={newcomer.pk}")
    assert "is-invalid" not in body and "No review matches." in body
