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
    # ratings); membership; the ticket's lock; the token's twin; an earlier score of the same ticket;
    # the interaction, evaluation and ratings with their audit entries; the two rollup
    # contributions and their upserts; 2 savepoints and their releases (the test's own
    # transaction turns the outer atomic into one); the agent's cached home page dropped, once
    # for the interaction and once for the evaluation (PostgreSQL sends the one notice).
    with django_assert_num_queries(25):
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
        ({"topic": "x" * 121}, "Keep the topic to 120 characters or fewer"),
        ({"summary": "y" * 1001}, "Keep the summary to 1000 characters or fewer"),
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


# --- One ticket, one score ------------------------------------------------------------------
# Scoring the same ticket twice would count it twice in every average: the service refuses a
# ticket reference the agent has already scored (ignoring case and surrounding spaces), for
# the page and the API alike, and points at the earlier interaction and its correction page.


def test_the_service_refuses_a_ticket_the_agent_has_already_scored(agent):
    from django.core.exceptions import ValidationError

    first = self_score(agent, reference="ZD-90009")
    with pytest.raises(ValidationError) as caught:
        self_score(agent, reference="  zd-90009 ", submission_token=uuid.uuid4())
    (message,) = caught.value.message_dict["reference"]
    assert "ZD-90009" in message and f"interaction {first.interaction_id}" not in message
    assert "correct" in message
    assert row_counts() == (1, 1, 5)


def test_another_agent_may_score_the_same_ticket_and_so_may_another_reference(agent, other_agent):
    self_score(agent, reference="ZD-90009")
    self_score(other_agent, reference="ZD-90009")
    self_score(agent, reference="ZD-90010")
    assert row_counts() == (3, 3, 15)


def test_the_page_shows_the_earlier_score_and_offers_to_correct_it(login, agent):
    first = self_score(agent, reference="ZD-90009")
    response = submit(login(agent), reference="zd-90009")
    body = response.content.decode()
    assert response.status_code == 200
    assert "You have already scored ZD-90009" in body
    assert f'href="/interactions/{first.interaction_id}/"' in body
    assert f'href="/interactions/{first.interaction_id}/correct/"' in body
    assert 'href="#id_reference"' in body  # the error summary's link to the field
    assert row_counts() == (1, 1, 5)


def test_a_reviewed_earlier_score_is_shown_without_the_closed_correction_link(
    login, agent, supervisor
):
    from tests.conftest import review

    first = self_score(agent, reference="ZD-90009")
    review(first.interaction, supervisor)
    body = submit(login(agent), reference="ZD-90009").content.decode()
    assert f'href="/interactions/{first.interaction_id}/"' in body
    assert f'href="/interactions/{first.interaction_id}/correct/"' not in body
    assert "already been reviewed" in body


def test_the_api_refuses_a_ticket_already_scored_with_a_422_on_reference(agent):
    from rest_framework.test import APIClient

    from teams.models import ApiToken

    self_score(agent, reference="ZD-90009")
    _, key = ApiToken.issue(user=agent, name="tests")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = {
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "channel": "phone",
        "reference": "zd-90009",
        "topic": "Refund request",
        "summary": "",
        "self_evaluation": {"ratings": dict(RATINGS), "comments": {}},
    }
    response = api.post("/api/v1/interactions/", body, format="json")
    assert response.status_code == 422
    assert "ZD-90009 (of " in str(response.json())
    assert "reference" in str(response.json())
    assert row_counts() == (1, 1, 5)


def test_the_same_form_saved_again_lands_on_the_first_record_and_says_so(login, agent):
    client, data = login(agent), form_data(reference="ZD-90009")
    first = client.post("/score/", data, follow=True)
    assert "Saved: you scored ZD-90009" in first.content.decode()
    again = client.post("/score/", data, follow=True)
    assert row_counts() == (1, 1, 5)
    assert again.redirect_chain == first.redirect_chain
    body = again.content.decode()
    assert "You already saved this interaction" in body
    assert "Saved: you scored" not in body


# --- Errors at the top of the form ----------------------------------------------------------


def assert_error_summary(body, *field_ids):
    assert "data-error-summary" in body and 'tabindex="-1"' in body
    assert 'role="alert"' in body
    summary = body.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert "<h2" in summary
    for field_id in field_ids:
        assert f'href="#{field_id}"' in summary
    assert "/static/js/error_summary" in body


def test_a_failed_self_score_lists_each_error_at_the_top_with_a_link(login, agent):
    body = submit(
        login(agent), rating_accuracy="2", comment_accuracy="", reference=""
    ).content.decode()
    assert_error_summary(body, "id_reference", "id_comment_accuracy")
    assert body.index("data-error-summary") < body.index('name="reference"')
    assert "needs a comment" in body.split("data-error-summary", 1)[1].split("</div>", 1)[0]


