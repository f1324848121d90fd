"""The self-scoring page, the live total, corrections and who may see what."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rubrics.models import Evaluation, Interaction, Rating, Rubric
from tests.conftest import self_score

pytestmark = pytest.mark.django_db

RATINGS = {"empathy": 4, "accuracy": 5, "fairness": 3, "transparency": 4, "respect": 5}


def form_data(**overrides):
    data = {
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "channel": "phone",
        "reference": "ZD-4821",
        "topic": "Refund request",
        "summary": "Customer asked why a refund took two weeks.",
        "rubric_version": str(Rubric.objects.current().version),
        "submission_token": str(uuid.uuid4()),
    }
    for key, value in RATINGS.items():
        data[f"rating_{key}"] = str(value)
        data[f"comment_{key}"] = ""
    data.update(overrides)
    return data


def row_counts():
    return Interaction.objects.count(), Evaluation.objects.count(), Rating.objects.count()


def submit(client, **overrides):
    return client.post("/score/", form_data(**overrides))


@pytest.fixture
def scored(agent):
    """An interaction Alice has already self-scored, through the service."""
    from rubrics.services import interaction_self_score

    return interaction_self_score(
        agent=agent,
        rubric=Rubric.objects.current(),
        interaction_fields={
            "occurred_at": timezone.now() - timedelta(days=2),
            "channel": "chat",
            "reference": "FD-1001",
            "topic": "Discount request",
            "summary": "",
        },
        ratings=RATINGS,
        comments={},
    )


# --- Who may open the pages ---------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    for url in ["/score/", "/my/scores/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["supervisor", "admin"])
def test_only_agents_self_score(login, personas, persona):
    client = login(personas[persona])
    assert client.get("/score/").status_code == 403
    assert client.get("/my/scores/").status_code == 403


def test_agent_sees_every_criterion_with_its_levels(login, agent):
    body = login(agent).get("/score/").content.decode()
    rubric = Rubric.objects.current()
    for criterion in rubric.criteria.all():
        assert f'name="rating_{criterion.key}"' in body
        assert criterion.level_1 in body and criterion.level_5 in body
    assert 'hx-post="/score/preview/"' in body


def test_score_page_rejects_wrong_method(login, agent):
    assert login(agent).put("/score/").status_code == 405


# --- Saving ---------------------------------------------------------------------------------


def test_submit_saves_interaction_and_evaluation_with_the_engines_score(login, agent, north):
    response = submit(login(agent))
    interaction = Interaction.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/interactions/{interaction.pk}/"
    )
    evaluation = interaction.evaluations.get()
    assert (interaction.agent, interaction.team) == (agent, north)
    assert evaluation.kind == "self" and evaluation.author == agent
    assert evaluation.score == Decimal("4.20") and evaluation.percent == Decimal("80.0")
    assert evaluation.rubric == Rubric.objects.current()
    assert {r.criterion.key: r.value for r in evaluation.ratings.all()} == RATINGS


@pytest.mark.parametrize("earlier", [0, 40])
def test_submit_takes_the_same_queries_whatever_was_scored_before(
    login, agent, earlier, django_assert_num_queries
):
    for number in range(earlier):
        self_score(agent, days_ago=number % 20, reference=f"OLD-{number}")
    client, data = login(agent), form_data()
    # Session, user, roles; the rubric and its criteria (once for the form, the engine and the
    # ratings); membership; the token's twin; the interaction, evaluation and ratings
    # with their audit entries; the two rollup contributions and their upserts; 2 savepoints
    # and their releases (the test's own transaction turns the outer atomic into one).
    with django_assert_num_queries(21):
        response = client.post("/score/", data)
    assert response.status_code == 302
    assert Evaluation.objects.filter(author=agent).count() == earlier + 1


def test_a_twin_that_commits_after_the_check_still_gets_the_first_record(agent, monkeypatch):
    from rubrics import services

    token = uuid.uuid4()
    first = self_score(agent, submission_token=token)
    # The second click's check runs before the first one commits: it sees nothing, inserts,
    # and meets the token's unique index.
    real_lookup, calls = services._self_evaluation_for_token, []

    def late(token):
        calls.append(token)
        return None if len(calls) == 1 else real_lookup(token)

    monkeypatch.setattr(services, "_self_evaluation_for_token", late)
    assert self_score(agent, submission_token=token) == first
    assert len(calls) == 2 and row_counts() == (1, 1, 5)


def test_a_conflict_other_than_the_token_is_not_called_a_reused_form(agent, monkeypatch):
    from django.db import IntegrityError

    from rubrics import services

    def broken(**kwargs):
        raise IntegrityError("some other rule")

    monkeypatch.setattr(services, "_evaluation_save", broken)
    with pytest.raises(IntegrityError):
        self_score(agent, submission_token=uuid.uuid4())
    assert row_counts() == (0, 0, 0)


def test_double_submit_creates_one_record(login, agent):
    client = login(agent)
    data = form_data()
    first = client.post("/score/", data)
    second = client.post("/score/", data)
    assert row_counts() == (1, 1, 5)
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rating_empathy": ""}, "Rate Empathy from 1 to 5."),
        ({"rating_empathy": "7"}, "Select a valid choice"),
        ({"rating_fairness": "na"}, "Select a valid choice"),
        ({"rating_respect": "<script>"}, "Select a valid choice"),
        ({"rubric_version": "999"}, "The rubric changed while you were scoring"),
        ({"topic": "x" * 121}, "at most 120 characters"),
        ({"summary": "y" * 1001}, "at most 1000 characters"),
        ({"reference": ""}, "This field is required"),
        ({"channel": "fax"}, "Select a valid choice"),
        ({"occurred_at": "not a date"}, "Enter a valid date/time"),
        ({"summary": "Customer jane.doe@example.com was upset"}, "e-mail address"),
        ({"reference": "+44 20 7946 0958"}, "phone number"),
        ({"comment_accuracy": "Card 4111 1111 1111 1111 read out"}, "payment card number"),
        ({"rating_accuracy": "2", "comment_accuracy": ""}, "needs a comment"),
        ({"rating_empathy": "1", "comment_empathy": "   "}, "needs a comment"),
        ({"comment_empathy": "z" * 1001}, "at most 1000 characters"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(login, agent, overrides, message):
    response = submit(login(agent), **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert row_counts() == (0, 0, 0)


def test_future_time_is_refused(login, agent):
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = submit(login(agent), occurred_at=future)
    assert "in the future" in response.content.decode()
    assert row_counts() == (0, 0, 0)


def test_low_rating_with_comment_is_saved(login, agent):
    submit(login(agent), rating_accuracy="2", comment_accuracy="Quoted the old price first.")
    rating = Rating.objects.get(criterion__key="accuracy")
    assert (rating.value, rating.comment) == (2, "Quoted the old price first.")


def test_agent_without_a_team_is_told_so(client, django_user_model):
    from django.contrib.auth.models import Group

    loner = django_user_model.objects.create_user("loner", password="x")
    loner.groups.add(Group.objects.get(name="Agent"))
    client.force_login(loner)
    response = client.post("/score/", form_data())
    assert "not in a team" in response.content.decode()
    assert row_counts() == (0, 0, 0)


def test_html_in_text_is_escaped_on_the_detail_page(login, agent):
    client = login(agent)
    submit(client, topic="<b>bold</b> & <script>alert(1)</script>")
    body = client.get(f"/interactions/{Interaction.objects.get().pk}/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- The live total -------------------------------------------------------------------------


def test_preview_scores_ratings_picked_so_far(login, agent):
    client = login(agent)
    data = {"rubric_version": "1", "rating_empathy": "5", "rating_accuracy": "3"}
    body = client.post("/score/preview/", data, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="score-total"' in body
    assert "<html" not in body
    assert '<span data-testid="live-score">4.00</span>' in body
    assert "2 of 5 criteria rated" in body


def test_preview_of_everything_matches_the_saved_score(login, agent):
    client = login(agent)
    body = client.post("/score/preview/", form_data()).content.decode()
    assert '<span data-testid="live-score">4.20</span>' in body and "80.0" in body


def test_preview_ignores_garbage_and_unknown_versions(login, agent):
    client = login(agent)
    body = client.post("/score/preview/", {"rubric_version": "1", "rating_empathy": "99"}).content
    assert b"Pick a rating" in body
    assert client.post("/score/preview/", {"rubric_version": "abc"}).status_code == 404
    assert client.get("/score/preview/").status_code == 405


# --- Visibility -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent", 200),
        ("other_agent", 404),
        ("supervisor", 200),
        ("other_supervisor", 404),
        ("admin", 200),
    ],
)
def test_interaction_detail_visibility(login, personas, scored, persona, status):
    response = login(personas[persona]).get(f"/interactions/{scored.interaction_id}/")
    assert response.status_code == status


def test_detail_of_a_missing_interaction_is_404(login, agent):
    assert login(agent).get("/interactions/999999/").status_code == 404


# --- Corrections ----------------------------------------------------------------------------


def test_correction_creates_a_revision_and_keeps_the_original(login, agent, scored):
    client = login(agent)
    data = form_data(rating_fairness="5", reason="I misread the refund policy when scoring.")
    response = client.post(f"/interactions/{scored.interaction_id}/correct/", data)
    assert response.status_code == 302
    original, revised = Evaluation.objects.order_by("revision")
    assert (original.revision, original.is_current, original.score) == (1, False, Decimal("4.20"))
    assert (revised.revision, revised.is_current, revised.supersedes) == (2, True, original)
    assert revised.revision_reason == "I misread the refund policy when scoring."
    assert revised.score == Decimal("4.60")
    assert Rating.objects.filter(evaluation=original).get(criterion__key="fairness").value == 3
    body = client.get(f"/interactions/{scored.interaction_id}/").content.decode()
    assert "I misread the refund policy" in body and "superseded" in body


def test_correction_needs_a_reason_and_saves_nothing_without_one(login, agent, scored):
    response = login(agent).post(
        f"/interactions/{scored.interaction_id}/correct/", form_data(reason="")
    )
    assert "Say why you are correcting this score." in response.content.decode()
    assert Evaluation.objects.count() == 1 and Evaluation.objects.get().is_current


@pytest.mark.parametrize("persona", ["other_agent", "supervisor", "admin"])
def test_only_the_author_can_correct(login, personas, scored, persona):
    response = login(personas[persona]).get(f"/interactions/{scored.interaction_id}/correct/")
    assert response.status_code in (403, 404)
    assert response.status_code == (403 if persona != "other_agent" else 404)
