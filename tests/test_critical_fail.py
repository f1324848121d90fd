"""Critical fail end to end: a rubric version with a critical criterion, saved through the
versioning service, then a 1 on that criterion followed through every place a score shows:
the scoring form and its live total, the self-score page and service, the review queue and
the review, the flags, the dashboards (the 0-9% band and the threshold), the CSV, the API and
My scores.

The figures are worked out by hand from the default weights (empathy 25, accuracy 25,
fairness 20, transparency 15, respect 15), with accuracy made critical.
"""

import csv
import io
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from rubrics.disputes import dispute_raise
from rubrics.models import Evaluation, Interaction, Rubric
from teams.models import ApiToken, Role
from tests.conftest import make_user, review, rubric_with_critical, self_score

pytestmark = pytest.mark.django_db

KEYS = ("empathy", "accuracy", "fairness", "transparency", "respect")
# (25×5 + 25×1 + 20×5 + 15×5 + 15×5) / 100 = 4.00, which is 75.0%; accuracy is critical and
# rated 1, so the evaluation is a critical fail: 0.0%.
CRITICAL_FAIL = {"empathy": 5, "accuracy": 1, "fairness": 5, "transparency": 5, "respect": 5}
# The same 4.00 with the 1 on a criterion that is not critical: flagged, but 75.0%.
LOW_NOT_CRITICAL = {"empathy": 1, "accuracy": 5, "fairness": 5, "transparency": 5, "respect": 5}
# The critical criterion rated 2 is only low: (125 + 50 + 100 + 75 + 75) / 100 = 4.25,
# (4.25 − 1) / 4 × 100 = 81.25, half-up 81.3%.
CRITICAL_RATED_2 = {"empathy": 5, "accuracy": 2, "fairness": 5, "transparency": 5, "respect": 5}
# 4.00 and 75.0%, nothing low.
FOURS = dict.fromkeys(KEYS, 4)

WHY = "Quoted the wrong refund rule."
CRITICAL_BADGE = '<span class="badge text-bg-danger">Critical fail</span>'


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()  # the API's throttle counters live in the default cache
    yield
    cache.clear()


