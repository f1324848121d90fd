"""The review queue, sampling, the blind review and coaching."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from qa.models import Assignment
from rubrics.models import CoachingComment, Evaluation, Interaction, Rating, Rubric
from tests.conftest import RATINGS, review, self_score

pytestmark = pytest.mark.django_db

REVIEW_RATINGS = {"empathy": 3, "accuracy": 4, "fairness": 2, "transparency": 4, "respect": 5}


def review_form(ratings=REVIEW_RATINGS, **overrides):
    data = {"rubric_version": str(Rubric.objects.current().version), "comment": ""}
    for key, value in ratings.items():
        data[f"rating_{key}"] = str(value)
        data[f"comment_{key}"] = "Missed the policy check." if value <= 2 else ""
    data.update(overrides)
    return data


def counts():
    return Evaluation.objects.count(), Rating.objects.count(), CoachingComment.objects.count()


# The queue ------------------------------------------------------------------------------------


def test_queue_lists_only_unreviewed_interactions_of_led_teams(
    login, agent, other_agent, supervisor
):
    waiting = self_score(agent, reference="ZD-WAIT").interaction
    done = self_score(agent, reference="ZD-DONE").interaction
    review(done, supervisor)
    self_score(other_agent, reference="ZD-SOUTH")
    body = login(supervisor).get("/reviews/").content.decode()
    assert waiting.reference in body
    assert "ZD-DONE" not in body and "ZD-SOUTH" not in body


def test_queue_never_shows_the_self_score(login, agent, supervisor):
    self_score(agent, {**RATINGS, "empathy": 1}, reference="ZD-LOW")
    body = login(supervisor).get("/reviews/").content.decode()
    assert "ZD-LOW" in body and "Flagged" not in body
    low = Evaluation.objects.get(kind="self")
    assert str(low.score) not in body and f"{low.percent}%" not in body


def test_queue_order_asked_for_first_then_newest(login, agent, supervisor):
    self_score(agent, {key: 5 for key in RATINGS}, days_ago=20, reference="ZD-OLD")
    mid = self_score(agent, {key: 4 for key in RATINGS}, days_ago=5, reference="ZD-MID")
    Interaction.objects.filter(pk=mid.interaction_id).update(review_requested=True)
    self_score(agent, {**RATINGS, "fairness": 2, "empathy": 2}, days_ago=1, reference="ZD-LOW")
    expected = ["ZD-MID", "ZD-LOW", "ZD-OLD"]
    # Asking for another order, even one from the self-score, changes nothing.
    for query in ("", "?sort=lowest", "?sort=oldest"):
        body = login(supervisor).get(f"/reviews/{query}").content.decode()
        assert sorted(expected, key=body.index) == expected


def test_queue_rejects_another_teams_filter(login, supervisor, south):
    assert login(supervisor).get(f"/reviews/?team={south.pk}").status_code == 404


def test_queue_query_count_is_constant(login, agent, supervisor, django_assert_max_num_queries):
    for number in range(60):
        self_score(agent, reference=f"ZD-{number}")
    client = login(supervisor)
    with django_assert_max_num_queries(10):
        response = client.get("/reviews/")
    assert response.status_code == 200
    # Bounded: the newest 50, never all 60.
    assert response.content.decode().count('data-testid="queue-row"') == 50


# Sampling: ad-hoc assignments (tests/test_assignments.py covers assignments) --------------------


def test_sampling_picks_n_per_agent_from_the_last_week_never_twice(agent, north, supervisor):
    from tests.conftest import make_user

    bob = make_user("bob", "Agent", team=north)
    for number in range(4):
        self_score(agent, days_ago=1, reference=f"ZD-A{number}")
        self_score(bob, days_ago=2, reference=f"ZD-B{number}")
    self_score(agent, days_ago=9, reference="ZD-TOO-OLD")
    review(self_score(agent, reference="ZD-REVIEWED").interaction, supervisor)

    out = StringIO()
    call_command("sample_reviews", "--per-agent", "2", stdout=out)
    assert "Assigned 4 interactions" in out.getvalue()
    picked = Assignment.objects.select_related("interaction", "agent")
    assert sorted(a.agent.username for a in picked) == ["alice", "alice", "bob", "bob"]
    assert {a.reviewer for a in picked} == {supervisor}
    assert {a.source for a in picked} == {"sample"}
    references = {a.interaction.reference for a in picked}
    assert "ZD-TOO-OLD" not in references and "ZD-REVIEWED" not in references

    call_command("sample_reviews", "--per-agent", "2", stdout=StringIO())
    call_command("sample_reviews", "--per-agent", "2", stdout=StringIO())
    # Four recent unreviewed interactions each: all assigned, none twice.
    assert Assignment.objects.count() == 8
    assert Assignment.objects.values("interaction").distinct().count() == 8


def test_sampling_command_rejects_bad_numbers():
    with pytest.raises(CommandError, match="from 1 to 20"):
        call_command("sample_reviews", "--per-agent", "0")


def test_sample_button_assigns_to_the_sampler_only_in_their_teams(
    login, agent, other_agent, supervisor, south
):
    self_score(agent, reference="ZD-N")
    self_score(other_agent, reference="ZD-S")
    client = login(supervisor)
    response = client.post("/reviews/sample/", {"per_agent": "3"})
    assert response.status_code == 302 and response.url == "/assignments/"
    assert list(Assignment.objects.values_list("interaction__reference", flat=True)) == ["ZD-N"]
    assert Assignment.objects.get().reviewer == supervisor
    assert client.post("/reviews/sample/", {"per_agent": "1", "team": south.pk}).status_code == 404
    body = client.get("/assignments/").content.decode()
    assert "ZD-N" in body


@pytest.mark.parametrize("per_agent", ["0", "-3", "abc", "", "21"])
def test_sample_button_bad_input(login, agent, supervisor, per_agent):
    self_score(agent)
    response = login(supervisor).post("/reviews/sample/", {"per_agent": per_agent}, follow=True)
    assert response.status_code == 200
    assert Assignment.objects.count() == 0
    assert "alert-danger" in response.content.decode()


# The blind review -----------------------------------------------------------------------------


def test_review_page_does_not_contain_the_self_score(login, agent, supervisor):
    ratings = {"empathy": 2, "accuracy": 3, "fairness": 3, "transparency": 2, "respect": 3}
    scored = self_score(agent, ratings)
    client = login(supervisor)
    for url in (
        f"/interactions/{scored.interaction_id}/review/",
        f"/interactions/{scored.interaction_id}/",
    ):
        body = client.get(url).content.decode()
        assert str(scored.score) not in body, url
        assert f"{scored.percent}%" not in body, url
        assert "Needs work here." not in body, url  # the agent's own comments
    assert "Review it now" in client.get(f"/interactions/{scored.interaction_id}/").content.decode()


def test_review_then_both_scores_side_by_side_with_gaps(login, agent, supervisor):
    scored = self_score(agent)
    client = login(supervisor)
    response = client.post(
        f"/interactions/{scored.interaction_id}/review/", review_form(comment="Solid call.")
    )
    assert response.status_code == 302
    reviewed = Evaluation.objects.get(kind="review")
    assert reviewed.author == supervisor and reviewed.rubric == scored.rubric
    assert reviewed.flagged and reviewed.comment == "Solid call."
    body = client.get(response.url).content.decode()
    assert str(scored.score) in body and str(reviewed.score) in body
    # Self 4 vs review 3 on empathy; 3 vs 2 on fairness; equal on respect.
    assert 'data-testid="gap-empathy">+1<' in body
    assert 'data-testid="gap-fairness">+1<' in body
    assert 'data-testid="gap-respect">0<' in body


def test_review_uses_the_rubric_version_the_agent_scored_on(login, agent, supervisor):
    scored = self_score(agent)
    old = scored.rubric
    new = Rubric.objects.create(version=old.version + 1, notes="New weights")
    for criterion in old.criteria.all():
        criterion.pk, criterion.rubric = None, new
        criterion.save()
    client = login(supervisor)
    body = client.get(f"/interactions/{scored.interaction_id}/review/").content.decode()
    assert f"rubric v{old.version}" in body
    response = client.post(
        f"/interactions/{scored.interaction_id}/review/",
        review_form(rubric_version=str(old.version)),
    )
    assert response.status_code == 302
    assert Evaluation.objects.get(kind="review").rubric == old


def test_review_is_refused_twice(login, agent, supervisor, north):
    from tests.conftest import make_user

    scored = self_score(agent)
    review(scored.interaction, supervisor)
    colleague = make_user("cleo", "Supervisor", leads=[north])
    before = counts()
    response = login(colleague).post(
        f"/interactions/{scored.interaction_id}/review/", review_form(), follow=True
    )
    assert "already been reviewed" in response.content.decode()
    assert counts() == before


def test_review_of_another_team_is_404_and_saves_nothing(login, other_agent, supervisor):
    scored = self_score(other_agent)
    client = login(supervisor)
    url = f"/interactions/{scored.interaction_id}/review/"
    assert client.get(url).status_code == 404
    before = counts()
    assert client.post(url, review_form()).status_code == 404
    assert counts() == before


def test_review_service_refuses_another_team(other_agent, supervisor):
    from django.core.exceptions import ValidationError

    scored = self_score(other_agent)
    with pytest.raises(ValidationError, match="teams you supervise"):
        review(scored.interaction, supervisor)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rating_empathy": "9"}, "Select a valid choice"),
        ({"rating_empathy": ""}, "Rate Empathy"),
        ({"comment_fairness": ""}, "needs a comment"),
        ({"rubric_version": "999"}, "rubric changed"),
        ({"comment": "x" * 2001}, "at most 2000"),
        ({"comment": "Call her on 020 7946 0958"}, "phone number"),
    ],
)
def test_review_bad_input_saves_nothing(login, agent, supervisor, overrides, message):
    scored = self_score(agent)
    before = counts()
    response = login(supervisor).post(
        f"/interactions/{scored.interaction_id}/review/", review_form(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before
    # The failed form still must not reveal the self-score.
    assert f"{scored.percent}%" not in response.content.decode()


def test_supervisor_cannot_review_their_own_interaction(login, north):
    from django.contrib.auth.models import Group

    from tests.conftest import make_user

    player_coach = make_user("pat", "Agent", team=north, leads=[north])
    player_coach.groups.add(Group.objects.get(name="Supervisor"))
    scored = self_score(player_coach)
    assert (
        login(player_coach).get(f"/interactions/{scored.interaction_id}/review/").status_code == 404
    )


# Coaching -------------------------------------------------------------------------------------


def test_coaching_comment_is_added_after_review_and_shown_to_the_agent(login, agent, supervisor):
    scored = self_score(agent)
    url = f"/interactions/{scored.interaction_id}/coaching/"
    client = login(supervisor)
    client.post(url, {"body": "Too early."})
    assert CoachingComment.objects.count() == 0  # not reviewed yet
    review(scored.interaction, supervisor)
    response = client.post(
        url, {"body": "Great recovery after the wait; offer the options sooner."}
    )
    assert response.status_code == 302
    comment = CoachingComment.objects.get()
    assert comment.author == supervisor
    body = login(agent).get(f"/interactions/{scored.interaction_id}/").content.decode()
    assert "offer the options sooner" in body


@pytest.mark.parametrize("body", ["", "   ", "y" * 2001])
def test_coaching_bad_input(login, agent, supervisor, body):
    scored = self_score(agent)
    review(scored.interaction, supervisor)
    response = login(supervisor).post(
        f"/interactions/{scored.interaction_id}/coaching/", {"body": body}, follow=True
    )
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert CoachingComment.objects.count() == 0


def test_agent_cannot_coach(login, agent, supervisor):
    scored = self_score(agent)
    review(scored.interaction, supervisor)
    response = login(agent).post(f"/interactions/{scored.interaction_id}/coaching/", {"body": "Hi"})
    assert response.status_code == 403
    assert CoachingComment.objects.count() == 0


# Agents and their reviews ---------------------------------------------------------------------


def test_unread_reviews_on_the_agents_home_page(login, agent, supervisor):
    first = self_score(agent, reference="ZD-1")
    second = self_score(agent, reference="ZD-2")
    review(first.interaction, supervisor)
    review(second.interaction, supervisor)
    client = login(agent)
    assert "<strong>2</strong> unread reviews" in client.get("/").content.decode()
    # Opening the page changes nothing; it offers the button that marks the review read.
    page = client.get(f"/interactions/{first.interaction_id}/").content.decode()
    assert 'data-testid="mark-read"' in page
    assert Evaluation.objects.get(interaction=first.interaction, kind="review").seen_at is None
    assert "<strong>2</strong> unread reviews" in client.get("/").content.decode()
    response = client.post(f"/interactions/{first.interaction_id}/read/")
    assert response.status_code == 302
    assert response.url == f"/interactions/{first.interaction_id}/"
    assert "<strong>1</strong> unread review." in client.get("/").content.decode()
    assert Evaluation.objects.get(interaction=first.interaction, kind="review").seen_at
    page = client.get(f"/interactions/{first.interaction_id}/").content.decode()
    assert 'data-testid="mark-read"' not in page
    # A supervisor can neither open nor mark it read for the agent.
    login(supervisor).get(f"/interactions/{second.interaction_id}/")
    assert login(supervisor).post(f"/interactions/{second.interaction_id}/read/").status_code == 403
    assert Evaluation.objects.get(interaction=second.interaction, kind="review").seen_at is None


def test_marking_read_is_a_post_of_the_agents_own(login, agent, other_agent, supervisor):
    scored = self_score(agent)
    review(scored.interaction, supervisor)
    url = f"/interactions/{scored.interaction_id}/read/"
    assert login(agent).get(url).status_code == 405
    assert login(other_agent).post(url).status_code == 404
    assert Evaluation.objects.get(interaction=scored.interaction, kind="review").seen_at is None
    client = login(agent)
    client.post(url)
    seen_at = Evaluation.objects.get(interaction=scored.interaction, kind="review").seen_at
    client.post(url)  # again: nothing changes
    assert Evaluation.objects.get(interaction=scored.interaction, kind="review").seen_at == seen_at


def test_my_reviews_lists_only_mine(login, agent, other_agent, supervisor, other_supervisor):
    review(self_score(agent, reference="ZD-MINE").interaction, supervisor)
    review(self_score(other_agent, reference="ZD-THEIRS").interaction, other_supervisor)
    body = login(agent).get("/my/reviews/").content.decode()
    assert "ZD-MINE" in body and "ZD-THEIRS" not in body


def test_my_reviews_query_count(login, agent, supervisor, django_assert_max_num_queries):
    for number in range(12):
        review(self_score(agent, reference=f"ZD-{number}").interaction, supervisor)
    client = login(agent)
    with django_assert_max_num_queries(6):
        assert client.get("/my/reviews/").status_code == 200


def test_self_score_is_locked_once_reviewed(login, agent, supervisor):
    scored = self_score(agent)
    review(scored.interaction, supervisor)
    data = {"rubric_version": str(scored.rubric.version), "reason": "Changed my mind"}
    for key, value in RATINGS.items():
        data[f"rating_{key}"] = str(value)
    response = login(agent).post(f"/interactions/{scored.interaction_id}/correct/", data)
    assert "dispute it instead" in response.content.decode()
    assert Evaluation.objects.filter(kind="self").count() == 1


# Who may open what ----------------------------------------------------------------------------

PAGES = ["/reviews/", "/dashboard/"]


@pytest.mark.parametrize(
    ("persona", "queue", "dashboard"),
    [
        ("agent", 403, 403),
        ("other_agent", 403, 403),
        ("supervisor", 200, 200),
        ("other_supervisor", 200, 200),
        # Admins oversee; reviewing is the supervisors' job, so admins have no queue.
        ("admin", 403, 200),
    ],
)
def test_queue_and_dashboard_by_persona(client, personas, persona, queue, dashboard):
    client.force_login(personas[persona])
    assert client.get("/reviews/").status_code == queue
    assert client.get("/dashboard/").status_code == dashboard


def test_queue_and_review_pages_send_anonymous_people_to_login(client, agent):
    scored = self_score(agent)
    for url in ["/reviews/", f"/interactions/{scored.interaction_id}/review/", "/my/reviews/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("agent", 403),
        ("other_agent", 403),
        ("supervisor", 200),
        ("other_supervisor", 404),
        ("admin", 403),
    ],
)
def test_review_page_by_persona(client, personas, persona, expected):
    scored = self_score(personas["agent"])
    client.force_login(personas[persona])
    assert client.get(f"/interactions/{scored.interaction_id}/review/").status_code == expected


def test_wrong_methods(login, agent, supervisor):
    scored = self_score(agent)
    client = login(supervisor)
    assert client.post("/reviews/").status_code == 405
    assert client.get("/reviews/sample/").status_code == 405
    assert client.get(f"/interactions/{scored.interaction_id}/coaching/").status_code == 405
    assert (
        login(agent).get(f"/interactions/{scored.interaction_id}/acknowledge/").status_code == 405
    )


def test_admins_oversee_but_do_not_review(login, other_agent, admin_user):
    scored = self_score(other_agent, reference="ZD-SOUTH")
    client = login(admin_user)
    before = counts()
    response = client.post(f"/interactions/{scored.interaction_id}/review/", review_form())
    assert response.status_code == 403
    assert counts() == before
    # Not a reviewer, so nothing to keep blind: the admin sees the self-score.
    body = client.get(f"/interactions/{scored.interaction_id}/").content.decode()
    assert str(scored.score) in body and "Review it now" not in body


def test_an_admin_who_also_supervises_reviews_only_their_own_team(login, agent, other_agent, north):
    from django.contrib.auth.models import Group

    from tests.conftest import make_user

    both = make_user("bea", "Admin", is_staff=True, leads=[north])
    both.groups.add(Group.objects.get(name="Supervisor"))
    mine = self_score(agent, reference="ZD-N")
    theirs = self_score(other_agent, reference="ZD-S")
    client = login(both)
    body = client.get("/reviews/").content.decode()
    assert "ZD-N" in body and "ZD-S" not in body
    assert client.get(f"/interactions/{theirs.interaction_id}/review/").status_code == 404
    assert "Review it now" in client.get(f"/interactions/{mine.interaction_id}/").content.decode()


def test_sample_window_is_seven_days(agent, supervisor, north):
    from qa.services import assignments_sample

    self_score(agent, days_ago=6, reference="ZD-IN")
    self_score(agent, days_ago=8, reference="ZD-OUT")
    assert assignments_sample(teams=[north], per_agent=5) == 1
    assert Assignment.objects.get().interaction.reference == "ZD-IN"
    later = timezone.now() + timedelta(days=3)
    assert assignments_sample(teams=[north], per_agent=5, now=later) == 0


# Every new page, every persona ----------------------------------------------------------------


@pytest.fixture
def review_world(agent, supervisor):
    """Alice's interaction, reviewed by Sue and disputed by Alice; and one still unreviewed."""
    from rubrics.disputes import dispute_raise

    reviewed = self_score(agent, reference="ZD-R").interaction
    review(reviewed, supervisor, {**RATINGS, "fairness": 2})
    dispute = dispute_raise(
        interaction=reviewed, agent=agent, reason="I checked", proposed={"fairness": 4}
    )
    waiting = self_score(agent, reference="ZD-W").interaction
    return {"reviewed": reviewed.pk, "waiting": waiting.pk, "dispute": dispute.pk}


