"""The team and organisation dashboards and the CSV export."""

import csv
import io
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from reports.selectors import _largest_gaps
from rubrics import rollups
from rubrics.disputes import dispute_raise
from rubrics.models import CriterionRollup, Evaluation, Interaction, Rating, Rubric
from tests.conftest import make_user, review, self_score

pytestmark = pytest.mark.django_db


def uniform(value):
    return {key: value for key in ("empathy", "accuracy", "fairness", "transparency", "respect")}


@pytest.fixture
def scores(agent, other_agent, supervisor, other_supervisor, north):
    """North: Alice self-scores 5s and 4s, Sue reviews both lower; Bob scores 2s, unreviewed.
    South: Oscar self-scores 3s, reviewed 3s by Sam."""
    bob = make_user("bob", "Agent", team=north, first_name="Bob")
    first = self_score(agent, uniform(5), reference="ZD-A1").interaction
    second = self_score(agent, uniform(4), reference="ZD-A2").interaction
    review(first, supervisor, uniform(3))
    review(second, supervisor, {**uniform(4), "empathy": 2})
    self_score(bob, uniform(2), reference="ZD-B1")
    south = self_score(other_agent, uniform(3), reference="ZD-O1").interaction
    review(south, other_supervisor, uniform(3))
    dispute_raise(
        interaction=second, agent=agent, reason="Kinder than that", proposed={"empathy": 4}
    )
    return {"bob": bob, "first": first, "second": second}


def test_team_figures(login, supervisor, scores):
    response = login(supervisor).get("/dashboard/")
    context = response.context
    totals = context["totals"]
    # Self: 5.00, 4.00 and 2.00 in North; reviews 3.00 and 3.50. Bob's 2.00 is not reviewed,
    # so under blind review his supervisor's self figures leave it out.
    assert totals["scored"] == 3 and totals["reviewed"] == 2
    assert totals["self_avg"] == Decimal("4.5")
    assert totals["review_avg"] == Decimal("3.25")
    assert round(totals["percent_reviewed"], 1) == Decimal("66.7")
    assert totals["open_disputes"] == 1 and totals["unacknowledged"] == 1
    criteria = {row["key"]: row for row in context["criteria"]}
    assert criteria["empathy"]["weight"] == 25
    assert criteria["empathy"]["review_avg"] == Decimal("2.5")
    assert criteria["empathy"]["self_avg"] == Decimal("4.5")
    body = response.content.decode()
    assert "ZD-A2" in body  # the open dispute
    assert "ZD-A1" in body  # the unacknowledged review
    assert "ZD-O1" not in body


def test_an_admin_sees_every_self_score_in_the_figures(login, admin_user, scores, north):
    context = login(admin_user).get(f"/dashboard/?team={north.pk}").context
    assert round(context["totals"]["self_avg"], 10) == round(Decimal(11) / 3, 10)
    criteria = {row["key"]: row for row in context["criteria"]}
    assert round(criteria["empathy"]["self_avg"], 4) == round(Decimal(11) / 3, 4)


def test_gaps_and_agents_under_threshold(login, admin_user, scores, north):
    client = login(admin_user)
    context = client.get(f"/dashboard/?team={north.pk}&threshold=60").context
    top = context["gaps"][0]
    # Alice rated empathy 5 and 4 against reviews of 3 and 2: a gap of 2 on average.
    assert (top["agent__username"], top["criterion__key"]) == (
        "alice",
        "empathy",
    )
    assert top["gap"] == 2 and top["pairs"] == 2
    # Alice's reviews: all 3s (score 3.00, 50%) and 4s with empathy 2 (score 3.50, 62.5%), so
    # 56.25% on average, her basis. Bob's one self-score, all 2s, is unreviewed: 25%.
    agents = {person.username: person for person in context["agents"]}
    assert (agents["alice"].review_pct, agents["alice"].basis) == (Decimal("56.25"), "reviewed")
    assert (agents["bob"].self_pct, agents["bob"].basis) == (Decimal("25"), "self")
    assert {name: person.below_threshold for name, person in agents.items()} == {
        "alice": True,
        "bob": True,
    }
    # The organisation lists only the agents under the threshold, the lowest first (Oscar's
    # review of all 3s: 50%); the threshold is strict, and Alice's 56.25% sits between these two.
    for threshold, under in [("56.2", ["bob", "oscar"]), ("56.3", ["bob", "oscar", "alice"])]:
        listed = client.get(f"/dashboard/organisation/?threshold={threshold}").context["agents"]
        assert [person.username for person in listed] == under
        assert all(person.below_threshold for person in listed)
    # Bob's 25% is not under 25, in the organisation's list nor in the team's table.
    assert client.get("/dashboard/organisation/?threshold=25").context["agents"] == []
    context = client.get(f"/dashboard/?team={north.pk}&threshold=25").context
    assert {person.username: person.below_threshold for person in context["agents"]} == {
        "alice": False,
        "bob": False,
    }


