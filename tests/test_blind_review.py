"""Blind review: Sue, who reviews North, learns nothing of Alice's self-score for an interaction
(nor anything worked out from it) until she has saved her own review of it. Ada, an admin who
does not review, sees everything; Alice always sees her own scores.

The story every test starts from (`alices_day`): yesterday Alice self-scored two interactions.
- ZD-SEEN at noon: rated 4 on everything (4.00 · 75.0%), reviewed by Sue with 3s.
- ZD-HIDDEN at 1 pm: rated low (1.35 · 8.8%), not reviewed yet, so hidden from Sue.
Both together would average 2.675 (shown as 2.68) · 41.9%: a figure Sue must not see either.
"""

import csv
import io
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from rubrics.models import Interaction, Rubric
from rubrics.services import interaction_self_score
from teams.models import ApiToken
from tests.conftest import low_comments, review

pytestmark = pytest.mark.django_db

KEYS = ("empathy", "accuracy", "fairness", "transparency", "respect")  # weights 25 25 20 15 15

# (25x1 + 25x1 + 20x2 + 15x1 + 15x2) / 100 = 1.35 -> (1.35 - 1) / 4 = 8.75 -> 8.8%
HIDDEN_RATINGS = {"empathy": 1, "accuracy": 1, "fairness": 2, "transparency": 1, "respect": 2}
HIDDEN_SCORE, HIDDEN_PERCENT = Decimal("1.35"), Decimal("8.8")
SEEN_RATINGS = dict.fromkeys(KEYS, 4)  # 4.00 · 75.0%
REVIEW_RATINGS = dict.fromkeys(KEYS, 3)  # 3.00 · 50.0%

# What only the hidden self-score could give away, as the pages would print it.
HIDDEN_STRINGS = ["1.35", "8.8%", "2.68", "2.675", "41.9"]
ONLY_SEEN = dict.fromkeys(KEYS, Decimal(4))
BOTH = {key: Decimal(HIDDEN_RATINGS[key] + 4) / 2 for key in KEYS}
BAND_75 = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]  # 75% falls in 70–79%
BANDS_8_AND_75 = [1, 0, 0, 0, 0, 0, 0, 1, 0, 0]


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()  # the API's throttle counters live in the cache
    yield
    cache.clear()


def yesterday():
    return timezone.localdate() - timedelta(days=1)


def at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def scored(agent, ratings, *, occurred_at, reference, review_requested=False) -> Interaction:
    """An interaction the agent self-scored at `occurred_at`, through the service."""
    return interaction_self_score(
        agent=agent,
        rubric=Rubric.objects.current(),
        interaction_fields={
            "occurred_at": occurred_at,
            "channel": "phone",
            "reference": reference,
            "topic": "Refund request",
            "summary": "",
            "review_requested": review_requested,
        },
        ratings=ratings,
        comments=low_comments(ratings),
    ).interaction


@pytest.fixture
def alices_day(agent, supervisor):
    day = yesterday()
    seen = scored(agent, SEEN_RATINGS, occurred_at=at(day, 12), reference="ZD-SEEN")
    review(seen, supervisor, REVIEW_RATINGS)
    hidden = scored(agent, HIDDEN_RATINGS, occurred_at=at(day, 13), reference="ZD-HIDDEN")
    return {"day": day.isoformat(), "seen": seen, "hidden": hidden}