# (method, url, {persona: status}); personas not listed expect the default for that row.
MATRIX = [
    (
        "get",
        "/my/reviews/",
        {
            "agent": 200,
            "other_agent": 200,
            "supervisor": 403,
            "other_supervisor": 403,
            "admin": 403,
        },
    ),
    (
        "get",
        "/reviews/",
        {
            "agent": 403,
            "other_agent": 403,
            "supervisor": 200,
            "other_supervisor": 200,
            "admin": 403,
        },
    ),
    (
        "get",
        "/interactions/{waiting}/review/",
        {
            "agent": 403,
            "other_agent": 403,
            "supervisor": 200,
            "other_supervisor": 404,
            "admin": 403,
        },
    ),
    (
        "get",
        "/interactions/{reviewed}/",
        {
            "agent": 200,
            "other_agent": 404,
            "supervisor": 200,
            "other_supervisor": 404,
            "admin": 200,
        },
    ),
    (
        "post",
        "/interactions/{reviewed}/coaching/",
        {
            "agent": 403,
            "other_agent": 403,
            "supervisor": 302,
            "other_supervisor": 404,
            "admin": 302,
        },
    ),
    (
        "post",
        "/interactions/{reviewed}/acknowledge/",
        {
            "agent": 302,
            "other_agent": 404,
            "supervisor": 403,
            "other_supervisor": 403,
            "admin": 403,
        },
    ),
    (
        "get",
        "/interactions/{reviewed}/dispute/",
        {
            "agent": 200,
            "other_agent": 404,
            "supervisor": 403,
            "other_supervisor": 403,
            "admin": 403,
        },
    ),
    (
        "get",
        "/disputes/{dispute}/resolve/",
        {
            "agent": 403,
            "other_agent": 403,
            "supervisor": 200,
            "other_supervisor": 404,
            "admin": 200,
        },
    ),
    (
        "get",
        "/dashboard/",
        {
            "agent": 403,
            "other_agent": 403,
            "supervisor": 200,
            "other_supervisor": 200,
            "admin": 200,
        },
    ),
    (
        "get",
        "/dashboard/organisation/",
        {
            "agent": 403,
            "other_agent": 403,
            "supervisor": 403,
            "other_supervisor": 403,
            "admin": 200,
        },
    ),
    (
        "get",
        "/dashboard/export.csv",
        {
            "agent": 403,
            "other_agent": 403,
            "supervisor": 200,
            "other_supervisor": 200,
            "admin": 200,
        },
    ),
    (
        "post",
        "/reviews/sample/",
        {
            "agent": 403,
            "other_agent": 403,
            "supervisor": 302,
            "other_supervisor": 302,
            "admin": 403,
        },
    ),
]