def test_a_missing_rating_links_to_its_first_choice(login, agent):
    body = submit(login(agent), rating_empathy="").content.decode()
    assert_error_summary(body, "id_rating_empathy_0")
    assert 'id="id_rating_empathy_0"' in body


def test_a_failed_correction_lists_its_errors_at_the_top(login, agent, scored):
    body = (
        login(agent)
        .post(
            f"/interactions/{scored.interaction_id}/correct/",
            form_data(rating_fairness="1", comment_fairness="", reason=""),
        )
        .content.decode()
    )
    assert_error_summary(body, "id_comment_fairness", "id_reason")


def test_a_failed_review_lists_its_errors_at_the_top(login, supervisor, scored):
    body = (
        login(supervisor)
        .post(
            f"/interactions/{scored.interaction_id}/review/",
            form_data(rating_respect="2", comment_respect=""),
        )
        .content.decode()
    )
    assert_error_summary(body, "id_comment_respect")


def test_a_clean_form_has_no_summary_but_carries_the_low_rating_hint(login, agent):
    body = login(agent).get("/score/").content.decode()
    assert "data-error-summary" not in body
    # The hint the script shows when a 1 or 2 is picked: the rule's own message, per level.
    assert 'id="low-rating-messages"' in body and "needs a comment" in body
    assert 'id="comment_empathy-hint"' in body or 'id="id_comment_empathy-hint"' in body
    assert "/static/js/low_rating_hint" in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_forms_saving_one_ticket_at_once_store_it_once(agent):
    """A second submission of the same ticket (another tab, another form token) waits for the
    first to commit, then sees it and is refused."""
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection, transaction

    outcome = {}

    def second_tab():
        try:
            self_score(agent, reference="zd-race", submission_token=uuid.uuid4())
        except ValidationError as error:
            outcome["error"] = error.message_dict
        else:
            outcome["saved"] = True
        finally:
            connection.close()

    with transaction.atomic():
        self_score(agent, reference="ZD-RACE", submission_token=uuid.uuid4())
        other = threading.Thread(target=second_tab)
        other.start()
        other.join(timeout=1)
        assert other.is_alive(), "the second submission did not wait for the first"
    other.join(timeout=10)
    assert "reference" in outcome.get("error", {}), outcome
    assert Interaction.objects.filter(agent=agent).count() == 1


# --- The topic's limit ---------------------------------------------------------------------


def topic_input(body):
    import re

    return re.search(r"<input[^>]*\bid=\"id_topic\"[^>]*>", body).group(0)


def test_the_topic_says_its_limit_and_counts_without_cutting(login, agent):
    body = login(agent).get("/score/").content.decode()
    field = topic_input(body)
    # A maxlength would make the browser drop what is typed or pasted past 120, unseen.
    assert "maxlength" not in field
    assert 'data-character-limit="120"' in field
    assert 'aria-describedby="id_topic_helptext"' in field
    assert '<div id="id_topic_helptext" class="form-text">Up to 120 characters.</div>' in body
    assert '<script src="/static/js/character_count.js" defer></script>' in body


def test_a_topic_over_120_characters_is_refused_whole_and_nothing_is_saved(login, agent):
    long_topic = "Refund request " + "x" * 106
    assert len(long_topic) == 121
    response = submit(login(agent), topic=long_topic)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Keep the topic to 120 characters or fewer: this one has 121." in body
    # Given back whole, to shorten: not cut to fit.
    assert f'value="{long_topic}"' in topic_input(body)
    assert row_counts() == (0, 0, 0)
    response = submit(login(agent), topic=long_topic[:120])
    assert response.status_code == 302
    assert Interaction.objects.get().topic == long_topic[:120]


def test_the_summary_is_counted_too_and_a_longer_one_is_refused_whole(login, agent):
    import re

    body = login(agent).get("/score/").content.decode()
    summary = re.search(r"<textarea[^>]*\bid=\"id_summary\"[^>]*>", body).group(0)
    assert "maxlength" not in summary and 'data-character-limit="1000"' in summary
    assert "Leave out customers' personal details. Up to 1000 characters." in body
    long_summary = "The caller waited. " * 52 + "x" * 13
    assert len(long_summary) == 1001
    body = submit(login(agent), summary=long_summary).content.decode()
    assert "Keep the summary to 1000 characters or fewer: this one has 1001." in body
    assert long_summary in body  # given back whole, to shorten
    assert row_counts() == (0, 0, 0)
