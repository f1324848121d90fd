"""The score form without JavaScript: every level's words and every comment box are in the page,
the chosen level marked, and the scripts that make it compact and keep a draft are our own."""

import re

import pytest
from django.utils.html import escape

from tests.conftest import self_score

pytestmark = pytest.mark.django_db

LEVELS = re.compile(r'<span class="level-text">— ([^<]+)</span>')


def test_every_level_of_every_criterion_is_in_the_page(login, agent):
    from rubrics.models import Rubric

    body = login(agent).get("/score/").content.decode()
    rubric = Rubric.objects.current()
    for criterion in rubric.criteria.all():
        for text in criterion.levels.values():
            assert f"— {escape(text)}</span>" in body, criterion.key
    assert len(LEVELS.findall(body)) >= 5 * rubric.criteria.count()
    for criterion in rubric.criteria.all():
        assert f'id="id_comment_{criterion.key}"' in body
        assert f'id="criterion-{criterion.key}-chosen"' in body
    # The chosen level's words show only once the script runs: without it they are hidden.
    assert re.search(r'class="chosen-level[^"]*"[^>]*hidden', body)
    assert "/static/js/compact_levels.js" in body and "/static/js/score_draft.js" in body
    assert "<script>" not in body  # no inline script: the CSP allows none


def test_a_form_sent_back_keeps_the_chosen_level_checked_with_all_five_shown(login, agent):
    response = login(agent).post(
        "/score/",
        {"rating_empathy": "4", "rating_accuracy": "2", "reference": "", "topic": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200
    checked = re.search(r'<input[^>]+name="rating_empathy"[^>]+value="4" checked', body)
    assert checked
    empathy = body.split('data-criterion="empathy"')[1].split("</fieldset>")[0]
    assert len(LEVELS.findall(empathy)) == 5
    # Sent back after a POST, the page does not offer to restore an older draft over it.
    assert "data-draft-restore" not in body


def test_the_draft_key_names_the_user_and_the_page(login, agent):
    body = login(agent).get("/score/").content.decode()
    assert f'data-draft-key="{agent.pk}:/score/"' in body
    assert "data-draft-restore" in body


def test_the_review_form_shares_the_compact_levels(login, agent, supervisor):
    interaction = self_score(agent).interaction
    body = login(supervisor).get(f"/interactions/{interaction.pk}/review/").content.decode()
    assert "/static/js/compact_levels.js" in body
    assert f'data-draft-key="{supervisor.pk}:/interactions/{interaction.pk}/review/"' in body
