"""From a low score to the right words: scripts suggested for criteria rated 1 or 2."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rubrics.models import Rubric
from rubrics.services import interaction_self_score
from scripts_library.models import Script
from scripts_library.selectors import scripts_for_low_ratings

pytestmark = pytest.mark.django_db

GOOD = {"empathy": 4, "accuracy": 5, "fairness": 4, "transparency": 4, "respect": 5}


def self_score(agent, reference="ZD-9001", **ratings):
    values = {**GOOD, **ratings}
    return interaction_self_score(
        agent=agent,
        rubric=Rubric.objects.current(),
        interaction_fields={
            "occurred_at": timezone.now() - timedelta(hours=3),
            "channel": "phone",
            "reference": reference,
            "topic": "Angry caller",
            "summary": "",
        },
        ratings=values,
        comments={key: "Needs work." for key, value in values.items() if value <= 2},
    )


def page(client, evaluation):
    return client.get(f"/interactions/{evaluation.interaction_id}/").content.decode()


def test_a_low_rating_suggests_the_scripts_linked_to_that_criterion(login, agent):
    evaluation = self_score(agent, empathy=2)
    body = page(login(agent), evaluation)
    assert "Words that help" in body
    section = body.split("Words that help")[1]
    assert "Empathy" in section and "rated 2" in section
    for slug in Script.objects.filter(criterion_keys__contains=["empathy"]).values_list(
        "slug", flat=True
    ):
        assert f"/library/scripts/{slug}/" in section
    assert "/library/scripts/gift-or-incentive-offered/" not in section


def test_supervisors_see_the_suggestions_once_they_have_reviewed(login, agent, supervisor):
    from tests.conftest import review

    evaluation = self_score(agent, respect=1)
    client = login(supervisor)
    # Before the review the agent's own low ratings would give their self-score away.
    assert "Words that help" not in page(client, evaluation)
    review(evaluation.interaction, supervisor, {**GOOD, "fairness": 2})
    assert "Words that help" in page(client, evaluation)


def test_no_low_rating_no_suggestions(login, agent):
    assert "Words that help" not in page(login(agent), self_score(agent))


def test_draft_scripts_are_not_suggested(login, agent):
    from training.models import Dilemma

    Script.objects.filter(criterion_keys__contains=["fairness"]).update(status="draft")
    Dilemma.objects.update(published=False)  # nothing else to suggest either
    evaluation = self_score(agent, fairness=2)
    assert "Words that help" not in page(login(agent), evaluation)


def test_the_selector_takes_several_evaluations_and_skips_missing_ones(agent):
    evaluation = self_score(agent, empathy=2, accuracy=1)
    suggestions = scripts_for_low_ratings([None, evaluation, ""])
    assert [(s.criterion_name, s.rating) for s in suggestions] == [("Empathy", 2), ("Accuracy", 1)]
    assert all(s.scripts for s in suggestions)
    assert scripts_for_low_ratings([None, ""]) == []


def test_the_lowest_rating_of_several_evaluations_is_shown(agent):
    first = self_score(agent, empathy=2)
    second = self_score(agent, reference="ZD-9002", empathy=1)
    (suggestion,) = scripts_for_low_ratings([first, second])
    assert suggestion.rating == 1


def test_links_follow_the_criterion_key_into_new_rubric_versions(agent):
    script = Script.objects.get(slug="angry-or-abusive-customer")
    assert script.criterion_keys == ["empathy", "respect"]
    evaluation = self_score(agent, respect=2)
    (suggestion,) = scripts_for_low_ratings([evaluation])
    assert script in suggestion.scripts


def test_the_suggestions_cost_one_query_per_kind(login, agent):
    """One for the scripts, one for the dilemmas to practise (training's registered extra)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(agent)
    used = []
    for number, ratings in enumerate(({}, {"empathy": 2, "respect": 2, "accuracy": 2})):
        evaluation = self_score(agent, reference=f"ZD-{number}", **ratings)
        with CaptureQueriesContext(connection) as queries:
            assert "Words that help" in page(client, evaluation) or not ratings
        used.append(len(queries))
    assert used[1] - used[0] <= 2


def test_a_low_rating_also_suggests_a_dilemma_to_practise(login, agent):
    from training.models import Dilemma

    evaluation = self_score(agent, respect=2)
    section = page(login(agent), evaluation).split("Words that help")[1]
    practised = Dilemma.objects.published().filter(criterion_keys__contains=["respect"])
    assert any(
        f"/training/dilemmas/{pk}/" in section for pk in practised.values_list("pk", flat=True)
    )
    assert "Practise:" in section


def test_unpublished_dilemmas_are_not_suggested(login, agent):
    from training.models import Dilemma

    Dilemma.objects.filter(criterion_keys__contains=["respect"]).update(published=False)
    section = page(login(agent), self_score(agent, respect=2)).split("Words that help")[1]
    assert "/training/dilemmas/" not in section
