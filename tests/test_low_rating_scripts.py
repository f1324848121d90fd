"""From a low score to the right words: scripts suggested for criteria rated 1 or 2."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rubrics.models import Rubric
from rubrics.services import interaction_self_score
from scripts_library.low_ratings import scripts_for_low_ratings
from scripts_library.models import Script, SearchEntry

pytestmark = pytest.mark.django_db

GOOD = {"empathy": 4, "accuracy": 5, "fairness": 4, "transparency": 4, "respect": 5}


def self_score(agent, reference="ZD-9001", notes=None, **ratings):
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
        comments=notes or {key: "Needs work." for key, value in values.items() if value <= 2},
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
    SearchEntry.objects.update(published=False)  # not even for the note's words
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
    """One for the scripts, one for the dilemmas to practise (training's registered extra),
    three for what the notes' words find (common words, typo guesses, then the matches), for
    any number of notes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(agent)
    used = []
    for number, ratings in enumerate(({}, {"empathy": 2, "respect": 2, "accuracy": 2})):
        evaluation = self_score(agent, reference=f"ZD-{number}", **ratings)
        with CaptureQueriesContext(connection) as queries:
            assert "Words that help" in page(client, evaluation) or not ratings
        used.append(len(queries))
    assert used[1] - used[0] <= 5


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


PROMISE = "Told the customer the replacement would arrive by Friday, which we could not promise."


def test_a_note_about_a_promise_suggests_the_mistake_of_promising_too_much(login, agent):
    evaluation = self_score(agent, fairness=2, notes={"fairness": PROMISE})
    (suggestion,) = scripts_for_low_ratings([evaluation])
    titles = [match.title for match in suggestion.from_note]
    assert titles[0] == "Promising what you can't deliver"
    assert suggestion.from_note[0].kind_label == "Common mistakes"
    section = page(login(agent), evaluation).split("Words that help")[1]
    found = section.index("Promising what you can&#x27;t deliver")
    assert "On the note" in section
    # The note's match comes before the scripts linked to Fairness by the criterion alone.
    for slug in Script.objects.filter(criterion_keys__contains=["fairness"]).values_list(
        "slug", flat=True
    ):
        assert section.index(f"/library/scripts/{slug}/") > found


def test_the_same_rating_with_another_note_finds_other_words(agent):
    evaluation = self_score(
        agent, fairness=2, notes={"fairness": "Offered a discount to one caller only."}
    )
    (suggestion,) = scripts_for_low_ratings([evaluation])
    assert "Promising what you can't deliver" not in [m.title for m in suggestion.from_note]
    assert suggestion.from_note


def test_a_note_finds_only_published_entries(agent):
    SearchEntry.objects.filter(title="Promising what you can't deliver").update(published=False)
    evaluation = self_score(agent, fairness=2, notes={"fairness": PROMISE})
    (suggestion,) = scripts_for_low_ratings([evaluation])
    assert "Promising what you can't deliver" not in [m.title for m in suggestion.from_note]


def test_a_note_with_a_typo_still_finds_its_match(agent):
    evaluation = self_score(
        agent, fairness=2, notes={"fairness": "Made a promsie we can't deliver."}
    )
    (suggestion,) = scripts_for_low_ratings([evaluation])
    assert "Promising what you can't deliver" in [m.title for m in suggestion.from_note]