def test_filters_by_agent_and_dates(login, supervisor, scores):
    client = login(supervisor)
    by_bob = client.get(f"/dashboard/?agent={scores['bob'].pk}").context["totals"]
    assert (by_bob["scored"], by_bob["reviewed"]) == (1, 0)
    # Alice: self 5 and 4 (100%, 75%), reviewed 3 and 3.5 (50%, 62.5%), one of them disputed.
    alice = scores["first"].agent
    context = client.get(f"/dashboard/?agent={alice.pk}").context
    by_alice = context["totals"]
    assert (by_alice["scored"], by_alice["reviewed"]) == (2, 2)
    assert (by_alice["open_disputes"], by_alice["unacknowledged"]) == (1, 1)
    assert context["distribution"]["self"] == [0, 0, 0, 0, 0, 0, 0, 1, 0, 1]
    assert context["distribution"]["review"] == [0, 0, 0, 0, 0, 1, 1, 0, 0, 0]
    old = Interaction.objects.get(reference="ZD-B1")
    old.occurred_at = timezone.now() - timedelta(days=120)
    old.save()
    rollups.rebuild()  # nothing in the app moves an interaction in time; this test does
    assert client.get("/dashboard/").context["totals"]["scored"] == 2
    earlier = (timezone.localdate() - timedelta(days=150)).isoformat()
    wide = client.get(f"/dashboard/?date_from={earlier}").context["totals"]
    assert wide["scored"] == 3


@pytest.mark.parametrize(
    "query",
    [
        "date_from=2026-13-01",
        "date_from=2026-05-01&date_to=2026-04-01",
        "threshold=150",
        "threshold=abc",
    ],
)
def test_bad_filters_get_a_message(login, supervisor, query):
    response = login(supervisor).get(f"/dashboard/?{query}")
    assert response.status_code == 200
    assert (
        "invalid-feedback" in response.content.decode()
        or "text-danger" in response.content.decode()
    )


def test_another_teams_filters_are_404(login, supervisor, south, other_agent):
    client = login(supervisor)
    assert client.get(f"/dashboard/?team={south.pk}").status_code == 404
    assert client.get(f"/dashboard/?agent={other_agent.pk}").status_code == 404
    assert client.get(f"/dashboard/export.csv?team={south.pk}").status_code == 404


def test_organisation_dashboard_compares_teams(login, admin_user, supervisor, scores):
    response = login(admin_user).get("/dashboard/organisation/")
    assert response.status_code == 200
    teams = {team.name: team for team in response.context["comparison"]}
    assert (teams["North"].scored, teams["North"].reviewed) == (3, 2)
    assert (teams["South"].scored, teams["South"].reviewed) == (1, 1)
    assert teams["South"].review_avg == Decimal("3")
    # The totals add up both teams: self 5, 4, 2 and 3; reviews 3, 3.5 and 3.
    totals = response.context["totals"]
    assert (totals["scored"], totals["reviewed"]) == (4, 3)
    assert totals["self_avg"] == Decimal("3.5")
    assert round(totals["review_avg"], 10) == round(Decimal("9.5") / 3, 10)
    assert (totals["open_disputes"], totals["unacknowledged"]) == (1, 2)
    distribution = response.context["distribution"]
    assert distribution["self"] == [0, 0, 1, 0, 0, 1, 0, 1, 0, 1]  # 25%, 50%, 75% and 100%
    assert distribution["review"] == [0, 0, 0, 0, 0, 2, 1, 0, 0, 0]  # 50% twice and 62.5%
    south = login(admin_user).get(f"/dashboard/organisation/?team={teams['South'].pk}")
    totals = south.context["totals"]
    assert (totals["scored"], totals["reviewed"], totals["unacknowledged"]) == (1, 1, 1)
    assert south.context["distribution"]["self"] == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]
    assert login(supervisor).get("/dashboard/organisation/").status_code == 403


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("agent", 403),
        ("other_agent", 403),
        ("supervisor", 200),
        ("other_supervisor", 200),
        ("admin", 200),
    ],
)
def test_export_by_persona(client, personas, persona, expected):
    client.force_login(personas[persona])
    assert client.get("/dashboard/export.csv").status_code == expected