@pytest.mark.parametrize(("method", "url", "expected"), MATRIX, ids=[row[1] for row in MATRIX])
def test_every_review_page_for_every_persona(client, personas, review_world, method, url, expected):
    target = url.format(**review_world)
    data = {"body": "Keep it up", "per_agent": "1"} if method == "post" else None
    response = getattr(client, method)(target, data)
    assert response.status_code == 302 and "/accounts/login/" in response.url, "anonymous"
    for persona, status in expected.items():
        client.force_login(personas[persona])
        response = getattr(client, method)(target, data)
        assert response.status_code == status, (persona, target)


def test_the_agent_can_run_the_checklist_from_the_interaction(login, agent):
    scored = self_score(agent)
    body = login(agent).get(f"/interactions/{scored.interaction_id}/").content.decode()
    link = f"/checklists/interaction-ethics/run/?interaction={scored.interaction_id}"
    assert link in body
    assert login(agent).get(link).status_code == 200


# My reviews: what each row says and the order (issue 29, point 6) ----------------------------


def my_review_rows(client):
    body = client.get("/my/reviews/").content.decode()
    return body.split('data-testid="review-row"')[1:]


def test_my_reviews_show_the_topic_and_the_call_date(login, agent, supervisor):
    scored = self_score(agent, reference="ZD-TOPIC", days_ago=40)
    Interaction.objects.filter(pk=scored.interaction_id).update(topic="Late delivery refund")
    review(scored.interaction, supervisor)
    occurred = timezone.localtime(Interaction.objects.get(pk=scored.interaction_id).occurred_at)
    (row,) = my_review_rows(login(agent))
    assert "Late delivery refund" in row
    assert occurred.strftime("%-d %b %Y") in row