def api_as(user):
    client = APIClient()
    _, key = ApiToken.issue(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def export_rows(client, query=""):
    response = client.get(f"/dashboard/export.csv?{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def kinds_by_reference(rows) -> set[tuple[str, str]]:
    return {(row["reference"], row["kind"]) for row in rows}


def ratings_of(row) -> dict[str, int]:
    return {key: int(row[key]) for key in KEYS}


def page_body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# 1. The CSV export ----------------------------------------------------------------------------

EXPORT_FILTERS = ["", "date_from={day}&date_to={day}", "agent={agent}", "team={team}"]


@pytest.mark.parametrize("query", EXPORT_FILTERS)
def test_the_export_leaves_out_a_self_score_sue_has_not_reviewed(
    login, agent, supervisor, north, alices_day, query
):
    query = query.format(day=alices_day["day"], agent=agent.pk, team=north.pk)
    rows = export_rows(login(supervisor), query)
    assert kinds_by_reference(rows) == {("ZD-SEEN", "self"), ("ZD-SEEN", "review")}
    assert all(int(row["interaction_id"]) != alices_day["hidden"].pk for row in rows)
    assert HIDDEN_RATINGS not in [ratings_of(row) for row in rows]
    seen_self = next(row for row in rows if row["kind"] == "self")
    assert ratings_of(seen_self) == SEEN_RATINGS and seen_self["score"] == "4.00"


@pytest.mark.parametrize("query", EXPORT_FILTERS)
def test_once_sue_has_reviewed_it_the_export_has_its_self_score(
    login, agent, supervisor, north, alices_day, query
):
    query = query.format(day=alices_day["day"], agent=agent.pk, team=north.pk)
    review(alices_day["hidden"], supervisor, REVIEW_RATINGS)
    rows = export_rows(login(supervisor), query)
    assert kinds_by_reference(rows) == {
        ("ZD-SEEN", "self"),
        ("ZD-SEEN", "review"),
        ("ZD-HIDDEN", "self"),
        ("ZD-HIDDEN", "review"),
    }
    hidden_self = next(r for r in rows if r["reference"] == "ZD-HIDDEN" and r["kind"] == "self")
    assert ratings_of(hidden_self) == HIDDEN_RATINGS
    assert Decimal(hidden_self["score"]) == HIDDEN_SCORE


def test_an_admin_exports_every_self_score(login, admin_user, north, alices_day):
    rows = export_rows(login(admin_user), f"team={north.pk}")
    assert ("ZD-HIDDEN", "self") in kinds_by_reference(rows)


# 2. The team dashboard ------------------------------------------------------------------------

DASHBOARD_FILTERS = [
    "",
    "date_from={day}&date_to={day}",
    "agent={agent}",
    "date_from={day}&date_to={day}&agent={agent}",
    "team={team}",
]


def self_figures(context) -> dict:
    """Every self-score figure the dashboard's context holds, by where it shows."""
    alice = next(person for person in context["agents"] if person.username == "alice")
    return {
        "self_avg": context["totals"]["self_avg"],
        "self_pct": context["totals"]["self_pct"],
        "criteria": {row["key"]: row["self_avg"] for row in context["criteria"]},
        "bands": context["distribution"]["self"],
        "trend": [row["self"] for row in context["trend"] if row["self"] is not None],
        "alice": (alice.self_avg, alice.self_pct),
    }


@pytest.mark.parametrize("query", DASHBOARD_FILTERS)
def test_the_dashboard_figures_leave_out_the_hidden_self_score(
    login, agent, supervisor, north, alices_day, query
):
    query = query.format(day=alices_day["day"], agent=agent.pk, team=north.pk)
    response = login(supervisor).get(f"/dashboard/?{query}")
    body = page_body(response)
    # Only ZD-SEEN's self-score counts; that ZD-HIDDEN was self-scored still does.
    assert self_figures(response.context) == {
        "self_avg": Decimal(4),
        "self_pct": Decimal(75),
        "criteria": ONLY_SEEN,
        "bands": BAND_75,
        "trend": [4.0],
        "alice": (Decimal(4), Decimal(75)),
    }
    assert response.context["totals"]["scored"] == 2
    assert response.context["totals"]["reviewed"] == 1
    assert 'data-testid="self-average">4.00 · 75.0%' in body
    for text in HIDDEN_STRINGS:
        assert text not in body, text


@pytest.mark.parametrize("query", DASHBOARD_FILTERS)
def test_once_sue_has_reviewed_it_the_dashboard_counts_it(
    login, agent, supervisor, north, alices_day, query
):
    query = query.format(day=alices_day["day"], agent=agent.pk, team=north.pk)
    review(alices_day["hidden"], supervisor, REVIEW_RATINGS)
    response = login(supervisor).get(f"/dashboard/?{query}")
    assert self_figures(response.context) == {
        "self_avg": Decimal("2.675"),
        "self_pct": Decimal("41.9"),
        "criteria": BOTH,
        "bands": BANDS_8_AND_75,
        "trend": [2.675],
        "alice": (Decimal("2.675"), Decimal("41.9")),
    }
    assert 'data-testid="self-average">2.68 · 41.9%' in page_body(response)


def test_an_admin_sees_the_hidden_self_score_in_the_figures(login, admin_user, north, alices_day):
    day = alices_day["day"]
    context = login(admin_user).get(f"/dashboard/?team={north.pk}&date_from={day}&date_to={day}")
    assert self_figures(context.context)["self_avg"] == Decimal("2.675")
    assert self_figures(context.context)["bands"] == BANDS_8_AND_75


def test_a_day_with_only_a_hidden_self_score_shows_no_self_figures(login, agent, supervisor):
    day = yesterday() - timedelta(days=2)
    scored(agent, HIDDEN_RATINGS, occurred_at=at(day, 9), reference="ZD-ALONE")
    response = login(supervisor).get(f"/dashboard/?date_from={day}&date_to={day}&agent={agent.pk}")
    body = page_body(response)
    assert self_figures(response.context) == {
        "self_avg": None,
        "self_pct": None,
        "criteria": dict.fromkeys(KEYS),
        "bands": [0] * 10,
        "trend": [],
        "alice": (None, None),
    }
    assert response.context["totals"]["scored"] == 1
    assert 'data-testid="self-average">—' in body
    assert "1.35" not in body and "8.8%" not in body


def test_the_team_comparison_leaves_out_hidden_self_scores(
    login, supervisor, other_agent, south, alices_day
):
    south.supervisors.add(supervisor)  # Sue now leads both teams: the dashboard compares them
    scored(other_agent, HIDDEN_RATINGS, occurred_at=at(yesterday(), 9), reference="ZD-OSCAR")
    response = login(supervisor).get("/dashboard/")
    teams = {team.name: team for team in response.context["comparison"]}
    assert (teams["North"].scored, teams["North"].self_avg) == (2, Decimal(4))
    assert (teams["South"].scored, teams["South"].self_avg, teams["South"].gap) == (1, None, None)
    assert response.context["totals"]["self_avg"] == Decimal(4)
    assert "1.35" not in page_body(response)


# 3. The team-summary API ----------------------------------------------------------------------


def summary(user, team, day):
    response = api_as(user).get(f"/api/v1/teams/{team.pk}/summary/?from={day}&to={day}")
    assert response.status_code == 200
    body = response.json()
    criteria = {row["key"]: row["self_average"] for row in body["criteria"]}
    return body, criteria


def test_the_team_summary_leaves_out_the_hidden_self_score(supervisor, north, alices_day):
    body, criteria = summary(supervisor, north, alices_day["day"])
    assert (body["count"], body["reviewed"]) == (2, 1)
    assert (body["self_score"], body["self_percent"]) == ("4.00", "75.0")
    assert criteria == dict.fromkeys(KEYS, "4.00")


def test_an_admin_gets_every_self_score_in_the_team_summary(admin_user, north, alices_day):
    body, criteria = summary(admin_user, north, alices_day["day"])
    assert (body["self_score"], body["self_percent"]) == ("2.68", "41.9")
    assert criteria["empathy"] == "2.50" and criteria["respect"] == "3.00"


def test_once_reviewed_the_team_summary_counts_it(supervisor, north, alices_day):
    review(alices_day["hidden"], supervisor, REVIEW_RATINGS)
    body, criteria = summary(supervisor, north, alices_day["day"])
    assert (body["self_score"], body["self_percent"]) == ("2.68", "41.9")
    assert criteria["empathy"] == "2.50"


def test_a_team_summary_of_only_a_hidden_self_score_has_no_self_figures(
    agent, supervisor, admin_user, north
):
    day = yesterday() - timedelta(days=2)
    scored(agent, HIDDEN_RATINGS, occurred_at=at(day, 9), reference="ZD-ALONE")
    body, criteria = summary(supervisor, north, day.isoformat())
    assert body["count"] == 1
    assert body["self_score"] is None and body["self_percent"] is None
    assert criteria == dict.fromkeys(KEYS)
    body, criteria = summary(admin_user, north, day.isoformat())
    assert (body["self_score"], body["self_percent"]) == ("1.35", "8.8")
    assert criteria["fairness"] == "2.00"


# 4. The review queue --------------------------------------------------------------------------


@pytest.fixture
def queue(agent):
    """Three unreviewed interactions: an old high self-score, a requested one, a new low one."""
    now = timezone.now()
    scored(agent, dict.fromkeys(KEYS, 5), occurred_at=now - timedelta(days=10), reference="ZD-OLD")
    scored(
        agent,
        dict.fromkeys(KEYS, 4),
        occurred_at=now - timedelta(days=5),
        reference="ZD-ASKED",
        review_requested=True,
    )
    scored(agent, HIDDEN_RATINGS, occurred_at=now - timedelta(days=1), reference="ZD-LOW")


def queue_order(response) -> list[str]:
    """Assigned first, then the rest, as the page lists them."""
    assigned = [assignment.interaction.reference for assignment in response.context["assigned"]]
    return assigned + [interaction.reference for interaction in response.context["rest"]]


def queue_rows(body) -> dict[str, str]:
    """Each queue row's HTML by the ticket reference in it."""
    rows = [part.split("</tr>")[0] for part in body.split('data-testid="queue-row"')[1:]]
    return {row.split("<td>")[1].split("</td>")[0]: row for row in rows}


@pytest.mark.parametrize("sort", [None, "requested", "lowest", "flagged", "score", ""])
def test_the_queue_order_never_follows_the_self_score(login, supervisor, queue, sort):
    url = "/reviews/" if sort is None else f"/reviews/?sort={sort}"
    response = login(supervisor).get(url)
    assert response.status_code == 200
    # Asked for first, then newest: ZD-LOW's low self-score neither brings it forward nor back.
    assert queue_order(response) == ["ZD-ASKED", "ZD-LOW", "ZD-OLD"]


def test_assignments_come_first_and_show_no_self_score(login, agent, supervisor, north, queue):
    from qa.models import Assignment

    low = Interaction.objects.get(reference="ZD-LOW")
    Assignment.objects.create(
        interaction=low,
        reviewer=supervisor,
        team=north,
        agent=agent,
        period_start=timezone.localdate(),
        due_on=timezone.localdate(),
    )
    response = login(supervisor).get("/reviews/")
    assert queue_order(response) == ["ZD-LOW", "ZD-ASKED", "ZD-OLD"]
    body = page_body(response)
    for text in ("1.35", "8.8%", "Flagged"):
        assert text not in body
    assert "1.35" not in login(supervisor).get("/assignments/").content.decode()


def test_the_queue_has_no_badge_or_sort_from_the_self_score(login, supervisor, queue):
    response = login(supervisor).get("/reviews/")
    body = page_body(response)
    assert "Flagged" not in body  # ZD-LOW's self-score has low ratings: it would be flagged
    assert "Lowest self-score" not in body
    assert "sort" not in response.context["form"].fields
    assert 'value="lowest"' not in body and 'value="flagged"' not in body
    rows = queue_rows(body)
    assert set(rows) == {"ZD-OLD", "ZD-ASKED", "ZD-LOW"}
    assert "Agent asked for a review" in rows["ZD-ASKED"]
    assert "Agent asked for a review" not in rows["ZD-OLD"] + rows["ZD-LOW"]
    for text in ("1.35", "8.8%"):
        assert text not in body


def test_ticking_please_review_this_one_puts_it_first(login, agent, supervisor, queue):
    data = {
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "channel": "chat",
        "reference": "ZD-TICKED",
        "topic": "Refund request",
        "summary": "",
        "review_requested": "on",
        "rubric_version": str(Rubric.objects.current().version),
        "submission_token": "6f1c2b1e-2f59-4a53-9a0e-6f2c3b4d5e6f",
    }
    for key, value in SEEN_RATINGS.items():
        data[f"rating_{key}"], data[f"comment_{key}"] = str(value), ""
    assert login(agent).post("/score/", data).status_code == 302
    assert Interaction.objects.get(reference="ZD-TICKED").review_requested is True
    response = login(supervisor).get("/reviews/")
    # Both asked-for ones first, then the rest, each newest first.
    assert queue_order(response) == ["ZD-TICKED", "ZD-ASKED", "ZD-LOW", "ZD-OLD"]
    assert "Agent asked for a review" in queue_rows(page_body(response)).get("ZD-ASKED", "")


# 5. The interaction page ----------------------------------------------------------------------


def review_form(ratings=REVIEW_RATINGS):
    data = {"rubric_version": str(Rubric.objects.current().version), "comment": ""}
    for key, value in ratings.items():
        data[f"rating_{key}"] = str(value)
        data[f"comment_{key}"] = "Missed the policy check." if value <= 2 else ""
    return data


def test_the_interaction_page_hides_the_self_score_until_sue_reviews(login, supervisor, alices_day):
    hidden = alices_day["hidden"]
    client = login(supervisor)
    before = client.get(f"/interactions/{hidden.pk}/")
    body = page_body(before)
    assert before.context["self_hidden"] is True
    assert before.context["self_evaluation"] is None
    assert before.context["self_history"] == [] and before.context["comparison"] == []
    assert "1.35" not in body and "8.8%" not in body and "Needs work here." not in body
    response = client.post(f"/interactions/{hidden.pk}/review/", review_form())
    assert response.status_code == 302
    after = client.get(f"/interactions/{hidden.pk}/")
    assert after.context["self_hidden"] is False
    assert after.context["self_evaluation"].score == HIDDEN_SCORE
    comparison = {
        row["criterion"].key: (row["self"], row["review"]) for row in after.context["comparison"]
    }
    assert comparison == {key: (HIDDEN_RATINGS[key], 3) for key in KEYS}
    assert 'data-testid="self-score"><strong>1.35</strong> / 5 · 8.8%' in page_body(after)


def test_an_admin_sees_the_self_score_before_any_review(login, admin_user, alices_day):
    response = login(admin_user).get(f"/interactions/{alices_day['hidden'].pk}/")
    assert response.context["self_hidden"] is False
    assert response.context["self_evaluation"].score == HIDDEN_SCORE


# 6. The interactions API ----------------------------------------------------------------------


def test_the_api_hides_the_self_score_from_sue_until_she_reviews(
    supervisor, admin_user, alices_day
):
    hidden = alices_day["hidden"]
    url = f"/api/v1/interactions/{hidden.pk}/"
    sue = api_as(supervisor)
    body = sue.get(url).json()
    assert body["reference"] == "ZD-HIDDEN"
    assert body["self_evaluation"] is None and body["review"] is None
    listed = {row["reference"]: row for row in sue.get("/api/v1/interactions/").json()["results"]}
    assert listed["ZD-HIDDEN"]["self_evaluation"] is None
    assert listed["ZD-SEEN"]["self_evaluation"]["score"] == "4.00"
    assert api_as(admin_user).get(url).json()["self_evaluation"]["score"] == "1.35"
    review(hidden, supervisor, REVIEW_RATINGS)
    after = sue.get(url).json()
    assert after["self_evaluation"]["score"] == "1.35"
    assert after["self_evaluation"]["percent"] == "8.8"
    assert after["review"]["score"] == "3.00"


def test_an_agent_asks_for_a_review_through_the_api(agent, supervisor):
    body = {
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "channel": "email",
        "reference": "ZD-API-ASK",
        "topic": "Refund request",
        "summary": "",
        "review_requested": True,
        "self_evaluation": {"ratings": HIDDEN_RATINGS, "comments": low_comments(HIDDEN_RATINGS)},
    }
    response = api_as(agent).post("/api/v1/interactions/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["review_requested"] is True
    assert response.json()["self_evaluation"]["score"] == "1.35"  # the agent's own
    interaction = Interaction.objects.get(reference="ZD-API-ASK")
    assert interaction.review_requested is True
    seen_by_sue = api_as(supervisor).get(f"/api/v1/interactions/{interaction.pk}/").json()
    assert seen_by_sue["review_requested"] is True and seen_by_sue["self_evaluation"] is None


# 7. Alice's own pages -------------------------------------------------------------------------


def test_alice_still_sees_her_own_self_scores(login, agent, alices_day):
    client = login(agent)
    response = client.get("/my/scores/")
    body = page_body(response)
    assert response.context["totals"]["self_avg"] == Decimal("2.675")
    assert 'data-testid="self-average">2.68 · 41.9%' in body
    assert "1.35 · 8.8%" in body
    detail = client.get(f"/interactions/{alices_day['hidden'].pk}/")
    assert detail.context["self_hidden"] is False
    assert detail.context["self_evaluation"].score == HIDDEN_SCORE


# The evidence page a leader opens for an agent reads the same rule ----------------------------


def test_the_evidence_page_leaves_out_the_hidden_self_score(
    login, agent, supervisor, admin_user, alices_day
):
    url = f"/proof-plan/evidence/{agent.pk}/"
    sue = login(supervisor).get(url)
    totals = sue.context["score_totals"]
    assert (totals["scored"], totals["self_avg"], totals["self_pct"]) == (2, 4, 75)
    assert {row["key"]: row["self_avg"] for row in sue.context["criteria"]} == ONLY_SEEN
    body = page_body(sue)
    for text in HIDDEN_STRINGS:
        assert text not in body, text
    ada = login(admin_user).get(url)
    assert ada.context["score_totals"]["self_avg"] == Decimal("2.675")


# An admin who also supervises a team is blind there too, in the Django admin as well ----------


@pytest.fixture
def bea(north):
    """An admin (staff) who also supervises North."""
    from django.contrib.auth.models import Group

    from tests.conftest import make_user

    both = make_user("bea", "Admin", is_staff=True, leads=[north])
    both.groups.add(Group.objects.get(name="Supervisor"))
    return both


def test_an_admin_who_supervises_does_not_see_the_hidden_self_score_in_the_django_admin(
    login, bea, alices_day
):
    from rubrics.models import Evaluation

    client = login(bea)
    hidden_self = Evaluation.objects.get(interaction=alices_day["hidden"], kind="self")
    evaluations = client.get("/admin/rubrics/evaluation/")
    assert evaluations.status_code == 200
    listed = {evaluation.pk for evaluation in evaluations.context["cl"].result_list}
    assert hidden_self.pk not in listed
    assert Evaluation.objects.get(interaction=alices_day["seen"], kind="self").pk in listed
    assert client.get(f"/admin/rubrics/evaluation/{hidden_self.pk}/change/").status_code == 302

    interactions = client.get("/admin/rubrics/interaction/?o=5")  # sorted by the self column
    body = interactions.content.decode()
    assert "hidden until reviewed" in body and "1.35" not in body
    detail = client.get(f"/admin/rubrics/interaction/{alices_day['hidden'].pk}/change/")
    assert "1.35" not in detail.content.decode()
    flagged = client.get("/admin/rubrics/interaction/?flag=flagged").content.decode()
    assert "ZD-HIDDEN" not in flagged


def test_a_plain_admin_sees_every_self_score_in_the_django_admin(login, admin_user, alices_day):
    body = login(admin_user).get("/admin/rubrics/interaction/").content.decode()
    assert "1.35" in body and "hidden until reviewed" not in body


def test_an_admin_who_supervises_gets_blind_figures_on_the_evidence_page(
    login, bea, agent, alices_day
):
    context = login(bea).get(f"/proof-plan/evidence/{agent.pk}/").context
    assert context["score_totals"]["self_avg"] == Decimal("4.00")


def test_the_interaction_page_says_the_agent_asked_for_a_review(login, agent, supervisor):
    asked = scored(
        agent,
        SEEN_RATINGS,
        occurred_at=at(yesterday(), 9),
        reference="ZD-ASK",
        review_requested=True,
    )
    assert "The agent asked for a review" in page_body(
        login(supervisor).get(f"/interactions/{asked.pk}/")
    )
    assert "You asked for a review" in page_body(login(agent).get(f"/interactions/{asked.pk}/"))