def test_anonymous_people_go_to_login(client):
    for url in ["/dashboard/", "/dashboard/organisation/", "/dashboard/export.csv"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_csv_matches_the_database(login, admin_user, scores, north):
    response = login(admin_user).get(f"/dashboard/export.csv?team={north.pk}")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    expected = Evaluation.objects.filter(is_current=True, interaction__team__name="North")
    assert sorted(int(row["evaluation_id"]) for row in rows) == sorted(e.pk for e in expected)
    for row in rows:
        evaluation = Evaluation.objects.get(pk=row["evaluation_id"])
        assert row["kind"] == evaluation.kind
        assert row["reference"] == evaluation.interaction.reference
        assert row["agent"] == evaluation.interaction.agent.username
        assert row["team"] == "North"
        assert Decimal(row["score"]) == evaluation.score
        assert Decimal(row["percent"]) == evaluation.percent
        assert int(row["rubric_version"]) == evaluation.rubric.version
        for rating in evaluation.ratings.select_related("criterion"):
            assert row[rating.criterion.key] == str(rating.value)


def test_csv_filters_by_agent_and_defuses_formulas(login, supervisor, agent, scores):
    interaction = Interaction.objects.get(reference="ZD-A1")
    Interaction.objects.filter(pk=interaction.pk).update(reference="=HYPERLINK(1)")
    response = login(supervisor).get(f"/dashboard/export.csv?agent={agent.pk}")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["agent"] for row in rows} == {"alice"}
    assert "'=HYPERLINK(1)" in {row["reference"] for row in rows}


def bulk_scores(agent, team, rubric, count):
    """`count` evaluations (half self, half review) written in bulk, for the query-count test."""
    criteria = list(rubric.criteria.all())
    now = timezone.now()
    interactions = Interaction.objects.bulk_create(
        Interaction(
            agent=agent,
            team=team,
            occurred_at=now - timedelta(days=random.randint(0, 80)),
            channel="phone",
            reference=f"BULK-{number}",
            topic="Bulk",
        )
        for number in range(count // 2)
    )
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            interaction=interaction,
            rubric=rubric,
            kind=kind,
            author=agent,
            score=Decimal("3.50"),
            percent=Decimal("62.5"),
        )
        for interaction in interactions
        for kind in ("self", "review")
    )
    Rating.objects.bulk_create(
        Rating(evaluation=evaluation, criterion=criterion, value=random.randint(1, 5))
        for evaluation in evaluations
        for criterion in criteria
    )
    rollups.rebuild()  # bulk writes pass the services that keep the rollups


@pytest.mark.parametrize("count", [10, 1000])
def test_dashboard_query_count_is_constant(
    login, agent, supervisor, admin_user, north, count, django_assert_max_num_queries
):
    bulk_scores(agent, north, Rubric.objects.current(), count)
    # Fresh planner statistics, as autovacuum would give a real database; stale ones from
    # earlier tests' rolled-back rows can send the planner down a path that takes minutes.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE rubrics_interaction, rubrics_evaluation, rubrics_rating")
    for user, url in [(supervisor, "/dashboard/"), (admin_user, "/dashboard/organisation/")]:
        client = login(user)
        # Session, user, roles; whether blind review applies; the teams and their sums (the
        # comparison, and the totals added up), criteria, trend, agents and their figures,
        # gaps and their names, the waiting counts (of every date, from the yearly rollups),
        # the waiting lists, checklist answers; overdue training (agents, assignments, passes);
        # review coverage (rules, agents, the reviewed agents from the rollups, overdue
        # assignments); the root causes (one UNION ALL of reviews, checklist answers and cases);
        # the bell's unread count; the helpdesk connections the filter offers.
        with django_assert_max_num_queries(25):
            response = client.get(url)
        assert response.status_code == 200
        assert response.context["totals"]["scored"] == count // 2


