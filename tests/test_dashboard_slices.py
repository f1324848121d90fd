"""The dashboards sliced by channel and topic: figures, lists, trend and CSV of that slice only."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection

from rubrics.disputes import dispute_raise
from rubrics.models import Interaction
from tests.conftest import review, self_score

pytestmark = pytest.mark.django_db


def uniform(value):
    return {key: value for key in ("empathy", "accuracy", "fairness", "transparency", "respect")}


@pytest.fixture
def calls(agent, other_agent, supervisor, other_supervisor):
    """Alice: a phone call about a refund (self 5s, reviewed 4s: 100% and 75%) and a chat about
    a broken promise (self 4s, reviewed 2s: 75% and 25%, disputed); Oscar in South: a chat
    about a promise (3s: 50%)."""
    phone = self_score(agent, uniform(5), reference="ZD-P1").interaction
    chat = self_score(agent, uniform(4), reference="ZD-C1").interaction
    south = self_score(other_agent, uniform(3), reference="ZD-S1").interaction
    Interaction.objects.filter(pk__in=[chat.pk, south.pk]).update(
        channel="chat", topic="A PROMISE that could not be kept"
    )
    review(phone, supervisor, uniform(4))
    review(chat, supervisor, uniform(2))
    review(south, other_supervisor, uniform(3))
    dispute_raise(
        interaction=chat, agent=agent, reason="Fairer than that", proposed={"fairness": 4}
    )
    return {"phone": phone, "chat": chat, "south": south}


def totals(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context


@pytest.mark.parametrize("query", ["channel=chat", "topic=promise", "channel=chat&topic=Promise"])
def test_a_slice_counts_only_its_interactions(login, supervisor, calls, query):
    context = totals(login(supervisor), f"/dashboard/?{query}")
    figures = context["totals"]
    assert (figures["scored"], figures["reviewed"]) == (1, 1)
    assert figures["self_pct"] == Decimal(75) and figures["review_pct"] == Decimal(25)
    assert (figures["open_disputes"], figures["unacknowledged"]) == (1, 0)
    assert [review.interaction.pk for review in context["waiting"]["disputes"]] == [
        calls["chat"].pk
    ]
    assert [row["review_avg"] for row in context["criteria"]] == [Decimal(2)] * 5
    (week,) = context["trend"]
    assert (week["self"], week["review"]) == (4.0, 2.0)
    (alice,) = context["agents"]
    assert alice.review_pct == Decimal(25)
    assert context["distribution"]["review"][2] == 1 and sum(context["distribution"]["review"]) == 1


def test_the_page_says_what_it_is_sliced_by(login, supervisor, calls):
    body = login(supervisor).get("/dashboard/?channel=chat&topic=promise").content.decode()
    assert "only interactions by Chat and with “promise” in their topic" in body
    assert "checklist runs and review coverage are not sliced" in body
    assert "not sliced" not in login(supervisor).get("/dashboard/").content.decode()


def test_without_a_slice_every_interaction_counts_and_the_shadow_tables_are_gone(
    login, supervisor, calls
):
    client = login(supervisor)
    totals(client, "/dashboard/?channel=chat")
    figures = totals(client, "/dashboard/")["totals"]
    assert (figures["scored"], figures["reviewed"]) == (2, 2)
    assert (figures["open_disputes"], figures["unacknowledged"]) == (1, 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname LIKE 'pg_temp%%'")
        assert cursor.fetchone()[0] == 0


def test_the_organisation_dashboard_slices_every_team(login, admin_user, calls):
    context = totals(login(admin_user), "/dashboard/organisation/?channel=chat")
    assert context["totals"]["scored"] == 2
    by_team = {team.name: team for team in context["comparison"]}
    assert {name: team.review_pct for name, team in by_team.items()} == {
        "North": Decimal(25),
        "South": Decimal(50),
    }
    context = totals(login(admin_user), "/dashboard/organisation/?channel=email")
    assert context["totals"]["scored"] == 0 and context["trend"] == []


def test_a_slice_by_phone_and_agent(login, supervisor, agent, calls):
    context = totals(login(supervisor), f"/dashboard/?channel=phone&agent={agent.pk}")
    assert context["totals"]["self_pct"] == Decimal(100)
    assert context["totals"]["review_pct"] == Decimal(75)
    assert (context["totals"]["open_disputes"], context["totals"]["unacknowledged"]) == (0, 1)


def test_like_wildcards_in_a_topic_are_plain_text(login, supervisor, calls):
    for topic in ("%", "_", "promise%"):
        assert totals(login(supervisor), f"/dashboard/?topic={topic}")["totals"]["scored"] == 0


def test_a_channel_that_does_not_exist_is_a_form_error_and_not_applied(login, supervisor, calls):
    context = totals(login(supervisor), "/dashboard/?channel=fax")
    assert "channel" in context["form"].errors
    assert context["totals"]["scored"] == 2
    response = login(supervisor).get("/dashboard/export.csv?channel=fax")
    assert response.status_code == 400
    assert "Channel" in response.content.decode()


def csv_rows(client, query):
    response = client.get(f"/dashboard/export.csv?{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_follows_the_slice(login, supervisor, calls):
    client = login(supervisor)
    assert {row["reference"] for row in csv_rows(client, "channel=chat")} == {"ZD-C1"}
    assert {row["reference"] for row in csv_rows(client, "topic=refund")} == {"ZD-P1"}
    assert {row["reference"] for row in csv_rows(client, "")} == {"ZD-P1", "ZD-C1"}
    assert len(csv_rows(client, "channel=chat")) == 2  # the self-score and the review


@pytest.mark.parametrize("count", [4, 40])
def test_a_sliced_dashboard_keeps_the_query_budget(
    login, agent, supervisor, admin_user, count, django_assert_max_num_queries
):
    for number in range(count):
        self_score(agent, uniform(4), reference=f"ZD-{number}")
    Interaction.objects.filter(reference__in=["ZD-0", "ZD-1"]).update(channel="chat")
    for user, url in [(supervisor, "/dashboard/"), (admin_user, "/dashboard/organisation/")]:
        client = login(user)
        # The unsliced page's budget (tests/test_dashboard.py) holds for a slice too.
        with django_assert_max_num_queries(25):
            response = client.get(f"{url}?channel=chat&topic=refund")
        assert response.context["totals"]["scored"] == 2


def test_the_reviewed_share_names_what_it_is_a_share_of(login, agent, supervisor):
    from tests.conftest import review, self_score

    review(self_score(agent, reference="ZD-1").interaction, supervisor)
    self_score(agent, reference="ZD-2")
    page = login(supervisor).get("/dashboard/").content.decode()
    assert "50.0% of the 2 interactions with any score were reviewed." in page
