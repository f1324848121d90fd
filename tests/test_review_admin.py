"""Interactions, evaluations and disputes in the Django admin: listed, filtered, never edited."""

import pytest

from rubrics.models import Evaluation
from tests.conftest import review, rubric_with_critical, self_score

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(agent, other_agent, supervisor, other_supervisor):
    low = self_score(
        agent,
        {"empathy": 1, "accuracy": 3, "fairness": 3, "transparency": 3, "respect": 3},
        reference="ZD-LOW",
    )
    review(low.interaction, supervisor)
    self_score(other_agent, reference="ZD-SOUTH")
    return low


def test_interaction_list_shows_scores_team_and_reviewer(login, admin_user, records):
    body = login(admin_user).get("/admin/rubrics/interaction/").content.decode()
    assert "ZD-LOW" in body and "ZD-SOUTH" in body
    assert str(records.score) in body and str(records.percent) in body
    assert "North" in body and "sue" in body


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ("flag=flagged", "ZD-LOW", "ZD-SOUTH"),
        ("flag=unflagged", "ZD-SOUTH", "ZD-LOW"),
        ("q=SOUTH", "ZD-SOUTH", "ZD-LOW"),
        ("q=alice", "ZD-LOW", "ZD-SOUTH"),
    ],
)
def test_interaction_filters_and_search(login, admin_user, records, query, present, absent):
    body = login(admin_user).get(f"/admin/rubrics/interaction/?{query}").content.decode()
    assert present in body and absent not in body


def test_interaction_filter_by_team_and_agent(login, admin_user, records, north, agent):
    client = login(admin_user)
    body = client.get(f"/admin/rubrics/interaction/?team__id__exact={north.pk}").content.decode()
    assert "ZD-LOW" in body and "ZD-SOUTH" not in body
    body = client.get(f"/admin/rubrics/interaction/?agent__id__exact={agent.pk}").content.decode()
    assert "ZD-LOW" in body and "ZD-SOUTH" not in body


def test_evaluation_list_and_filters(login, admin_user, records, supervisor):
    client = login(admin_user)
    body = client.get("/admin/rubrics/evaluation/?kind__exact=review").content.decode()
    assert "ZD-LOW" in body and "ZD-SOUTH" not in body and "sue" in body
    body = client.get("/admin/rubrics/evaluation/?flag=flagged").content.decode()
    assert "ZD-LOW" in body and "ZD-SOUTH" not in body
    body = client.get("/admin/rubrics/evaluation/?q=ZD-SOUTH").content.decode()
    assert "ZD-SOUTH" in body and "ZD-LOW" not in body


def test_the_critical_filter_finds_critical_fails_and_nothing_else(
    login, admin_user, agent, records
):
    # Empathy becomes critical: ZD-CRIT rates it 1 on the new version, a critical fail. ZD-LOW
    # gave the same ratings on the version before, where they are only low; ZD-SOUTH is fine.
    rubric_with_critical("empathy")
    same_ratings = {rating.criterion.key: rating.value for rating in records.ratings.all()}
    self_score(agent, same_ratings, reference="ZD-CRIT")
    client = login(admin_user)
    body = client.get("/admin/rubrics/evaluation/?flag=critical").content.decode()
    assert "ZD-CRIT" in body and "\n1 evaluation\n" in body
    assert "ZD-LOW" not in body and "ZD-SOUTH" not in body
    body = client.get("/admin/rubrics/interaction/?flag=critical").content.decode()
    assert "ZD-CRIT" in body and "ZD-LOW" not in body and "ZD-SOUTH" not in body
    body = client.get("/admin/rubrics/evaluation/?flag=flagged").content.decode()
    assert "ZD-CRIT" in body and "ZD-LOW" in body and "ZD-SOUTH" not in body


def test_records_are_read_only(login, admin_user, records):
    client = login(admin_user)
    assert client.get("/admin/rubrics/evaluation/add/").status_code == 403
    page = client.get(f"/admin/rubrics/evaluation/{records.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(f"/admin/rubrics/evaluation/{records.pk}/change/", {"score": "5.00"})
    assert response.status_code == 403
    assert Evaluation.objects.get(pk=records.pk).score == records.score
    assert (
        client.post(f"/admin/rubrics/evaluation/{records.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )


def test_changelists_take_constant_queries(
    login, admin_user, agent, supervisor, django_assert_max_num_queries
):
    for number in range(20):
        review(self_score(agent, reference=f"ZD-{number}").interaction, supervisor)
    client = login(admin_user)
    for url in [
        "/admin/rubrics/interaction/",
        "/admin/rubrics/evaluation/",
        "/admin/rubrics/dispute/",
    ]:
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200, url


def test_people_without_staff_status_cannot_open_the_admin(login, supervisor, agent):
    for user in (agent, supervisor):
        response = login(user).get("/admin/rubrics/evaluation/")
        assert response.status_code == 302 and "/admin/login/" in response.url
