"""Concurrency on real PostgreSQL, through two app server processes sharing one database.

Two gunicorn servers (two workers each) are started against the test database; the test data is
committed (`transaction=True`) so they see it. Requests go out in parallel threads, split over
both servers: nothing is lost, nothing is doubled, and the totals are exact.
"""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from rubrics.models import Evaluation, Interaction, Rating, Rubric
from scripts_library.models import Script
from teams.models import ApiToken, Role, Team
from tests.conftest import PASSWORD, make_user
from tests.servers import app_servers, form_fields, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SUBMISSIONS = 20


# Two app servers -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def servers(django_db_setup):
    with app_servers(2, workers=2, threads=4) as urls:
        yield urls


def in_parallel(calls):
    """Run the calls at once, released together by a barrier; their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def with_real_password(user):
    """The servers use the production hashers, not the tests' fast MD5 one."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "concurrencysalt", iterations=1000)
    user.save(update_fields=["password"])
    return user


# 20 self-scores and 20 reviews at once ------------------------------------------------------


def _ratings(index: int) -> dict[str, int]:
    """Different ratings for each submission, so a lost or doubled one changes the totals."""
    keys = ["empathy", "accuracy", "fairness", "transparency", "respect"]
    return {key: 1 + (index * 7 + position * 3) % 5 for position, key in enumerate(keys)}


def _comments(ratings):
    return {key: "Needs work here." for key, value in ratings.items() if value <= 2}


def test_parallel_self_scores_and_reviews_over_two_servers_all_land_with_exact_totals(servers):
    north = Team.objects.create(name="North")
    agents = [make_user(f"agent{n}", Role.AGENT, team=north) for n in range(4)]
    supervisor = make_user("sue", Role.SUPERVISOR, leads=[north])
    keys = {
        user.pk: ApiToken.issue(user=user, name="helpdesk")[1] for user in [*agents, supervisor]
    }
    rubric = Rubric.objects.current()
    occurred_at = (timezone.now() - timedelta(hours=1)).isoformat()

    def submit(index):
        agent = agents[index % len(agents)]
        ratings = _ratings(index)
        body = {
            "occurred_at": occurred_at,
            "channel": "phone",
            "reference": f"ZD-{1000 + index}",
            "topic": "Refund request",
            "self_evaluation": {"ratings": ratings, "comments": _comments(ratings)},
        }
        return lambda: requests.post(
            f"{servers[index % 2]}/api/v1/interactions/",
            json=body,
            headers={
                "Authorization": f"Token {keys[agent.pk]}",
                "Idempotency-Key": str(uuid.uuid4()),
            },
            timeout=30,
        )

    responses = in_parallel([submit(index) for index in range(SUBMISSIONS)])
    assert [response.status_code for response in responses] == [201] * SUBMISSIONS, [
        response.text for response in responses if response.status_code != 201
    ]
    ids = {response.json()["reference"]: response.json()["id"] for response in responses}

    def review(index):
        ratings = _ratings(index + 3)
        return lambda: requests.post(
            f"{servers[(index + 1) % 2]}/api/v1/interactions/{ids[f'ZD-{1000 + index}']}/reviews/",
            json={"ratings": ratings, "comments": _comments(ratings)},
            headers={"Authorization": f"Token {keys[supervisor.pk]}"},
            timeout=30,
        )

    reviews = in_parallel([review(index) for index in range(SUBMISSIONS)])
    assert [response.status_code for response in reviews] == [201] * SUBMISSIONS, [
        response.text for response in reviews if response.status_code != 201
    ]

    assert Interaction.objects.count() == SUBMISSIONS
    assert Evaluation.objects.filter(kind=Evaluation.Kind.SELF).count() == SUBMISSIONS
    assert Evaluation.objects.filter(kind=Evaluation.Kind.REVIEW).count() == SUBMISSIONS
    assert Rating.objects.count() == 2 * SUBMISSIONS * 5
    for kind, offset in [(Evaluation.Kind.SELF, 0), (Evaluation.Kind.REVIEW, 3)]:
        stored = {
            evaluation.interaction.reference: (evaluation.score, evaluation.percent)
            for evaluation in Evaluation.objects.filter(kind=kind).select_related("interaction")
        }
        expected = {}
        for index in range(SUBMISSIONS):
            result = rubric.score(_ratings(index + offset))
            expected[f"ZD-{1000 + index}"] = (result.score, result.percent)
        assert stored == expected
        assert sum(score for score, _ in stored.values()) == sum(
            score for score, _ in expected.values()
        )


# A double-clicked submit ---------------------------------------------------------------------