def test_my_reviews_put_what_needs_the_agent_first(login, agent, supervisor):
    """Unread, then waiting for the agent (a settled dispute to acknowledge among them), then
    disputed and waiting on the supervisor, then done; newest review first within each."""
    from rubrics.disputes import dispute_raise, dispute_resolve
    from rubrics.services import review_acknowledge

    def reviewed(reference, ratings=None):
        interaction = self_score(agent, reference=reference, days_ago=60).interaction
        return review(interaction, supervisor, ratings).interaction

    def dispute(interaction):
        return dispute_raise(
            interaction=interaction, agent=agent, reason="I checked", proposed={"fairness": 4}
        )

    disputed = reviewed("ZD-DISPUTED", {**RATINGS, "fairness": 2})
    dispute(disputed)
    rejected = reviewed("ZD-REJECTED", {**RATINGS, "fairness": 2})
    dispute_resolve(
        dispute=dispute(rejected), resolver=supervisor, decision="rejected", reason="It stands"
    )
    settled = reviewed("ZD-SETTLED", {**RATINGS, "fairness": 2})
    dispute_resolve(
        dispute=dispute(settled), resolver=supervisor, decision="rejected", reason="It stands"
    )
    review_acknowledge(interaction=settled, agent=agent)
    reviewed("ZD-WAITING")
    old_acknowledged = reviewed("ZD-ACK-OLD")
    review_acknowledge(interaction=old_acknowledged, agent=agent)
    acknowledged = reviewed("ZD-ACK-NEW")
    review_acknowledge(interaction=acknowledged, agent=agent)
    unread = reviewed("ZD-UNREAD")
    # When each review was written, oldest first; the acknowledged ones are the newest, and
    # the open dispute's review is older than one of them.
    written = ["ZD-UNREAD", "ZD-DISPUTED", "ZD-ACK-OLD", "ZD-WAITING", "ZD-REJECTED"]
    written += ["ZD-SETTLED", "ZD-ACK-NEW"]
    now = timezone.now()
    for age, reference in enumerate(reversed(written)):
        Evaluation.objects.filter(
            interaction__reference=reference, kind="review", is_current=True
        ).update(created_at=now - timedelta(days=age + 1))
    # The agent has opened every review but one.
    Evaluation.objects.exclude(interaction=unread).filter(kind="review").update(seen_at=now)
    references = [
        reference
        for row in my_review_rows(login(agent))
        for reference in written
        if f">{reference}</a>" in row
    ]
    assert references == [
        "ZD-UNREAD",
        "ZD-REJECTED",
        "ZD-WAITING",
        "ZD-DISPUTED",
        "ZD-ACK-NEW",
        "ZD-SETTLED",
        "ZD-ACK-OLD",
    ]


def test_saving_a_review_of_a_self_scored_interaction_shows_both(login, agent, supervisor):
    interaction = self_score(agent).interaction
    client = login(supervisor)
    saved = client.post(f"/interactions/{interaction.pk}/review/", review_form())
    said = client.get(saved["Location"]).content.decode()
    assert "beside the agent&#x27;s own score" in said