def test_csv_query_count_is_constant(
    login, agent, supervisor, north, django_assert_max_num_queries
):
    bulk_scores(agent, north, Rubric.objects.current(), 300)
    client = login(supervisor)
    with django_assert_max_num_queries(12):
        response = client.get("/dashboard/export.csv")
        body = b"".join(response.streaming_content).decode()
    assert body.count("\n") == 301


# Filters at the edges, remembered thresholds and the checklist counts -------------------------


@pytest.mark.parametrize(
    "query",
    ["date_to=9999-12-31", "date_to=0001-01-05", "date_from=0001-01-01", "date_from=1999-12-31"],
)
def test_dates_beyond_the_bounds_get_a_message_not_an_error(login, supervisor, agent, query):
    client = login(supervisor)
    response = client.get(f"/dashboard/?{query}")
    assert response.status_code == 200
    assert "Pick a date between 1 Jan 2000 and" in response.content.decode()
    export = client.get(f"/dashboard/export.csv?{query}")
    assert export.status_code == 400 and "Pick a date between" in export.content.decode()
    mine = login(agent).get(f"/my/scores/?{query}")
    assert mine.status_code == 200 and "Pick a date between" in mine.content.decode()


@pytest.mark.parametrize(
    "query", ["date_from=2026-13-01", "threshold=abc", "agent=abc&date_from=x"]
)
def test_export_with_a_bad_filter_is_refused_with_the_reason(login, supervisor, query):
    response = login(supervisor).get(f"/dashboard/export.csv?{query}")
    assert response.status_code == 400
    assert response.content.decode().startswith("The export was not made.")


def test_a_bad_filter_keeps_the_good_ones(login, supervisor, scores):
    old = Interaction.objects.get(reference="ZD-B1")
    old.occurred_at = timezone.now() - timedelta(days=120)
    old.save()
    rollups.rebuild()  # nothing in the app moves an interaction in time; this test does
    earlier = (timezone.localdate() - timedelta(days=150)).isoformat()
    context = login(supervisor).get(f"/dashboard/?date_from={earlier}&threshold=abc").context
    assert context["totals"]["scored"] == 3  # the valid date still applies
    assert "threshold" in context["form"].errors


def test_the_threshold_is_remembered(login, supervisor):
    client = login(supervisor)
    assert client.get("/dashboard/").context["threshold"] == Decimal("70")
    client.get("/dashboard/?threshold=55.5")
    assert client.get("/dashboard/").context["threshold"] == Decimal("55.5")


def test_the_default_range_is_ninety_days_including_today(login, supervisor):
    context = login(supervisor).get("/dashboard/").context
    assert (context["end"] - context["start"]).days == 89
    assert context["end"] == timezone.localdate()


def test_gaps_show_agents_who_rate_themselves_lower_too(login, supervisor, agent):
    interaction = self_score(agent, uniform(3), reference="ZD-MODEST").interaction
    review(interaction, supervisor, uniform(5))
    rows = login(supervisor).get("/dashboard/").context["gaps"]
    assert rows and all(row["gap"] == -2 for row in rows)
    body = login(supervisor).get("/dashboard/").content.decode()
    assert "-2.00" in body


def test_trend_keeps_empty_weeks(login, supervisor, agent):
    self_score(agent, uniform(4), days_ago=1, reference="ZD-NOW")
    self_score(agent, uniform(4), days_ago=29, reference="ZD-THEN")
    trend = login(supervisor).get("/dashboard/").context["trend"]
    # Plain dates (the chart's labels), each a Monday, a week apart.
    weeks = [date.fromisoformat(row["week"]) for row in trend]
    assert len(weeks) >= 4
    assert all(week.weekday() == 0 for week in weeks)
    assert all((b - a).days == 7 for a, b in zip(weeks, weeks[1:], strict=False))
    assert any(row["self"] is None for row in trend)


