"""The calibration API: open, score, read; blind until the reveal; everyone else 404."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from calibration.models import CalibrationSession
from teams.models import ApiToken, Role
from tests.conftest import RATINGS, make_user, self_score


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


def api_as(user):
    client = APIClient()
    _, key = ApiToken.issue(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def sid(north):
    return make_user("sid", Role.SUPERVISOR, leads=[north], first_name="Sid")


@pytest.fixture
def interactions(agent):
    return [self_score(agent, reference=f"ZD-API{n}").interaction for n in (1, 2)]


def create(client, interactions, participants, **extra):
    body = {
        "interactions": [each.pk for each in interactions],
        "participants": participants,
        "deadline": (timezone.now() + timedelta(days=1)).isoformat(),
        **extra,
    }
    return client.post("/api/v1/calibrations/", body, format="json")


def test_open_score_and_read(supervisor, sid, interactions):
    sue, sid_api = api_as(supervisor), api_as(sid)
    created = create(sue, interactions, ["sue", "sid"])
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    url = f"/api/v1/calibrations/{pk}/"
    for n, interaction in enumerate(interactions):
        answer = sue.post(
            f"{url}scores/",
            {"interaction": interaction.pk, "ratings": {**RATINGS, "empathy": 3 + n}},
            format="json",
        )
        assert answer.status_code == 201, answer.content
    blind = sid_api.get(url).json()
    assert blind["revealed"] is False
    assert blind["finished"] == ["sue"]
    assert blind["own_scores"] == []
    assert "ratings" not in blind and "alpha" not in blind
    assert len(sue.get(url).json()["own_scores"]) == 2
    for n, interaction in enumerate(interactions):
        sid_api.post(
            f"{url}scores/",
            {"interaction": interaction.pk, "ratings": {**RATINGS, "empathy": 4 + n}},
            format="json",
        )
    revealed = sue.get(url).json()
    assert revealed["revealed"] is True
    assert {
        "interaction": interactions[0].pk,
        "participant": "sid",
        "criterion": "empathy",
        "value": 4,
    } in revealed["ratings"]
    assert len(revealed["ratings"]) == 2 * 2 * len(RATINGS)
    assert revealed["alpha"] is None or len(revealed["alpha"].split(".")[1]) == 3
    assert revealed["alpha_by_criterion"]["accuracy"] is None
    # Empathy units (3, 4) and (4, 5): D_o = (2 + 2) / 4 = 1; values 3, 4, 4, 5 give
    # D_e = 2 (4 * 66 - 16^2) / (4 * 3) = 4/3; alpha = 1 - 3/4.
    assert revealed["alpha_by_criterion"]["empathy"] == "0.250"


def test_outsiders_get_404_and_agents_403(supervisor, sid, other_supervisor, agent, interactions):
    pk = create(api_as(supervisor), interactions, ["sue", "sid"]).json()["id"]
    assert api_as(other_supervisor).get(f"/api/v1/calibrations/{pk}/").status_code == 404
    assert api_as(agent).get(f"/api/v1/calibrations/{pk}/").status_code == 403
    body = {"interaction": interactions[0].pk, "ratings": RATINGS}
    assert (
        api_as(other_supervisor)
        .post(f"/api/v1/calibrations/{pk}/scores/", body, format="json")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    "ratings",
    [
        {**RATINGS, "empathy": 6},
        {**RATINGS, "empathy": "4"},
        {**RATINGS, "empathy": 4.0},
        {"empathy": 4},
    ],
)
def test_bad_ratings_are_400(supervisor, sid, interactions, ratings):
    sue = api_as(supervisor)
    pk = create(sue, interactions, ["sue", "sid"]).json()["id"]
    answer = sue.post(
        f"/api/v1/calibrations/{pk}/scores/",
        {"interaction": interactions[0].pk, "ratings": ratings},
        format="json",
    )
    assert answer.status_code == 400


def test_scoring_twice_is_409(supervisor, sid, interactions):
    sue = api_as(supervisor)
    pk = create(sue, interactions, ["sue", "sid"]).json()["id"]
    body = {"interaction": interactions[0].pk, "ratings": RATINGS}
    assert sue.post(f"/api/v1/calibrations/{pk}/scores/", body, format="json").status_code == 201
    again = sue.post(f"/api/v1/calibrations/{pk}/scores/", body, format="json")
    assert again.status_code == 409
    assert "already scored" in again.content.decode()


def test_a_facilitator_who_is_not_a_participant_cannot_score(
    supervisor, sid, admin_user, interactions
):
    admin = api_as(admin_user)
    pk = create(admin, interactions, ["sue", "sid"]).json()["id"]
    body = {"interaction": interactions[0].pk, "ratings": RATINGS}
    assert admin.get(f"/api/v1/calibrations/{pk}/").status_code == 200
    assert admin.post(f"/api/v1/calibrations/{pk}/scores/", body, format="json").status_code == 422


def test_sessions_against_the_rules_are_422(supervisor, sid, other_agent, interactions):
    sue = api_as(supervisor)
    south = self_score(other_agent, reference="ZD-SOUTH1").interaction
    assert create(sue, [south], ["sue", "sid"]).status_code == 422
    past = create(
        sue,
        interactions,
        ["sue", "sid"],
        deadline=(timezone.now() - timedelta(hours=1)).isoformat(),
    )
    assert past.status_code == 422
    assert "future" in past.content.decode()
    assert create(sue, interactions, ["sue", "alice"]).status_code == 422
    assert not CalibrationSession.objects.exists()
