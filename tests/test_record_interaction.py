"""A supervisor records an interaction of one of their agents and reviews it, whether or not the
agent self-scored it; what the agent may do afterwards; the admins-review setting."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rubrics.models import Evaluation, Interaction, Rating
from rubrics.recording import interaction_record
from rubrics.services import review_submit
from rubrics.versions import Rubric
from teams.models import Role
from tests.conftest import RATINGS, make_user, review, rubric_with_critical, self_score
from tests.test_reviews import REVIEW_RATINGS, review_form
from tests.test_self_score import form_data as self_score_form

pytestmark = pytest.mark.django_db


def record_form(**overrides):
    data = {
        "agent": "alice",
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "channel": "phone",
        "reference": "ZD-900",
        "topic": "Billing question",
        "summary": "Explained the new invoice layout.",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def record(recorder, agent_username="alice", reference="ZD-900", **fields):
    return interaction_record(
        recorder=recorder,
        agent_username=agent_username,
        interaction_fields={
            "occurred_at": timezone.now() - timedelta(days=1),
            "channel": "chat",
            "reference": reference,
            "topic": "Billing question",
            **fields,
        },
    )


# Recording, on the page ------------------------------------------------------------------------


def test_supervisor_records_and_goes_straight_to_the_review(login, agent, supervisor):
    client = login(supervisor)
    page = client.get("/reviews/record/")
    assert page.status_code == 200
    assert "Alice (North)" in page.content.decode()
    response = client.post("/reviews/record/", record_form())
    interaction = Interaction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/interactions/{interaction.pk}/review/"
    assert (interaction.agent, interaction.team.name, interaction.recorded_by) == (
        agent,
        "North",
        supervisor,
    )
    assert not interaction.evaluations.exists() and not interaction.review_requested
    # The review of an interaction nobody self-scored is on the current rubric version.
    form = client.get(response["Location"])
    assert "the current version" in form.content.decode()
    assert "after you see the self-score" not in form.content.decode()
    saved = client.post(response["Location"], review_form())
    assert saved.status_code == 302
    said = client.get(saved["Location"]).content.decode()
    assert "The agent has not scored this interaction themselves" in said
    assert "beside the agent&#x27;s own score" not in said
    review_row = Evaluation.objects.get()
    assert (review_row.kind, review_row.author, review_row.rubric) == (
        "review",
        supervisor,
        Rubric.objects.current(),
    )
    detail = client.get(f"/interactions/{interaction.pk}/").content.decode()
    assert 'data-testid="recorded-by">Sue, for review' in detail
    assert 'data-testid="no-self-score"' in detail


def test_review_queue_and_home_link_to_the_record_page(login, settings, supervisor):
    settings.PAGE_CACHE = False  # what the home page shows, not how it is kept
    client = login(supervisor)
    assert 'href="/reviews/record/"' in client.get("/reviews/").content.decode()
    assert 'href="/reviews/record/"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"agent": "oscar"}, "agent", "Choose one of the agents of the teams you review."),
        ({"agent": "nobody"}, "agent", "Choose one of the agents of the teams you review."),
        ({"agent": "sue"}, "agent", "Choose one of the agents of the teams you review."),
        ({"agent": ""}, "agent", "Choose the agent who handled the interaction."),
        ({"reference": ""}, "reference", "This field is required."),
        ({"topic": ""}, "topic", "This field is required."),
        ({"reference": "mail jo@example.com"}, "reference", "e-mail"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_no_record(
    login, agent, other_agent, supervisor, overrides, field, message
):
    response = login(supervisor).post("/reviews/record/", record_form(**overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert not Interaction.objects.exists()


def test_dates_in_the_future_or_over_a_year_ago_are_refused(login, agent, supervisor):
    client = login(supervisor)
    for when, message in [
        (timezone.localtime() + timedelta(days=1), "in the future"),
        (timezone.localtime() - timedelta(days=400), "last year"),
    ]:
        data = record_form(occurred_at=when.strftime("%Y-%m-%dT%H:%M"))
        response = client.post("/reviews/record/", data)
        assert message in " ".join(response.context["form"].errors["occurred_at"])
    assert not Interaction.objects.exists()


def test_a_ticket_the_agent_already_has_is_refused_with_a_link(login, agent, supervisor):
    earlier = self_score(agent, reference="ZD-900").interaction
    response = login(supervisor).post("/reviews/record/", record_form(reference=" zd-900 "))
    errors = " ".join(response.context["form"].errors["reference"])
    assert "alice already has ZD-900 (of " in errors and str(earlier.pk) not in errors
    assert response.context["next_steps"][0]["url"] == f"/interactions/{earlier.pk}/"
    assert Interaction.objects.count() == 1


def test_a_double_clicked_record_stores_one_interaction(login, agent, supervisor):
    client = login(supervisor)
    data = record_form()
    first = client.post("/reviews/record/", data)
    second = client.post("/reviews/record/", data)
    assert Interaction.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_another_supervisors_form_token_is_not_theirs(agent, supervisor, other_supervisor):
    token = uuid.uuid4()
    interaction_record(
        recorder=supervisor,
        agent_username="alice",
        interaction_fields={
            "occurred_at": timezone.now(),
            "channel": "chat",
            "reference": "ZD-1",
            "topic": "Billing",
        },
        submission_token=token,
    )
    make_user("ned", Role.AGENT, team=other_supervisor.led_teams.get())
    with pytest.raises(ValidationError, match="already been used"):
        interaction_record(
            recorder=other_supervisor,
            agent_username="ned",
            interaction_fields={
                "occurred_at": timezone.now(),
                "channel": "chat",
                "reference": "ZD-2",
                "topic": "Billing",
            },
            submission_token=token,
        )
    assert Interaction.objects.count() == 1


@pytest.mark.parametrize("persona", ["agent", "admin"])
def test_agents_and_admins_do_not_record(login, personas, persona):
    client = login(personas[persona])
    assert client.get("/reviews/record/").status_code == 403
    assert client.post("/reviews/record/", record_form()).status_code == 403
    assert not Interaction.objects.exists()


def test_a_supervisor_of_another_team_cannot_record_alice(login, agent, other_supervisor):
    response = login(other_supervisor).post("/reviews/record/", record_form())
    assert response.status_code == 200
    assert not Interaction.objects.exists()


def test_the_record_page_costs_the_same_queries_whatever_the_team_size(
    login, north, supervisor, django_assert_max_num_queries
):
    client = login(supervisor)
    for number in range(2):
        make_user(f"agent{number}", Role.AGENT, team=north)
    with django_assert_max_num_queries(12) as few:
        client.get("/reviews/record/")
    for number in range(2, 30):
        make_user(f"agent{number}", Role.AGENT, team=north)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/reviews/record/")
    assert "agent29" in page.content.decode()


# Reviewing without a self-score ---------------------------------------------------------------


def test_review_of_an_interaction_never_self_scored_uses_the_current_version(agent, supervisor):
    interaction = record(supervisor)
    newer = rubric_with_critical()
    saved = review(interaction, supervisor)
    assert saved.rubric == newer


def test_a_review_of_a_self_scored_interaction_keeps_the_agents_version(agent, supervisor):
    scored = self_score(agent)
    rubric_with_critical()
    assert review(scored.interaction, supervisor).rubric == scored.rubric


def test_a_second_review_is_refused_and_one_is_stored(agent, supervisor):
    interaction = record(supervisor)
    review(interaction, supervisor)
    with pytest.raises(ValidationError, match="already been reviewed"):
        review(interaction, supervisor)
    assert Evaluation.objects.count() == 1
    assert Rating.objects.count() == len(RATINGS)


def test_a_double_clicked_review_submit_stores_one_review(login, agent, supervisor):
    interaction = record(supervisor)
    client = login(supervisor)
    first = client.post(f"/interactions/{interaction.pk}/review/", review_form())
    second = client.post(f"/interactions/{interaction.pk}/review/", review_form())
    assert first.status_code == second.status_code == 302
    assert Evaluation.objects.filter(kind="review").count() == 1


def test_only_supervisors_of_the_team_review_it(agent, supervisor, other_supervisor):
    interaction = record(supervisor)
    with pytest.raises(ValidationError, match="teams you supervise"):
        review(interaction, other_supervisor)
    assert not Evaluation.objects.exists()


# The agent's side -------------------------------------------------------------------------------


def test_the_agent_sees_the_review_in_my_reviews_and_may_acknowledge_it(login, agent, supervisor):
    interaction = record(supervisor)
    review(interaction, supervisor, {**REVIEW_RATINGS, "fairness": 4}, comment="Well handled.")
    client = login(agent)
    body = client.get("/my/reviews/").content.decode()
    assert "ZD-900" in body and "Waiting for you" in body
    detail = client.get(f"/interactions/{interaction.pk}/")
    context = detail.context
    assert context["self_evaluation"] is None and context["review"] is not None
    assert [row["self"] for row in context["comparison"]] == [None] * len(RATINGS)
    assert [row["gap"] for row in context["comparison"]] == [None] * len(RATINGS)
    assert context["may_acknowledge"] and context["may_respond"]
    assert client.post(f"/interactions/{interaction.pk}/acknowledge/").status_code == 302
    assert Evaluation.objects.get(kind="review").acknowledged_at is not None


def test_the_agent_may_dispute_a_review_of_an_interaction_never_self_scored(
    login, agent, supervisor
):
    interaction = record(supervisor)
    review(interaction, supervisor, {**REVIEW_RATINGS, "fairness": 2})
    response = login(agent).post(
        f"/interactions/{interaction.pk}/dispute/",
        {"reason": "I offered the credit.", "propose_fairness": "4"},
    )
    assert response.status_code == 302
    assert interaction.dispute.items.get().proposed_value == 4


def test_self_scoring_after_the_review_is_refused_with_a_link(login, agent, supervisor):
    interaction = record(supervisor)
    review(interaction, supervisor)
    response = login(agent).post("/score/", self_score_form(reference="ZD-900"))
    assert response.status_code == 200
    errors = " ".join(response.context["interaction_form"].errors["reference"])
    assert "already reviewed it, so it can no longer be self-scored" in errors
    assert response.context["next_steps"][0]["url"] == f"/interactions/{interaction.pk}/"
    assert not Evaluation.objects.filter(kind="self").exists()
    assert Interaction.objects.count() == 1


def test_self_scoring_before_the_review_joins_the_recorded_interaction(login, agent, supervisor):
    interaction = record(supervisor)
    client = login(agent)
    detail = client.get(f"/interactions/{interaction.pk}/").content.decode()
    assert "/score/?reference=ZD-900" in detail
    response = client.post("/score/", self_score_form(reference="zd-900", review_requested="on"))
    assert response.status_code == 302
    assert response["Location"] == f"/interactions/{interaction.pk}/"
    assert Interaction.objects.count() == 1
    interaction.refresh_from_db()
    assert interaction.review_requested
    # What the supervisor recorded stays as recorded.
    assert (interaction.topic, interaction.recorded_by) == ("Billing question", supervisor)
    assert interaction.evaluations.get().kind == "self"
    # Then the usual blind rule: the supervisor does not see it until they review.
    assert interaction.self_score_hidden_from(supervisor)
    assert review(interaction, supervisor).rubric == interaction.evaluations.get(kind="self").rubric
    assert not interaction.self_score_hidden_from(supervisor)


def test_the_api_self_score_follows_the_same_decision(agent, supervisor):
    from tests.test_api import api_as, payload

    interaction = record(supervisor, reference="ZD-4821")
    created = api_as(agent).post("/api/v1/interactions/", payload(), format="json")
    assert created.status_code == 201 and created.json()["id"] == interaction.pk
    reviewed = record(supervisor, reference="ZD-77")
    review(reviewed, supervisor)
    refused = api_as(agent).post("/api/v1/interactions/", payload(reference="ZD-77"), format="json")
    assert refused.status_code == 422
    assert "can no longer be self-scored" in refused.json()["reference"][0]
    assert Interaction.objects.count() == 2


# Admins may review, by setting ---------------------------------------------------------------


def test_admins_review_every_team_when_the_setting_is_on(login, settings, agent, admin_user):
    settings.ETHICSKIT_ADMINS_REVIEW = True
    client = login(admin_user)
    response = client.post("/reviews/record/", record_form())
    interaction = Interaction.objects.get()
    assert response["Location"] == f"/interactions/{interaction.pk}/review/"
    assert client.post(response["Location"], review_form()).status_code == 302
    assert Evaluation.objects.get().author == admin_user


def test_admins_reviewing_are_blind_like_supervisors(settings, agent, admin_user):
    scored = self_score(agent).interaction
    assert not scored.self_score_hidden_from(admin_user)
    settings.ETHICSKIT_ADMINS_REVIEW = True
    assert scored.self_score_hidden_from(admin_user)


def test_admins_do_not_review_when_the_setting_is_off(settings, agent, admin_user):
    settings.ETHICSKIT_ADMINS_REVIEW = False
    scored = self_score(agent).interaction
    with pytest.raises(ValidationError):
        review_submit(interaction=scored, reviewer=admin_user, ratings=dict(RATINGS), comments={})
    with pytest.raises(ValidationError, match="not an agent of a team you supervise"):
        record(admin_user)


def test_the_setting_is_decided_in_teams_access(settings, north, south, personas):
    from teams.access import is_reviewer, teams_supervised_by

    admin, supervisor = personas["admin"], personas["supervisor"]
    settings.ETHICSKIT_ADMINS_REVIEW = False
    assert not is_reviewer(admin) and not teams_supervised_by(admin).exists()
    assert list(teams_supervised_by(supervisor)) == [north]
    settings.ETHICSKIT_ADMINS_REVIEW = True
    assert is_reviewer(admin)
    assert set(teams_supervised_by(admin)) == {north, south}
    # Only admins: supervisors and agents keep their own scope.
    assert list(teams_supervised_by(supervisor)) == [north]
    assert not is_reviewer(personas["agent"])