def test_a_double_clicked_self_score_sent_to_both_servers_stores_one_interaction(servers):
    north = Team.objects.create(name="North")
    agent = with_real_password(make_user("alice", Role.AGENT, team=north))
    session = log_in(servers[0], "/accounts/login/", agent.username)
    form = form_fields(session.get(f"{servers[0]}/score/", timeout=10).text, "submission_token")
    ratings = _ratings(2)
    form.update(
        {
            "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "channel": "chat",
            "reference": "ZD-4821",
            "topic": "Refund request",
            **{f"rating_{key}": str(value) for key, value in ratings.items()},
            **{f"comment_{key}": text for key, text in _comments(ratings).items()},
        }
    )
    token = form["submission_token"]

    def click(base_url):
        return lambda: session.post(
            f"{base_url}/score/",
            data=form,
            headers={"Referer": f"{base_url}/score/"},
            timeout=30,
            allow_redirects=False,
        )

    responses = in_parallel(
        [click(servers[0]), click(servers[1]), click(servers[0]), click(servers[1])]
    )

    assert [response.status_code for response in responses] == [302] * 4
    # Every click lands on the same interaction, and there is only one.
    assert len({response.headers["Location"] for response in responses}) == 1
    assert Interaction.objects.filter(submission_token=token).count() == 1
    assert Interaction.objects.count() == 1
    assert Evaluation.objects.count() == 1
    assert Rating.objects.count() == 5


def test_one_interaction_recorded_and_reviewed_at_once_over_both_servers_lands_once(servers):
    """A supervisor records an interaction the agent never self-scored, sending the same
    Idempotency-Key four times at once, then four reviews of it go out at once: one
    interaction, one review, and every other review refused with a message."""
    north = Team.objects.create(name="North")
    make_user("alice", Role.AGENT, team=north)
    sue = make_user("sue", Role.SUPERVISOR, leads=[north])
    _, key = ApiToken.issue(user=sue, name="concurrency")
    headers = {"Authorization": f"Token {key}", "Idempotency-Key": str(uuid.uuid4())}
    body = {
        "agent": "alice",
        "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "channel": "phone",
        "reference": "ZD-7000",
        "topic": "Delivery question",
    }

    def record(base_url):
        return lambda: requests.post(
            f"{base_url}/api/v1/interactions/", json=body, headers=headers, timeout=30
        )

    recorded = in_parallel([record(servers[index % 2]) for index in range(4)])
    assert [response.status_code for response in recorded] == [201] * 4
    assert len({response.json()["id"] for response in recorded}) == 1
    interaction_id = recorded[0].json()["id"]
    ratings = _ratings(3)

    def review(base_url):
        return lambda: requests.post(
            f"{base_url}/api/v1/interactions/{interaction_id}/reviews/",
            json={"ratings": ratings, "comments": _comments(ratings)},
            headers={"Authorization": f"Token {key}"},
            timeout=30,
        )

    reviews = in_parallel([review(servers[index % 2]) for index in range(4)])
    assert sorted(response.status_code for response in reviews) == [201, 409, 409, 409]
    assert all(
        "already been reviewed" in response.text
        for response in reviews
        if response.status_code == 400
    )
    assert Interaction.objects.count() == 1
    assert Evaluation.objects.filter(interaction_id=interaction_id).count() == 1
    assert Rating.objects.count() == 5


# Two admins editing one script ---------------------------------------------------------------


def test_two_admins_saving_one_script_at_once_give_one_conflict_and_no_lost_update(servers):
    admins = [
        with_real_password(make_user(name, Role.ADMIN, is_staff=True, is_superuser=True))
        for name in ("ada", "bea")
    ]
    script = Script.objects.published().first()
    version = script.version
    change_url = f"/admin/scripts_library/script/{script.pk}/change/"
    sessions = [
        log_in(base_url, "/admin/login/", admin.username)
        for base_url, admin in zip(servers, admins, strict=True)
    ]
    forms = [
        form_fields(session.get(f"{base_url}{change_url}", timeout=10).text, "version")
        for base_url, session in zip(servers, sessions, strict=True)
    ]
    assert forms[0]["version"] == forms[1]["version"] == str(version)
    edits = ["Ada's guidance: pause before you answer.", "Bea's guidance: name the next step."]
    for form, edit in zip(forms, edits, strict=True):
        form["guidance"] = edit
        form["_save"] = "Save"

    def save(index):
        return lambda: sessions[index].post(
            f"{servers[index]}{change_url}",
            data=forms[index],
            headers={"Referer": f"{servers[index]}{change_url}"},
            timeout=30,
            allow_redirects=False,
        )

    responses = in_parallel([save(0), save(1)])

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 302], [response.text[:500] for response in responses]
    winner = next(i for i, response in enumerate(responses) if response.status_code == 302)
    loser = 1 - winner
    assert "while you were editing it" in responses[loser].text
    script.refresh_from_db()
    assert script.version == version + 1
    assert script.guidance == edits[winner]

    # The refused admin's text is still in their form; saving again, after seeing the other
    # change, deliberately replaces it.
    retry = form_fields(responses[loser].text, "version")
    assert retry["guidance"] == edits[loser]
    retry["_save"] = "Save"
    response = sessions[loser].post(
        f"{servers[loser]}{change_url}",
        data=retry,
        headers={"Referer": f"{servers[loser]}{change_url}"},
        timeout=30,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    script.refresh_from_db()
    assert script.version == version + 2
    assert script.guidance == edits[loser]
    assert script.history.count() >= 2