@pytest.fixture
def critical(db):
    """Version 2 of the rubric, in which accuracy is critical."""
    return rubric_with_critical("accuracy")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_as(user):
    client = APIClient()
    _, key = ApiToken.issue(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def csv_rows(response) -> dict:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return {(row["reference"], row["kind"]): row for row in csv.DictReader(io.StringIO(text))}


def rating_data(version: int, ratings: dict, **extra) -> dict:
    data = {"rubric_version": str(version)}
    for key, value in ratings.items():
        data[f"rating_{key}"] = str(value)
        data[f"comment_{key}"] = WHY if value <= 2 else ""
    return data | extra


def score_form(version: int, ratings: dict, reference: str) -> dict:
    return rating_data(
        version,
        ratings,
        occurred_at=(timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        channel="phone",
        reference=reference,
        topic="Refund request",
        summary="",
        submission_token=str(uuid.uuid4()),
    )


def figures(evaluation: Evaluation) -> tuple:
    return (
        str(evaluation.score),
        str(evaluation.percent),
        evaluation.critical_fail,
        evaluation.flagged,
        evaluation.rubric.version,
    )


def agent_rows(body: str) -> dict[str, str]:
    """The dashboard's agent table: each row's HTML by the agent's name."""
    rows = [
        "<tr" + row.split("</tr>")[0]
        for row in body.split("<tr")
        if 'data-testid="agent-row"' in row
    ]
    return {row.split('<a href="?agent=')[1].split(">")[1].split("<")[0]: row for row in rows}


# The rubric and the scoring form -------------------------------------------------------------


def test_the_new_version_marks_only_accuracy_critical_on_the_form_and_in_the_api(
    login, agent, critical
):
    assert Rubric.objects.current() == critical and critical.version == 2
    assert not Rubric.objects.get(version=1).criteria.filter(critical=True).exists()

    body = login(agent).get("/score/").content.decode()
    assert 'name="rubric_version" value="2"' in body
    assert body.count('<span class="badge text-bg-danger">Critical</span>') == 1
    accuracy = body.split('data-criterion="accuracy"')[1].split("</legend>")[0]
    assert '<span class="badge text-bg-danger">Critical</span>' in accuracy

    rubric = api_as(agent).get("/api/v1/rubric/").json()
    assert rubric["version"] == 2
    assert {row["key"]: row["critical"] for row in rubric["criteria"]} == {
        "empathy": False,
        "accuracy": True,
        "fairness": False,
        "transparency": False,
        "respect": False,
    }


@pytest.mark.parametrize(
    ("ratings", "percent", "critical_fail"),
    [(CRITICAL_FAIL, "0.0", True), (LOW_NOT_CRITICAL, "75.0", False)],
)
def test_the_live_total_shows_the_critical_fail(
    login, agent, critical, ratings, percent, critical_fail
):
    response = login(agent).post("/score/preview/", rating_data(2, ratings), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-testid="live-score">4.00<' in body
    assert f'data-testid="live-percent">{percent}<' in body
    assert ("Critical fail" in body) is critical_fail


# Self-scoring ----------------------------------------------------------------------------------


def test_the_self_score_page_saves_a_critical_fail_and_shows_it(login, agent, critical):
    client = login(agent)
    response = client.post("/score/", score_form(2, CRITICAL_FAIL, "ZD-CRIT"), follow=True)

    interaction = Interaction.objects.get(reference="ZD-CRIT")
    assert response.redirect_chain == [(f"/interactions/{interaction.pk}/", 302)]
    evaluation = interaction.evaluations.get()
    assert figures(evaluation) == ("4.00", "0.0", True, True, 2)
    body = response.content.decode()
    assert 'data-testid="self-score"><strong>4.00</strong> / 5 · 0.0%</p>' in body
    assert "Self-score\n    " + CRITICAL_BADGE in body
    assert f"<td>{WHY}</td>" in body  # the 1 says why


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        (CRITICAL_FAIL, ("4.00", "0.0", True, True, 2)),
        (LOW_NOT_CRITICAL, ("4.00", "75.0", False, True, 2)),
        (CRITICAL_RATED_2, ("4.25", "81.3", False, True, 2)),
        (FOURS, ("4.00", "75.0", False, False, 2)),
    ],
)
def test_the_service_fails_only_a_1_on_the_critical_criterion(agent, critical, ratings, expected):
    assert figures(self_score(agent, ratings)) == expected


# The review queue and the review ---------------------------------------------------------------


def queue_references(client, sort: str) -> list[str]:
    body = client.get(f"/reviews/?sort={sort}").content.decode()
    assert "Critical fail" not in body and "0.0%" not in body and "75.0%" not in body
    return [row.split("<td>")[1].split("<")[0] for row in body.split('data-testid="queue-row"')[1:]]


def test_the_queue_and_the_review_page_keep_a_critical_fail_blind(
    login, agent, supervisor, critical
):
    self_score(agent, FOURS, reference="ZD-NEWER", days_ago=0)
    crit = self_score(agent, CRITICAL_FAIL, reference="ZD-CRIT", days_ago=1).interaction
    self_score(agent, FOURS, reference="ZD-FINE", days_ago=2)
    client = login(supervisor)

    # Newest first, the 0% between two fours: no order the critical fail could set.
    assert queue_references(client, "newest") == ["ZD-NEWER", "ZD-CRIT", "ZD-FINE"]

    page = client.get(f"/interactions/{crit.pk}/").content.decode()
    assert "Not reviewed yet" in page and "Critical fail" not in page and "4.00" not in page
    form = client.get(f"/interactions/{crit.pk}/review/").content.decode()
    assert 'name="rubric_version" value="2"' in form
    assert "Critical fail" not in form and "4.00" not in form
    accuracy = form.split('data-criterion="accuracy"')[1].split("</legend>")[0]
    assert '<span class="badge text-bg-danger">Critical</span>' in accuracy


def test_the_review_uses_the_agents_version_so_its_1_on_accuracy_still_fails(
    login, agent, supervisor, critical
):
    crit = self_score(agent, CRITICAL_FAIL, reference="ZD-CRIT").interaction
    # A newer version makes nothing critical; the review is on the version the agent used.
    assert rubric_with_critical().version == 3
    client = login(supervisor)
    assert (
        'name="rubric_version" value="2"'
        in client.get(f"/interactions/{crit.pk}/review/").content.decode()
    )

    response = client.post(
        f"/interactions/{crit.pk}/review/", rating_data(2, CRITICAL_FAIL), follow=True
    )

    assert figures(crit.evaluations.get(kind="review")) == ("4.00", "0.0", True, True, 2)
    body = response.content.decode()
    assert (
        'data-testid="self-score"><strong>4.00</strong> / 5 · 0.0%\n        ' + CRITICAL_BADGE
        in body
    )
    assert (
        'data-testid="review-score"><strong>4.00</strong> / 5 · 0.0%\n        ' + CRITICAL_BADGE
        in body
    )
    # A self-score made now is on version 3, where a 1 on accuracy is only a low rating.
    assert figures(self_score(agent, CRITICAL_FAIL, reference="ZD-LATER")) == (
        "4.00",
        "75.0",
        False,
        True,
        3,
    )


# The flags -------------------------------------------------------------------------------------


@pytest.fixture
def flagged(agent, supervisor, critical):
    """ZD-CRIT: a critical fail, reviewed as one. ZD-LOW: a 1 on empathy, reviewed with 4s.
    ZD-FINE: 4s, not reviewed."""
    crit = self_score(agent, CRITICAL_FAIL, reference="ZD-CRIT", days_ago=3).interaction
    review(crit, supervisor, CRITICAL_FAIL)
    low = self_score(agent, LOW_NOT_CRITICAL, reference="ZD-LOW", days_ago=2).interaction
    review(low, supervisor, FOURS)
    self_score(agent, FOURS, reference="ZD-FINE", days_ago=1)
    return crit


@pytest.mark.parametrize(
    ("query", "shown", "count"),
    [
        ("flag=critical", {"ZD-CRIT"}, "\n2 evaluations\n"),
        ("flag=flagged", {"ZD-CRIT", "ZD-LOW"}, "\n3 evaluations\n"),
        ("flag=unflagged", {"ZD-LOW", "ZD-FINE"}, "\n2 evaluations\n"),
    ],
)
def test_the_admins_flag_filters_on_evaluations(login, admin_user, flagged, query, shown, count):
    body = login(admin_user).get(f"/admin/rubrics/evaluation/?{query}").content.decode()
    assert count in body
    assert {ref for ref in ("ZD-CRIT", "ZD-LOW", "ZD-FINE") if ref in body} == shown


@pytest.mark.parametrize(
    ("query", "shown"),
    [("flag=critical", {"ZD-CRIT"}), ("flag=flagged", {"ZD-CRIT", "ZD-LOW"})],
)
def test_the_admins_flag_filters_on_interactions(login, admin_user, flagged, query, shown):
    body = login(admin_user).get(f"/admin/rubrics/interaction/?{query}").content.decode()
    assert {ref for ref in ("ZD-CRIT", "ZD-LOW", "ZD-FINE") if ref in body} == shown
    if shown == {"ZD-CRIT"}:
        # Self and review columns: 4.00 and 0.0 each.
        row = body.split("ZD-CRIT")[1].split("</tr>")[0]
        assert row.count('">4.00</td>') == 2 and row.count('">0.0</td>') == 2


def test_an_admin_who_supervises_the_team_finds_a_critical_fail_only_once_reviewed(
    login, admin_user, agent, north, critical
):
    admin_user.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    north.supervisors.add(admin_user)
    crit = self_score(agent, CRITICAL_FAIL, reference="ZD-CRIT").interaction
    client = login(admin_user)
    for url in ("/admin/rubrics/evaluation/", "/admin/rubrics/interaction/"):
        assert "ZD-CRIT" not in client.get(f"{url}?flag=critical").content.decode()
    review(crit, admin_user, FOURS)
    body = client.get("/admin/rubrics/evaluation/?flag=critical").content.decode()
    assert "ZD-CRIT" in body and "\n1 evaluation\n" in body
    assert "ZD-CRIT" in client.get("/admin/rubrics/interaction/?flag=critical").content.decode()


# The dashboards and the CSV -------------------------------------------------------------------


@pytest.fixture
def reviewed(agent, supervisor, north, critical):
    """North: Alice's critical fail (4.00, 0.0%) and Bob's 4s (4.00, 75.0%), both reviewed as
    self-scored."""
    bob = make_user("bob", Role.AGENT, team=north, first_name="Bob")
    review(
        self_score(agent, CRITICAL_FAIL, reference="ZD-CRIT").interaction, supervisor, CRITICAL_FAIL
    )
    review(self_score(bob, FOURS, reference="ZD-FINE").interaction, supervisor, FOURS)
    return bob


def test_the_team_dashboard_counts_a_critical_fail_as_0_percent(login, supervisor, reviewed):
    response = login(supervisor).get("/dashboard/")
    context, body = response.context, response.content.decode()

    # Averages over 0.0% and 75.0%: the scores are both 4.00, the percents 37.5.
    assert (context["totals"]["review_avg"], context["totals"]["review_pct"]) == (4, 37.5)
    assert (context["totals"]["self_avg"], context["totals"]["self_pct"]) == (4, 37.5)
    assert 'data-testid="review-average">4.00 · 37.5%<' in body
    assert 'data-testid="self-average">4.00 · 37.5%<' in body
    # The 0-9% band holds the critical fail, the 70-79% band Bob's 75.0%.
    bands = [1, 0, 0, 0, 0, 0, 0, 1, 0, 0]
    assert context["distribution"]["self"] == bands and context["distribution"]["review"] == bands
    assert '<tr><th scope="row">0–9%</th><td>1</td><td>1</td></tr>' in body
    assert '<tr><th scope="row">70–79%</th><td>1</td><td>1</td></tr>' in body
    # Alice is under the 70% threshold on her 0.0%; Bob, with the same 4.00, is not.
    people = {person.username: person for person in context["agents"]}
    assert (people["alice"].review_pct, people["alice"].below_threshold) == (0, True)
    assert (people["bob"].review_pct, people["bob"].below_threshold) == (75, False)
    rows = agent_rows(body)
    assert rows["Alice"].startswith('<tr class="table-danger"')
    assert not rows["Bob"].startswith('<tr class="table-danger"')
    assert "Under 70.0%" in rows["Alice"] and "<td>0.0</td>" in rows["Alice"]
    assert "Under 70.0%" not in rows["Bob"] and "<td>75.0</td>" in rows["Bob"]


def test_the_organisation_lists_only_the_critical_fail_under_the_threshold(
    login, admin_user, south, reviewed
):
    response = login(admin_user).get("/dashboard/organisation/")
    assert [person.username for person in response.context["agents"]] == ["alice"]
    body = response.content.decode()
    assert "Agents under 70.0%" in body
    assert set(agent_rows(body)) == {"Alice"}
    # Raised to 80%, Bob's 75.0% is under it too; the lowest comes first.
    lowered = login(admin_user).get("/dashboard/organisation/?threshold=80").context["agents"]
    assert [person.username for person in lowered] == ["alice", "bob"]


def test_an_unreviewed_critical_fail_counts_on_the_self_score_for_those_who_may_see_it(
    login, admin_user, supervisor, agent, north, south, critical
):
    self_score(agent, CRITICAL_FAIL, reference="ZD-CRIT")
    # An admin sees every self-score: Alice is judged on it, and it fills the 0-9% band.
    context = login(admin_user).get("/dashboard/organisation/").context
    assert [person.username for person in context["agents"]] == ["alice"]
    assert context["agents"][0].basis == "self" and context["agents"][0].self_pct == 0
    assert context["distribution"]["self"][0] == 1
    # Her supervisor reviews blind: neither the band nor the threshold gives it away.
    context = login(supervisor).get("/dashboard/").context
    assert context["distribution"]["self"] == [0] * 10
    assert [(p.username, p.below_threshold) for p in context["agents"]] == [("alice", False)]


def test_the_csv_has_the_critical_fail_in_its_cells(login, supervisor, reviewed):
    rows = csv_rows(login(supervisor).get("/dashboard/export.csv"))
    for kind in ("self", "review"):
        crit, fine = rows[("ZD-CRIT", kind)], rows[("ZD-FINE", kind)]
        assert (crit["score"], crit["percent"], crit["critical_fail"], crit["flagged"]) == (
            "4.00",
            "0.0",
            "True",
            "True",
        )
        assert (crit["rubric_version"], crit["accuracy"], crit["empathy"]) == ("2", "1", "5")
        assert (fine["score"], fine["percent"], fine["critical_fail"], fine["flagged"]) == (
            "4.00",
            "75.0",
            "False",
            "False",
        )


# The API ---------------------------------------------------------------------------------------


def test_the_api_takes_and_shows_a_critical_fail(agent, supervisor, north, critical):
    alice, sue = api_as(agent), api_as(supervisor)
    response = alice.post(
        "/api/v1/interactions/",
        {
            "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
            "channel": "chat",
            "reference": "ZD-CRIT",
            "topic": "Refund request",
            "self_evaluation": {"ratings": CRITICAL_FAIL, "comments": {"accuracy": WHY}},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    mine = created["self_evaluation"]
    assert (mine["score"], mine["percent"], mine["critical_fail"], mine["flagged"]) == (
        "4.00",
        "0.0",
        True,
        True,
    )
    assert mine["rubric_version"] == 2 and mine["ratings"]["accuracy"] == 1
    url = f"/api/v1/interactions/{created['id']}/"

    # Blind: the supervisor sees no self-score before reviewing.
    assert sue.get(url).json()["self_evaluation"] is None
    response = sue.post(
        f"{url}reviews/",
        {"ratings": CRITICAL_RATED_2, "comments": {"accuracy": WHY}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    theirs = response.json()
    assert (theirs["score"], theirs["percent"], theirs["critical_fail"], theirs["flagged"]) == (
        "4.25",
        "81.3",
        False,
        True,
    )

    for client in (alice, sue):
        body = client.get(url).json()
        assert (body["self_evaluation"]["percent"], body["self_evaluation"]["critical_fail"]) == (
            "0.0",
            True,
        )
        assert (body["review"]["percent"], body["review"]["critical_fail"]) == ("81.3", False)
    listed = alice.get("/api/v1/interactions/").json()["results"]
    assert [row["self_evaluation"]["critical_fail"] for row in listed] == [True]

    summary = sue.get(f"/api/v1/teams/{north.pk}/summary/").json()
    assert (summary["count"], summary["reviewed"]) == (1, 1)
    assert (summary["self_score"], summary["self_percent"]) == ("4.00", "0.0")
    assert (summary["review_score"], summary["review_percent"]) == ("4.25", "81.3")


# My scores -------------------------------------------------------------------------------------


def test_my_scores_shows_the_critical_fail(login, agent, supervisor, critical):
    review(
        self_score(agent, CRITICAL_FAIL, reference="ZD-CRIT").interaction, supervisor, CRITICAL_FAIL
    )
    self_score(agent, FOURS, reference="ZD-FINE")

    response = login(agent).get("/my/scores/")
    totals = response.context["totals"]
    # Self: 0.0% and 75.0%; reviewed: only the critical fail.
    assert (totals["self_avg"], totals["self_pct"]) == (4, 37.5)
    assert (totals["review_avg"], totals["review_pct"]) == (4, 0)
    body = response.content.decode()
    assert 'data-testid="self-average">4.00 · 37.5%<' in body
    assert ">4.00 · 0.0%<" in body  # the reviewed average
    row = body.split(">ZD-CRIT<")[1].split("</tr>")[0]
    assert row.count("4.00 · 0.0% " + CRITICAL_BADGE) == 2  # self-score and review
    row = body.split(">ZD-FINE<")[1].split("</tr>")[0]
    assert "4.00 · 75.0%" in row and "Critical fail" not in row


# Corrections and disputes ----------------------------------------------------------------------


def test_a_dispute_accepted_lifts_the_critical_fail_everywhere(agent, supervisor, north, reviewed):
    crit = Interaction.objects.get(reference="ZD-CRIT")
    dispute = dispute_raise(
        interaction=crit, agent=agent, reason="The rule was right.", proposed={"accuracy": 4}
    )
    sue = signed_in(supervisor)
    response = sue.post(
        f"/disputes/{dispute.pk}/resolve/", {"decision": "accepted", "reason": "Agreed."}
    )
    assert response.status_code == 302

    # The corrected review: (125 + 100 + 100 + 75 + 75) / 100 = 4.75, (3.75 / 4) = 93.75 → 93.8%.
    current = crit.evaluations.get(kind="review", is_current=True)
    assert (current.revision, *figures(current)) == (2, "4.75", "93.8", False, False, 2)
    context = sue.get("/dashboard/").context
    assert context["distribution"]["review"] == [0, 0, 0, 0, 0, 0, 0, 1, 0, 1]
    assert context["distribution"]["self"] == [1, 0, 0, 0, 0, 0, 0, 1, 0, 0]  # unchanged
    alice = next(person for person in context["agents"] if person.username == "alice")
    assert (alice.review_pct, alice.below_threshold) == (Decimal("93.8"), False)
    row = csv_rows(sue.get("/dashboard/export.csv"))[("ZD-CRIT", "review")]
    assert (row["revision"], row["percent"], row["critical_fail"], row["accuracy"]) == (
        "2",
        "93.8",
        "False",
        "4",
    )
    body = signed_in(agent).get("/my/scores/").content.decode()
    row = body.split(">ZD-CRIT<")[1].split("</tr>")[0]
    assert "4.00 · 0.0% " + CRITICAL_BADGE in row and "4.75 · 93.8%<" in row
    review_json = api_as(agent).get(f"/api/v1/interactions/{crit.pk}/").json()["review"]
    assert (review_json["percent"], review_json["critical_fail"]) == ("93.8", False)


def test_a_corrected_self_score_is_no_longer_a_critical_fail(agent, admin_user, critical):
    crit = self_score(agent, CRITICAL_FAIL, reference="ZD-CRIT").interaction
    client = signed_in(agent)
    response = client.post(
        f"/interactions/{crit.pk}/correct/",
        rating_data(2, CRITICAL_RATED_2, reason="I did quote the rule, late."),
        follow=True,
    )
    current = crit.evaluations.get(kind="self", is_current=True)
    assert (current.revision, *figures(current)) == (2, "4.25", "81.3", False, True, 2)
    assert 'data-testid="self-score"><strong>4.25</strong> / 5 · 81.3%</p>' in (
        response.content.decode()
    )
    assert "Critical fail" not in response.content.decode()
    # Only current evaluations count: the admin's critical filter and the figures move on.
    admin = signed_in(admin_user)
    history = admin.get("/admin/rubrics/evaluation/?flag=critical").content.decode()
    assert "ZD-CRIT" in history and "\n1 evaluation\n" in history  # the superseded revision
    current_only = admin.get("/admin/rubrics/evaluation/?flag=critical&is_current__exact=1")
    assert current_only.status_code == 200 and "ZD-CRIT" not in current_only.content.decode()
    listed = admin.get("/admin/rubrics/interaction/?flag=critical")
    assert listed.status_code == 200 and "ZD-CRIT" not in listed.content.decode()
    context = admin.get("/dashboard/organisation/").context
    assert context["distribution"]["self"] == [0, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert [(p.username, p.self_pct, p.below_threshold) for p in context["agents"]] == [
        ("alice", Decimal("81.3"), False)
    ]
