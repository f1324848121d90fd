"""Service-change reviews: five questions with a risk and a note each, a summary, a decision."""

import pytest
from django.core.exceptions import ValidationError

from checklists.models import Checklist, ServiceChangeAnswer, ServiceChangeReview
from checklists.services import service_change_decide, service_change_review_create

pytestmark = pytest.mark.django_db


def items():
    return Checklist.objects.get(slug="service-change-review").items.filter(is_active=True)


def review_data(risks=("low", "medium", "high", "low", "low"), **overrides):
    data = {
        "title": "Close the phone line on Sundays",
        "description": "Phone support would move to chat only on Sundays from March.",
    }
    for item, risk in zip(items(), risks, strict=True):
        data[f"risk_{item.id}"] = risk
        data[f"note_{item.id}"] = f"Checked {item.title.lower()}."
    data.update(overrides)
    return data


def row_counts():
    return ServiceChangeReview.objects.count(), ServiceChangeAnswer.objects.count()


@pytest.fixture
def review(other_supervisor):
    """Proposed by Sam, so Sue and the admin may decide it."""
    return service_change_review_create(
        proposed_by=other_supervisor,
        title="Paperless bills by default",
        description="New customers get e-bills unless they ask for paper.",
        answers={
            item.id: (risk, "Because.")
            for item, risk in zip(items(), ["high", "medium", "low", "low", "medium"], strict=True)
        },
    )


# --- Who may open the pages ---------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, review):
    for url in [
        "/service-changes/",
        "/service-changes/new/",
        f"/service-changes/{review.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(f"/service-changes/{review.pk}/decide/").status_code == 302


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent", 403),
        ("other_agent", 403),
        ("supervisor", 200),
        ("other_supervisor", 200),
        ("admin", 200),
    ],
)
def test_each_persona_on_the_review_pages(login, personas, review, persona, status):
    client = login(personas[persona])
    assert client.get("/service-changes/").status_code == status
    assert client.get("/service-changes/new/").status_code == status
    assert client.get(f"/service-changes/{review.pk}/").status_code == status
    decide = client.post(f"/service-changes/{review.pk}/decide/", {"decision": "approve"})
    # Sam proposed it: he may open it but not decide it.
    assert decide.status_code == (403 if status == 403 or persona == "other_supervisor" else 302)