def test_waiting_lists_are_limited_separately(login, supervisor, agent):
    from reports.selectors import DASHBOARD_LIST_LIMIT

    for number in range(DASHBOARD_LIST_LIMIT + 2):
        interaction = self_score(agent, reference=f"ZD-D{number}").interaction
        review(interaction, supervisor, uniform(3))
        dispute_raise(interaction=interaction, agent=agent, reason="No", proposed={"empathy": 4})
    for number in range(3):
        review(self_score(agent, reference=f"ZD-U{number}").interaction, supervisor)
    response = login(supervisor).get("/dashboard/")
    context = response.context
    assert len(context["waiting"]["disputes"]) == DASHBOARD_LIST_LIMIT
    assert len(context["waiting"]["unacknowledged"]) == 3
    assert context["totals"]["open_disputes"] == DASHBOARD_LIST_LIMIT + 2
    # The cut-off list says how many more wait; the whole one says nothing.
    body = response.content.decode()
    assert 'data-testid="more-disputes">and 2 more' in body
    assert 'data-testid="more-unacknowledged"' not in body
    assert 'data-testid="average-explained"' in body


def test_checklist_no_answers_appear_on_the_dashboard(login, supervisor, agent, other_agent):
    from checklists.models import Checklist
    from checklists.services import checklist_run_create

    checklist = Checklist.objects.get(slug="interaction-ethics")
    items = list(checklist.items.filter(is_active=True))

    def run(person, noes):
        interaction = self_score(person, reference=f"ZD-CHK-{noes}").interaction
        answers = {
            item.pk: ("no", "Missed it") if index < noes else ("yes", "")
            for index, item in enumerate(items)
        }
        checklist_run_create(
            checklist=checklist, runner=person, interaction=interaction, answers=answers
        )

    run(agent, 2)
    run(agent, 1)
    run(other_agent, 5)
    response = login(supervisor).get("/dashboard/")
    rows = response.context["checklists"]["by_person"]
    assert [(row["runner__username"], row["runs"], row["no_answers"]) for row in rows] == [
        ("alice", 2, 3)
    ]
    assert 'data-testid="checklist-row"' in response.content.decode()


