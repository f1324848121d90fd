"""Request triage: the matrix sets the priority, the queue orders by priority then age."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from checklists.models import TriageRequest
from checklists.services import triage_request_log, triage_request_resolve

pytestmark = pytest.mark.django_db


def log(user, description="Wants a refund outside the window", risk="high", impact="low", age=0):
    triaged = triage_request_log(
        logged_by=user, description=description, ethical_risk=risk, business_impact=impact
    )
    if age:
        TriageRequest.objects.filter(pk=triaged.pk).update(
            created_at=timezone.now() - timedelta(hours=age)
        )
    return triaged


@pytest.fixture
def alices_request(agent):
    return log(agent)


# --- Who may open the pages ---------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, alices_request):
    for url in ["/triage/", "/triage/new/", f"/triage/{alices_request.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "detail_status"),
    [
        ("agent", 200),
        ("other_agent", 404),
        ("supervisor", 200),
        ("other_supervisor", 404),
        ("admin", 200),
    ],
)
def test_each_persona_on_the_triage_pages(login, personas, alices_request, persona, detail_status):
    client = login(personas[persona])
    assert client.get("/triage/new/").status_code == 200
    queue = client.get("/triage/").content.decode()
    assert (f"/triage/{alices_request.pk}/" in queue) == (detail_status == 200)
    assert client.get(f"/triage/{alices_request.pk}/").status_code == detail_status
    resolve = client.post(f"/triage/{alices_request.pk}/resolve/", {"outcome": "Refunded."})
    assert resolve.status_code == (302 if detail_status == 200 else 404)


def test_wrong_methods(login, agent, alices_request):
    client = login(agent)
    assert client.post("/triage/").status_code == 405
    assert client.put("/triage/new/").status_code == 405
    assert client.post(f"/triage/{alices_request.pk}/").status_code == 405
    assert client.get(f"/triage/{alices_request.pk}/resolve/").status_code == 405


# --- Logging --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("risk", "impact", "rank", "priority"),
    [
        ("high", "high", 1, "Immediately"),
        ("high", "low", 2, "Promptly"),
        ("low", "high", 3, "As needed"),
        ("low", "low", 4, "As time permits"),
    ],
)
def test_the_matrix_gives_the_priority(login, agent, north, risk, impact, rank, priority):
    response = login(agent).post(
        "/triage/new/",
        {
            "description": "Asks us to waive a fee",
            "reference": "ZD-77",
            "ethical_risk": risk,
            "business_impact": impact,
        },
        follow=True,
    )
    triaged = TriageRequest.objects.get()
    assert (triaged.rule.rank, triaged.rule.priority) == (rank, priority)
    assert (triaged.logged_by, triaged.team, triaged.reference) == (agent, north, "ZD-77")
    assert f"Priority: {priority.lower()}" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ethical_risk": ""}, "Choose the ethical risk: high or low."),
        ({"business_impact": ""}, "Choose the business impact: high or low."),
        ({"ethical_risk": "medium"}, "Select a valid choice"),
        ({"description": ""}, "This field is required"),
        ({"description": "Call her back on +44 20 7946 0958"}, "phone number"),
        ({"reference": "x" * 65}, "at most 64 characters"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(login, agent, overrides, message):
    data = {
        "description": "Asks us to waive a fee",
        "ethical_risk": "high",
        "business_impact": "low",
    }
    data.update(overrides)
    response = login(agent).post("/triage/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert TriageRequest.objects.count() == 0


def test_missing_risk_is_refused_by_the_service_too(agent):
    with pytest.raises(ValidationError):
        triage_request_log(
            logged_by=agent, description="x", ethical_risk="", business_impact="high"
        )
    assert TriageRequest.objects.count() == 0


# --- The queue ------------------------------------------------------------------------------


def test_queue_orders_by_priority_then_oldest_first(login, admin_user, agent, other_agent):
    log(agent, "low-low old", "low", "low", age=50)
    log(agent, "high-high new", "high", "high", age=1)
    log(other_agent, "high-low oldest", "high", "low", age=90)
    log(agent, "high-high old", "high", "high", age=30)
    log(other_agent, "low-high", "low", "high", age=5)
    log(agent, "high-low newer", "high", "low", age=2)
    resolved = log(agent, "high-high resolved", "high", "high", age=100)
    triage_request_resolve(request=resolved, resolved_by=admin_user, outcome="Done.")

    expected = [
        "high-high old",
        "high-high new",
        "high-low oldest",
        "high-low newer",
        "low-high",
        "low-low old",
    ]
    in_order = [r.description for r in TriageRequest.objects.open().in_queue_order()]
    assert in_order == expected
    body = login(admin_user).get("/triage/").content.decode()
    positions = [body.index(description) for description in expected]
    assert positions == sorted(positions)
    assert "high-high resolved" not in body


def test_agent_queue_holds_her_own_requests(login, agent, other_agent):
    log(agent, "Alice's request")
    log(other_agent, "Oscar's request")
    body = login(agent).get("/triage/").content.decode()
    assert "Alice&#x27;s request" in body and "Oscar" not in body


def test_queue_stays_within_its_query_budget(
    login, supervisor, agent, django_assert_max_num_queries
):
    for number in range(30):
        log(agent, f"Request {number}", age=number)
    client = login(supervisor)
    with django_assert_max_num_queries(8):
        body = client.get("/triage/").content.decode()
    assert body.count('data-testid="triage-row"') == 25


# --- Resolving ------------------------------------------------------------------------------


def test_resolving_needs_an_outcome(login, supervisor, alices_request):
    client = login(supervisor)
    response = client.post(f"/triage/{alices_request.pk}/resolve/", {"outcome": "  "})
    assert "Describe the outcome before resolving" in response.content.decode()
    alices_request.refresh_from_db()
    assert not alices_request.is_resolved

    client.post(f"/triage/{alices_request.pk}/resolve/", {"outcome": "Refund approved by policy."})
    alices_request.refresh_from_db()
    assert alices_request.is_resolved and alices_request.resolved_by == supervisor
    assert alices_request.outcome == "Refund approved by policy."
    resolved = client.get("/triage/?show=resolved").content.decode()
    assert "Refund approved by policy." in resolved
    assert f"/triage/{alices_request.pk}/" not in client.get("/triage/").content.decode()


def test_a_request_is_resolved_once(login, agent, alices_request):
    triage_request_resolve(request=alices_request, resolved_by=agent, outcome="First.")
    response = login(agent).post(f"/triage/{alices_request.pk}/resolve/", {"outcome": "Second."})
    assert "already been resolved" in response.content.decode()
    alices_request.refresh_from_db()
    assert alices_request.outcome == "First."