def test_nobody_decides_a_change_they_proposed(login, other_supervisor, admin_user, review):
    client = login(other_supervisor)
    page = client.get(f"/service-changes/{review.pk}/").content.decode()
    assert 'data-testid="own-change"' in page and "Record the decision" not in page
    response = client.post(f"/service-changes/{review.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 403
    with pytest.raises(ValidationError, match="another leader records the decision"):
        service_change_decide(review=review, decided_by=other_supervisor, decision="approve")
    review.refresh_from_db()
    assert not review.is_decided
    # An admin's own proposal needs another leader too.
    own = service_change_review_create(
        proposed_by=admin_user,
        title="Shorter hold music",
        description="Hold messages every minute instead of every two.",
        answers={item.id: ("low", "Checked.") for item in items()},
    )
    assert (
        login(admin_user)
        .post(f"/service-changes/{own.pk}/decide/", {"decision": "approve"})
        .status_code
        == 403
    )


def test_agent_cannot_record_a_review(login, agent):
    assert login(agent).post("/service-changes/new/", review_data()).status_code == 403
    assert row_counts() == (0, 0)


def test_missing_review_is_404(login, admin_user):
    assert login(admin_user).get("/service-changes/999999/").status_code == 404


def test_wrong_methods(login, supervisor, review):
    client = login(supervisor)
    assert client.post("/service-changes/").status_code == 405
    assert client.put("/service-changes/new/").status_code == 405
    assert client.post(f"/service-changes/{review.pk}/").status_code == 405
    assert client.get(f"/service-changes/{review.pk}/decide/").status_code == 405


# --- Recording and summarising --------------------------------------------------------------


def test_recording_a_review_saves_the_change_and_five_answers(login, supervisor):
    response = login(supervisor).post("/service-changes/new/", review_data())
    review = ServiceChangeReview.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/service-changes/{review.pk}/"
    assert review.proposed_by == supervisor and not review.is_decided
    assert [a.risk for a in review.answers.all()] == ["low", "medium", "high", "low", "low"]
    assert review.answers.first().item_title == "Impact on vulnerable customers"


def test_summary_counts_each_risk_level_and_names_the_highest(login, admin_user, review):
    body = login(admin_user).get(f"/service-changes/{review.pk}/").content.decode()
    assert '<strong data-testid="highest-risk" class="badge text-bg-danger">High</strong>' in body
    assert "Low: <strong>2</strong>" in body
    assert "Medium: <strong>2</strong>" in body
    assert "High: <strong>1</strong>" in body
    assert "Record the decision" in body


def test_summary_of_an_all_low_review(supervisor):
    review = service_change_review_create(
        proposed_by=supervisor,
        title="Longer chat hours",
        description="Chat opens an hour earlier.",
        answers={item.id: ("low", "Fine.") for item in items()},
    )
    summary = review.risk_summary()
    assert summary["highest"] == "low"
    assert summary["counts"] == [("Low", 5), ("Medium", 0), ("High", 0)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (lambda: {f"risk_{items()[0].id}": ""}, "Rate the risk for “Impact on vulnerable"),
        (lambda: {f"risk_{items()[1].id}": "extreme"}, "Select a valid choice"),
        (lambda: {f"note_{items()[2].id}": ""}, "Add a note for “Transparency of the change”."),
        (lambda: {"title": ""}, "This field is required"),
        (lambda: {"description": "Mail the change to jo@example.com"}, "e-mail address"),
        (
            lambda: {
                f"risk_{Checklist.objects.get(slug='interaction-ethics').items.first().id}": "low"
            },
            "not on this checklist",
        ),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(login, supervisor, overrides, message):
    data = review_data()
    data.update(overrides())
    response = login(supervisor).post("/service-changes/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert row_counts() == (0, 0)


def test_the_service_refuses_missing_or_foreign_answers(supervisor):
    answers = {item.id: ("low", "ok") for item in items()}
    first = next(iter(answers))
    foreign = Checklist.objects.get(slug="interaction-ethics").items.first()
    for bad in [
        {key: value for key, value in answers.items() if key != first},
        {**answers, foreign.id: ("low", "ok")},
        {**answers, first: ("low", "  ")},
    ]:
        with pytest.raises(ValidationError):
            service_change_review_create(
                proposed_by=supervisor, title="T", description="D", answers=bad
            )
    assert row_counts() == (0, 0)


def test_past_reviews_keep_the_question_wording(login, admin_user, review):
    item = items().get(title="Fairness of pricing")
    item.question = "Reworded question?"
    item.save()
    body = login(admin_user).get(f"/service-changes/{review.pk}/").content.decode()
    assert "Reworded question?" not in body
    assert "hidden charges" in body


# --- Deciding -------------------------------------------------------------------------------


def test_decision_records_who_and_when(login, admin_user, review):
    client = login(admin_user)
    response = client.post(f"/service-changes/{review.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.decision, review.decided_by) == ("approve", admin_user)
    assert review.decided_at is not None
    body = client.get(f"/service-changes/{review.pk}/").content.decode()
    assert "Approved" in body and "Record the decision" not in body
    listing = client.get("/service-changes/").content.decode()
    assert "Approved by Ada" in listing


@pytest.mark.parametrize("decision", ["revise", "reject"])
def test_revise_or_reject_needs_a_reason(login, supervisor, review, decision):
    client = login(supervisor)
    response = client.post(f"/service-changes/{review.pk}/decide/", {"decision": decision})
    assert "Say what needs to change" in response.content.decode()
    review.refresh_from_db()
    assert review.decision == "" and review.decided_by is None
    client.post(
        f"/service-changes/{review.pk}/decide/",
        {"decision": decision, "note": "Keep a Sunday phone line for older customers."},
    )
    review.refresh_from_db()
    assert (review.decision, review.decided_by) == (decision, supervisor)


def test_bad_decision_is_refused(login, supervisor, review):
    response = login(supervisor).post(f"/service-changes/{review.pk}/decide/", {"decision": "ok"})
    assert "Select a valid choice" in response.content.decode()
    review.refresh_from_db()
    assert not review.is_decided


def test_a_decision_stands_once_made(login, supervisor, admin_user, review):
    service_change_decide(review=review, decided_by=supervisor, decision="approve")
    response = login(admin_user).post(
        f"/service-changes/{review.pk}/decide/", {"decision": "reject", "note": "No."}
    )
    assert response.status_code == 200
    assert "already approved by sue" in response.content.decode()
    review.refresh_from_db()
    assert (review.decision, review.decided_by) == ("approve", supervisor)


def test_the_list_stays_within_its_query_budget(
    login, supervisor, admin_user, django_assert_max_num_queries
):
    for number in range(30):
        made = service_change_review_create(
            proposed_by=supervisor,
            title=f"Change {number}",
            description="Something.",
            answers={item.id: ("low", "ok") for item in items()},
        )
        if number % 2:
            service_change_decide(review=made, decided_by=admin_user, decision="approve")
    client = login(supervisor)
    with django_assert_max_num_queries(7):
        body = client.get("/service-changes/").content.decode()
    assert body.count("/service-changes/") >= 25
