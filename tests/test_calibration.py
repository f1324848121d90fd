"""Calibration sessions: opening, blind scoring, the reveal, agreed ratings as worked examples,
and calibration scores kept out of every review figure."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from calibration.models import CalibrationScore, CalibrationSession
from calibration.services import (
    calibration_agree,
    calibration_reveal_due,
    calibration_score_submit,
    calibration_session_open,
)
from notifications.models import Notification
from rubrics.models import Evaluation, ScoreRollup
from teams.models import Role
from tests.conftest import RATINGS, make_user, self_score

LOW = {**RATINGS, "fairness": 1}


@pytest.fixture
def sue2(north):
    """A second supervisor of North."""
    return make_user("sid", Role.SUPERVISOR, leads=[north], first_name="Sid")


@pytest.fixture
def interactions(agent):
    return [self_score(agent, reference=f"ZD-CAL{n}").interaction for n in (1, 2)]


def open_session(facilitator, interactions, people, **extra):
    return calibration_session_open(
        facilitator=facilitator,
        interaction_ids=[each.pk for each in interactions],
        participant_usernames=[each.username for each in people],
        deadline=timezone.now() + timedelta(days=2),
        **extra,
    )


def score(session, person, interaction, ratings=RATINGS, comments=None):
    return calibration_score_submit(
        session=session,
        participant=person,
        interaction=interaction,
        ratings=ratings,
        comments=comments or {},
    )


@pytest.fixture
def session(supervisor, sue2, admin_user, interactions):
    return open_session(supervisor, interactions, [supervisor, sue2, admin_user])


def score_all(session, people, interactions):
    for n, person in enumerate(people):
        for interaction in interactions:
            score(session, person, interaction, {**RATINGS, "empathy": 3 + n % 2})


def test_opening_tells_the_participants(session, supervisor, sue2, admin_user):
    told = Notification.objects.filter(kind="calibration_waiting")
    assert set(told.values_list("recipient", flat=True)) == {supervisor.pk, sue2.pk, admin_user.pk}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"deadline": timezone.now() - timedelta(hours=1)}, "deadline"),
        ({"participant_usernames": ["sue"]}, "participants"),
        ({"participant_usernames": ["sue", "alice"]}, "participants"),
        ({"participant_usernames": ["sue", "nobody"]}, "participants"),
        ({"interaction_ids": []}, "interactions"),
        ({"benchmark_username": "sam"}, "benchmark"),
    ],
)
def test_bad_sessions_are_refused_whole(supervisor, other_supervisor, interactions, change, field):
    arguments = {
        "facilitator": supervisor,
        "interaction_ids": [each.pk for each in interactions],
        "participant_usernames": ["sue", "sam"][: 2 if field != "participants" else 2],
        "deadline": timezone.now() + timedelta(days=1),
        **change,
    }
    if field == "benchmark":
        arguments["participant_usernames"] = ["sue", "ada"]
    with pytest.raises(ValidationError) as error:
        calibration_session_open(**arguments)
    assert field in error.value.message_dict
    assert not CalibrationSession.objects.exists()


def test_an_interaction_of_another_team_is_refused(supervisor, other_supervisor, other_agent):
    south = self_score(other_agent, reference="ZD-S1").interaction
    with pytest.raises(ValidationError) as error:
        open_session(supervisor, [south], [supervisor, other_supervisor])
    assert "interactions" in error.value.message_dict
    # An admin calibrates any team's interactions.


def test_an_admin_opens_a_session_on_any_team(
    admin_user, supervisor, other_supervisor, other_agent
):
    south = self_score(other_agent, reference="ZD-S1").interaction
    session = open_session(admin_user, [south], [supervisor, other_supervisor])
    assert list(session.interactions.all()) == [south]


def test_an_agent_cannot_open_one(agent, supervisor, sue2, interactions):
    with pytest.raises(ValidationError):
        open_session(agent, interactions, [supervisor, sue2])


def test_bad_scores_are_refused(session, supervisor, other_supervisor, interactions):
    first = interactions[0]
    with pytest.raises(ValidationError, match="participants"):
        score(session, other_supervisor, first)
    with pytest.raises(ValidationError, match="from 1 to 5"):
        score(session, supervisor, first, {**RATINGS, "empathy": 6})
    with pytest.raises(ValidationError, match="missing"):
        score(session, supervisor, first, {"empathy": 4})
    score(session, supervisor, first)
    with pytest.raises(ValidationError, match="already scored"):
        score(session, supervisor, first)
    assert CalibrationScore.objects.count() == 1


def test_no_score_after_the_deadline(session, supervisor, interactions):
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        with pytest.raises(ValidationError, match="closed"):
            score(session, supervisor, interactions[0])


def test_revealed_when_everyone_has_scored(session, supervisor, sue2, admin_user, interactions):
    score_all(session, [supervisor, sue2], interactions)
    session.refresh_from_db()
    assert session.revealed_at is None
    score_all(session, [admin_user], interactions)
    session.refresh_from_db()
    assert session.revealed_at is not None
    # Empathy 3, 4, 3 on both interactions; every other criterion agreed exactly.
    assert session.alpha_by_criterion["accuracy"] is None  # no variation: undefined
    assert session.alpha_by_criterion["empathy"] is not None
    assert session.alpha is not None
    assert Notification.objects.filter(text__contains="is revealed").count() == 3


def test_the_periodic_task_reveals_at_the_deadline(session, supervisor, sue2, interactions):
    score_all(session, [supervisor, sue2], interactions)
    assert calibration_reveal_due() == 0
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert calibration_reveal_due() == 1
    session.refresh_from_db()
    assert session.revealed_at is not None


def test_calibration_scores_are_not_reviews(
    session, supervisor, sue2, admin_user, interactions, agent
):
    evaluations = Evaluation.objects.count()
    rollups = ScoreRollup.objects.count()
    score_all(session, [supervisor, sue2, admin_user], interactions)
    assert Evaluation.objects.count() == evaluations
    assert not Evaluation.objects.filter(kind="review").exists()
    assert ScoreRollup.objects.count() == rollups


def test_agreed_ratings_become_worked_examples(
    login, session, supervisor, sue2, admin_user, interactions, agent
):
    score_all(session, [supervisor, sue2, admin_user], interactions)
    session.refresh_from_db()
    with pytest.raises(ValidationError, match="facilitator"):
        calibration_agree(
            session=session,
            facilitator=sue2,
            interaction=interactions[0],
            criterion_key="fairness",
            value=3,
            note="Offered the standard refund.",
        )
    calibration_agree(
        session=session,
        facilitator=supervisor,
        interaction=interactions[0],
        criterion_key="fairness",
        value=3,
        note="Offered the standard refund.",
    )
    page = login(agent).get("/score/").content.decode()
    assert "Offered the standard refund." in page
    assert "ZD-CAL1" in page
    assert "Alice" not in page.split("Worked examples", 1)[1].split("</details>")[0]


def test_no_agreement_before_the_reveal(session, supervisor, interactions):
    with pytest.raises(ValidationError, match="after the reveal"):
        calibration_agree(
            session=session,
            facilitator=supervisor,
            interaction=interactions[0],
            criterion_key="fairness",
            value=3,
            note="Too early.",
        )


# Pages -----------------------------------------------------------------------------------------


def test_blind_before_the_reveal_on_every_page(
    login, session, supervisor, sue2, admin_user, interactions
):
    score(
        session,
        sue2,
        interactions[0],
        {**RATINGS, "empathy": 1},
        {"empathy": "Cut the customer off."},
    )
    for person in (supervisor, admin_user, sue2):
        client = login(person)
        detail = client.get(f"/calibrations/{session.pk}/").content.decode()
        form = client.get(
            f"/calibrations/{session.pk}/interactions/{interactions[0].pk}/score/"
        ).content.decode()
        listing = client.get("/calibrations/").content.decode()
        for page in (form, listing):
            assert "Cut the customer off." not in page
        if person != sue2:
            assert "Cut the customer off." not in detail
            assert "empathy 1" not in detail
        assert "side-by-side" not in detail
        # The agent's own score is not shown either.
        assert "Self-score" not in form


def test_scoring_through_the_page(login, session, supervisor, interactions):
    client = login(supervisor)
    url = f"/calibrations/{session.pk}/interactions/{interactions[0].pk}/score/"
    data = {"rubric_version": interactions[0].evaluations.get().rubric.version}
    data |= {f"rating_{key}": str(value) for key, value in RATINGS.items()}
    response = client.post(url, data)
    assert response.status_code == 302
    assert CalibrationScore.objects.filter(participant=supervisor).count() == 1
    again = client.post(url, data)
    assert again.status_code == 200
    assert CalibrationScore.objects.filter(participant=supervisor).count() == 1


def test_the_revealed_page(login, session, supervisor, sue2, admin_user, interactions):
    score_all(session, [supervisor, sue2, admin_user], interactions)
    page = login(sue2).get(f"/calibrations/{session.pk}/").content.decode()
    assert 'data-testid="side-by-side"' in page
    assert "Krippendorff" in page
    assert "Sid" in page and "Sue" in page


def test_outsiders_do_not_find_a_session(login, session, other_supervisor, agent):
    assert login(other_supervisor).get(f"/calibrations/{session.pk}/").status_code == 404
    assert login(agent).get(f"/calibrations/{session.pk}/").status_code == 403


def test_opening_through_the_page(login, supervisor, sue2, interactions):
    client = login(supervisor)
    assert client.get("/calibrations/new/").status_code == 200
    response = client.post(
        "/calibrations/new/",
        {
            "interactions": [each.pk for each in interactions],
            "participants": [supervisor.pk, sue2.pk],
            "deadline": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    past = client.post(
        "/calibrations/new/",
        {
            "interactions": [each.pk for each in interactions],
            "participants": [supervisor.pk, sue2.pk],
            "deadline": (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert past.status_code == 200
    assert "in the future" in past.content.decode()
    assert CalibrationSession.objects.count() == 1


def test_the_list_page_has_constant_queries(
    login, supervisor, sue2, interactions, django_assert_max_num_queries
):
    client = login(supervisor)
    for _ in range(4):
        open_session(supervisor, interactions, [supervisor, sue2])
    with django_assert_max_num_queries(14):
        assert client.get("/calibrations/").status_code == 200


def test_calibration_scores_appear_on_no_agent_page_dashboard_or_export(
    login, session, supervisor, sue2, admin_user, interactions, agent
):
    mark = "Calibration-only remark about the refund."
    for person in (supervisor, sue2, admin_user):
        for interaction in interactions:
            score(session, person, interaction, {**RATINGS, "fairness": 1}, {"fairness": mark})
    agent_client = login(agent)
    for path in ["/my/scores/", "/my/reviews/", *(f"/interactions/{i.pk}/" for i in interactions)]:
        page = agent_client.get(path).content.decode()
        assert mark not in page, path
        assert "Calibration session" not in page, path
    leader = login(admin_user)
    dashboard = leader.get("/dashboard/")
    assert mark not in dashboard.content.decode()
    export = b"".join(leader.get("/dashboard/export.csv").streaming_content).decode()
    assert mark not in export
    assert not any(",review," in line for line in export.splitlines())


def test_the_list_counts_every_participant_for_each_viewer(
    login, session, supervisor, sue2, admin_user, interactions
):
    score_all(session, [supervisor, sue2, admin_user], interactions)
    for person in (supervisor, sue2, admin_user):
        page = login(person).get("/calibrations/").content.decode()
        assert "6 of 6" in page, person
