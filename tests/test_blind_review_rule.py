"""The blind-review rule itself (rubrics.models): which figures must leave out unreviewed
self-scores, for each way of naming the teams. tests/test_blind_review.py checks the pages."""

import pytest

from rubrics.models import Interaction, self_scores_blind_for
from teams.models import Role, Team
from tests.conftest import make_user, review, self_score

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("given_as", ["objects", "ids", "queryset"])
def test_figures_over_a_team_sue_reviews_are_blind_however_the_teams_are_given(
    supervisor, north, south, given_as
):
    teams = {
        "objects": [south, north],
        "ids": [south.pk, north.pk],
        "queryset": Team.objects.filter(pk__in=[south.pk, north.pk]),
    }[given_as]
    assert self_scores_blind_for(supervisor, teams) is True


@pytest.mark.parametrize("given_as", ["objects", "ids", "queryset"])
def test_figures_over_teams_sue_does_not_review_are_not_blind(supervisor, south, given_as):
    teams = {
        "objects": [south],
        "ids": [south.pk],
        "queryset": Team.objects.filter(pk=south.pk),
    }[given_as]
    assert self_scores_blind_for(supervisor, teams) is False


def test_figures_shown_to_an_agent_or_a_plain_admin_are_not_blind(agent, admin_user, north):
    assert self_scores_blind_for(agent, [north]) is False
    assert self_scores_blind_for(admin_user, [north]) is False


def test_the_hidden_self_score_is_sues_unreviewed_interaction_only(
    agent, supervisor, other_supervisor, admin_user
):
    waiting = self_score(agent, reference="ZD-WAIT").interaction
    done = self_score(agent, reference="ZD-DONE").interaction
    review(done, supervisor)
    assert set(Interaction.objects.self_score_hidden_from(supervisor)) == {waiting}
    assert list(Interaction.objects.self_score_hidden_from(other_supervisor)) == []
    assert list(Interaction.objects.self_score_hidden_from(admin_user)) == []
    assert list(Interaction.objects.self_score_hidden_from(agent)) == []
    assert waiting.self_score_hidden_from(supervisor) is True
    assert done.self_score_hidden_from(supervisor) is False
    hidden = dict(
        Interaction.objects.with_self_score_hidden(supervisor).values_list(
            "reference", "self_score_hidden"
        )
    )
    assert hidden == {"ZD-WAIT": True, "ZD-DONE": False}


def test_a_supervisor_never_reviews_their_own_interaction(supervisor, north, agent):
    player_coach = make_user("pat", Role.AGENT, team=north, leads=[north])
    player_coach.groups.add(*supervisor.groups.all())
    own = self_score(player_coach, reference="ZD-OWN").interaction
    alices = self_score(agent, reference="ZD-ALICE").interaction
    assert set(Interaction.objects.reviewable_by(player_coach)) == {alices}
    assert own not in Interaction.objects.self_score_hidden_from(player_coach)