def test_csv_columns_follow_the_rubric_and_self_comes_first(login, supervisor, scores):
    response = login(supervisor).get("/dashboard/export.csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    header = lines[0].split(",")
    assert header[-5:] == ["empathy", "accuracy", "fairness", "transparency", "respect"]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    first = [row["kind"] for row in rows if row["reference"] == "ZD-A1"]
    assert first == ["self", "review"]


def gap_rows(north, rows):
    """Criterion rollups of one day with the given (agent, self sum, review sum, count)."""
    empathy = Rubric.objects.current().criteria.get(key="empathy")
    for agent, self_sum, review_sum, n in rows:
        CriterionRollup.objects.create(
            period="D",
            starts_on=timezone.localdate(),
            team=north,
            agent=agent,
            criterion=empathy,
            review_n=n,
            review_sum=review_sum,
            paired_review_n=n,
            paired_review_sum=review_sum,
            paired_self_n=n,
            paired_self_sum=self_sum,
        )
    return _largest_gaps(CriterionRollup.objects.filter(agent__isnull=False), {})


def test_a_gap_is_one_exact_division(north, agent):
    # 25/24 - 52/24 is -1.125: subtracting two rounded averages gave -1.1249999999999998,
    # which shows as -1.12 where the exact -1.125 rounds half up to -1.13.
    [row] = gap_rows(north, [(agent, 25, 52, 24)])
    assert row["gap"] == -1.125 and row["pairs"] == 24


def test_equal_gaps_rank_by_agent_whatever_the_fractions(north, agent, other_agent):
    first, second = sorted([agent, other_agent], key=lambda person: person.pk)
    # Both a third: 10/3 - 9/3 and 13/3 - 12/3 (as rounded averages these differ in the 16th
    # digit and the second one came first).
    rows = gap_rows(north, [(first, 10, 9, 3), (second, 13, 12, 3)])
    assert [row["agent_id"] for row in rows] == [first.pk, second.pk]
    assert rows[0]["gap"] == rows[1]["gap"]


# Work waiting on someone is shown whatever the call's date (issue 29) ------------------------


@pytest.fixture
def old_waiting(agent, supervisor):
    """Calls older than the default 90-day window with work open now: Sue reviewed both today;
    Alice disputed one review and has not acknowledged the other."""
    disputed = self_score(agent, uniform(4), days_ago=120, reference="ZD-OLD-D").interaction
    review(disputed, supervisor, uniform(3))
    dispute_raise(
        interaction=disputed, agent=agent, reason="Fairer than that", proposed={"empathy": 4}
    )
    unacknowledged = self_score(agent, uniform(4), days_ago=200, reference="ZD-OLD-U").interaction
    review(unacknowledged, supervisor, uniform(3))
    return {"disputed": disputed, "unacknowledged": unacknowledged}


def waiting_references(context):
    return {
        name: {review.interaction.reference for review in reviews}
        for name, reviews in context["waiting"].items()
    }


def test_waiting_work_on_old_calls_is_shown_whatever_the_dates(
    login, supervisor, scores, old_waiting
):
    client = login(supervisor)
    response = client.get("/dashboard/")
    context = response.context
    totals = context["totals"]
    # The window still filters the figures: the old calls are neither scored nor reviewed in it.
    assert (totals["scored"], totals["reviewed"]) == (3, 2)
    assert (totals["open_disputes"], totals["unacknowledged"]) == (2, 2)
    assert waiting_references(context) == {
        "disputes": {"ZD-A2", "ZD-OLD-D"},
        "unacknowledged": {"ZD-A1", "ZD-OLD-U"},
    }
    body = response.content.decode()
    assert 'data-testid="waiting-counts">2 · 2</p>' in body
    assert "ZD-OLD-D" in body and "ZD-OLD-U" in body
    assert "whatever the dates" in body
    # A window long past holds no figures, and still the same work waiting.
    past = client.get("/dashboard/?date_from=2020-01-01&date_to=2020-01-31").context
    assert (past["totals"]["scored"], past["totals"]["reviewed"]) == (0, 0)
    assert (past["totals"]["open_disputes"], past["totals"]["unacknowledged"]) == (2, 2)
    assert waiting_references(past) == waiting_references(context)


def test_waiting_work_on_old_calls_follows_the_chosen_agent(
    login, supervisor, agent, scores, old_waiting
):
    client = login(supervisor)
    alice = client.get(f"/dashboard/?agent={agent.pk}").context
    assert (alice["totals"]["open_disputes"], alice["totals"]["unacknowledged"]) == (2, 2)
    assert waiting_references(alice)["disputes"] == {"ZD-A2", "ZD-OLD-D"}
    bob = client.get(f"/dashboard/?agent={scores['bob'].pk}").context
    assert (bob["totals"]["open_disputes"], bob["totals"]["unacknowledged"]) == (0, 0)
    assert waiting_references(bob) == {"disputes": set(), "unacknowledged": set()}


def test_waiting_work_on_old_calls_follows_the_chosen_teams(
    login, admin_user, other_supervisor, south, scores, old_waiting
):
    client = login(admin_user)
    everyone = client.get("/dashboard/organisation/").context["totals"]
    # North's two of each, and South's review of Oscar that he has not acknowledged.
    assert (everyone["open_disputes"], everyone["unacknowledged"]) == (2, 3)
    only_south = client.get(f"/dashboard/organisation/?team={south.pk}").context
    assert (only_south["totals"]["open_disputes"], only_south["totals"]["unacknowledged"]) == (0, 1)
    assert waiting_references(only_south) == {"disputes": set(), "unacknowledged": {"ZD-O1"}}
    sam = login(other_supervisor).get("/dashboard/").context
    assert (sam["totals"]["open_disputes"], sam["totals"]["unacknowledged"]) == (0, 1)


def test_the_home_pages_disputes_are_the_ones_to_settle(login, supervisor, scores, old_waiting):
    client = login(supervisor)
    home = client.get("/").content.decode()
    assert 'data-testid="disputes-to-settle">2 disputes on your reviews are waiting' in home
    assert 'href="/disputes/">settle them</a>' in home
    assert client.get("/disputes/").content.decode().count('data-testid="dispute-to-settle"') == 2
    context = client.get("/dashboard/").context
    assert context["totals"]["open_disputes"] == 2
    mine = [r for r in context["waiting"]["disputes"] if r.author_id == supervisor.pk]
    assert len(mine) == 2


def test_waiting_counts_agree_with_the_reviews_as_work_is_done(
    login, supervisor, agent, scores, old_waiting
):
    from rubrics.disputes import dispute_resolve
    from rubrics.services import review_acknowledge

    client = login(supervisor)

    def counts():
        totals = client.get(f"/dashboard/?agent={agent.pk}").context["totals"]
        return totals["open_disputes"], totals["unacknowledged"]

    def from_the_reviews():
        waiting = Evaluation.objects.filter(
            kind="review", is_current=True, acknowledged_at__isnull=True, interaction__agent=agent
        )
        disputed = waiting.filter(interaction__dispute__status="open").count()
        return disputed, waiting.count() - disputed

    assert counts() == from_the_reviews() == (2, 2)
    review_acknowledge(interaction=old_waiting["unacknowledged"], agent=agent)
    assert counts() == from_the_reviews() == (2, 1)
    # Settled: no longer waiting on Sue; the review (unchanged) now waits on Alice.
    dispute_resolve(
        dispute=old_waiting["disputed"].dispute,
        resolver=supervisor,
        decision="rejected",
        reason="It stands",
    )
    assert counts() == from_the_reviews() == (1, 2)
    body = client.get("/dashboard/").content.decode()
    assert 'data-testid="waiting-counts">1 · 2</p>' in body


def test_with_no_reviews_the_gaps_say_there_is_nothing_to_compare(login, supervisor, agent):
    self_score(agent, uniform(4), reference="ZD-ONLY-SELF")
    body = login(supervisor).get("/dashboard/").content.decode()
    assert "Nothing to compare yet" in body and "self-ratings match the reviews" not in body


# People's names, not usernames, on the waiting lists and beside them in the CSV (issue 29) ----


@pytest.fixture
def named(north):
    """Nina Named (an agent) reviewed by Rita Reviewer; Uma, who has no name, reviewed too.
    Nina disputed hers; Uma has not acknowledged hers."""
    nina = make_user("nina", "Agent", team=north, first_name="Nina", last_name="Named")
    uma = make_user("uma", "Agent", team=north)
    rita = make_user("rita", "Supervisor", leads=[north], first_name="Rita", last_name="Reviewer")
    disputed = self_score(nina, uniform(4), reference="ZD-NINA").interaction
    review(disputed, rita, uniform(3))
    dispute_raise(interaction=disputed, agent=nina, reason="Kinder", proposed={"empathy": 4})
    review(self_score(uma, uniform(4), reference="ZD-UMA").interaction, rita, uniform(3))
    return {"nina": nina, "uma": uma, "rita": rita}


def test_waiting_lists_show_peoples_names(login, named):
    body = login(named["rita"]).get("/dashboard/").content.decode()
    disputes = body.split('data-testid="open-dispute"')[1].split("</li>")[0]
    assert "Nina Named" in disputes and "Rita Reviewer" in disputes
    assert "rita<" not in disputes and " rita" not in disputes
    unacknowledged = body.split('data-testid="unacknowledged"')[1].split("</li>")[0]
    assert "ZD-UMA" in unacknowledged and "— uma," in unacknowledged  # no name: the username


def test_csv_has_names_beside_the_usernames(login, named):
    response = login(named["rita"]).get("/dashboard/export.csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    header = lines[0].split(",")
    assert header[header.index("agent") + 1] == "agent_name"
    assert header[header.index("author") + 1] == "author_name"
    rows = {
        (row["reference"], row["kind"]): row
        for row in csv.DictReader(io.StringIO("\n".join(lines)))
    }
    nina = rows[("ZD-NINA", "review")]
    assert (nina["agent"], nina["agent_name"]) == ("nina", "Nina Named")
    assert (nina["author"], nina["author_name"]) == ("rita", "Rita Reviewer")
    uma = rows[("ZD-UMA", "self")]
    assert (uma["agent"], uma["agent_name"], uma["author_name"]) == ("uma", "uma", "uma")


def test_csv_names_are_defused(login, named):
    type(named["nina"]).objects.filter(pk=named["nina"].pk).update(
        first_name="=HYPERLINK(1)", last_name=""
    )
    type(named["rita"]).objects.filter(pk=named["rita"].pk).update(first_name="@SUM(1)")
    response = login(named["rita"]).get("/dashboard/export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    review_row = next(
        row for row in rows if row["reference"] == "ZD-NINA" and row["kind"] == "review"
    )
    assert review_row["agent_name"] == "'=HYPERLINK(1)"
    assert review_row["author_name"] == "'@SUM(1) Reviewer"
