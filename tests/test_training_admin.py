"""Dilemmas in the admin: responses inline, history kept, and no half-made dilemma published."""

import pytest

from training.models import Dilemma

pytestmark = pytest.mark.django_db


def form(options, *, published=True):
    data = {
        "title": "Refund to a friend",
        "slug": "refund-to-a-friend",
        "channel": "chat",
        "situation": "A friend asks you to speed up their refund.",
        "what_you_know": "",
        "criterion_keys": "fairness",
        "published": "on" if published else "",
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "3",
        "options-MAX_NUM_FORMS": "4",
    }
    for index, (verdict, text) in enumerate(options):
        data |= {
            f"options-{index}-position": str(index + 1),
            f"options-{index}-text": text,
            f"options-{index}-verdict": verdict,
            f"options-{index}-feedback": f"Why {text.lower()} is {verdict}.",
        }
    return data


def test_a_complete_dilemma_is_published_with_history(login, admin_user):
    client = login(admin_user)
    response = client.post(
        "/admin/training/dilemma/add/",
        form([("best", "Pass it on"), ("acceptable", "Say no"), ("harmful", "Do it")]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dilemma = Dilemma.objects.get(slug="refund-to-a-friend")
    assert dilemma.published and dilemma.options.count() == 3
    assert dilemma.history.count() == 1


def test_a_published_dilemma_needs_a_harmful_response(login, admin_user):
    client = login(admin_user)
    response = client.post(
        "/admin/training/dilemma/add/",
        form([("best", "Pass it on"), ("acceptable", "Say no"), ("acceptable", "Ask")]),
    )
    assert response.status_code == 200
    assert "Mark at least one response as harmful." in response.content.decode()
    assert not Dilemma.objects.exists() or not Dilemma.objects.filter(slug="refund-to-a-friend")


def test_an_unfinished_draft_may_be_saved(login, admin_user):
    client = login(admin_user)
    data = form([("best", "Pass it on"), ("acceptable", "Say no"), ("acceptable", "Ask")])
    response = client.post("/admin/training/dilemma/add/", {**data, "published": ""})
    assert response.status_code == 302
    assert not Dilemma.objects.get(slug="refund-to-a-friend").published


def test_two_best_responses_are_refused_even_in_a_draft(login, admin_user):
    client = login(admin_user)
    data = form([("best", "Pass it on"), ("best", "Say no"), ("harmful", "Do it")])
    response = client.post("/admin/training/dilemma/add/", {**data, "published": ""})
    assert response.status_code == 200
    assert "Only one response can be the best." in response.content.decode()
    assert not Dilemma.objects.filter(slug="refund-to-a-friend").exists()
