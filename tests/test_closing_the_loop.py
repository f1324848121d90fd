"""Triage and decisions close the loop: owners and due days from the matrix, decision records
linked to what they decided, and the discount playbook's counts against its target."""

import math
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.services import concern_raise
from checklists.models import DecisionRecord, TriageRequest
from checklists.services import (
    decision_record_create,
    triage_request_log,
    triage_request_resolve,
)
from scripts_library.models import Playbook
from tests.conftest import make_user, self_score
from tests.test_decision_records import STEP_FIELDS, form_data

pytestmark = pytest.mark.django_db

CELL = {  # rank -> (ethical risk, business impact), as the default matrix has them
    1: ("high", "high"),
    2: ("high", "low"),
    3: ("low", "high"),
    4: ("low", "low"),
}


def log(user, rank=1, topic="", description="Wants a discount they do not qualify for"):
    risk, impact = CELL[rank]
    return triage_request_log(
        logged_by=user,
        description=description,
        ethical_risk=risk,
        business_impact=impact,
        topic=topic,
    )


# --- Owners and due days -------------------------------------------------------------------


@time_machine.travel(datetime(2026, 5, 14, 9), tick=False)
def test_the_rank_sets_the_due_day_and_immediately_means_today(agent, supervisor):
    assert [r.rule.priority for r in (log(agent, rank) for rank in CELL)] == [
        "Immediately",
        "Promptly",
        "As needed",
        "As time permits",
    ]
    due = {t.rule.rank: t.due_on for t in TriageRequest.objects.all()}
    today = date(2026, 5, 14)
    assert due == {
        1: today,
        2: today + timedelta(days=1),
        3: today + timedelta(days=7),
        4: today + timedelta(days=30),
    }


def test_owners(agent, other_agent, supervisor, admin_user, north):
    # An agent's request goes to the team's first supervisor by username.
    make_user("zoe", "Supervisor", leads=[north])
    assert log(agent).owner == supervisor
    # Leaders own what they log themselves.
    assert log(supervisor).owner == supervisor and log(admin_user).owner == admin_user
    # South has no supervisor here: an admin owns it.
    assert log(other_agent).owner == admin_user


def test_overdue_and_the_queue(login, agent, supervisor):
    late = log(agent, rank=1)
    TriageRequest.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(1))
    late.refresh_from_db()
    assert late.is_overdue and not log(agent, rank=4).is_overdue
    page = login(supervisor).get("/triage/").content.decode()
    assert page.count("Overdue") == 1 and "Sue" in page


def test_resolving_says_how_it_was_handled(login, agent, supervisor):
    triaged = log(agent, topic="discount")
    client = login(supervisor)
    bad = client.post(f"/triage/{triaged.pk}/resolve/", {"outcome": "No.", "handling": "maybe"})
    assert bad.status_code == 200 and not TriageRequest.objects.get(pk=triaged.pk).is_resolved
    ok = client.post(
        f"/triage/{triaged.pk}/resolve/", {"outcome": "Declined kindly.", "handling": "declined"}
    )
    assert ok.status_code == 302
    assert TriageRequest.objects.get(pk=triaged.pk).handling == "declined"
    with pytest.raises(ValidationError):
        triage_request_resolve(
            request=log(agent), resolved_by=supervisor, outcome="x", handling="?"
        )


def test_the_form_logs_a_discount_request(login, agent, supervisor):
    response = login(agent).post(
        "/triage/new/",
        {
            "description": "Asks for the staff discount",
            "topic": "discount",
            "ethical_risk": "high",
            "business_impact": "high",
        },
    )
    assert response.status_code == 302
    triaged = TriageRequest.objects.get()
    assert (triaged.topic, triaged.owner, triaged.due_on) == (
        "discount",
        supervisor,
        timezone.localdate(),
    )


# --- Decisions linked to what they decided -----------------------------------------------


def test_a_decision_names_the_interaction_and_triage_request(login, agent, other_agent):
    interaction = self_score(agent, reference="ZD-DEC").interaction
    triaged = log(agent)
    client = login(agent)
    page = client.get(f"/decisions/new/?triage={triaged.pk}&interaction={interaction.pk}")
    assert page.context["form"]["triage_request"].value() == triaged.pk
    response = client.post(
        "/decisions/new/",
        form_data(interaction=interaction.pk, triage_request=triaged.pk),
    )
    assert response.status_code == 302
    record = DecisionRecord.objects.get()
    assert (record.interaction, record.triage_request) == (interaction, triaged)
    body = client.get(f"/decisions/{record.pk}/").content.decode()
    assert "ZD-DEC" in body and f"/triage/{triaged.pk}/" in body
    # Someone else's interaction is not one to link.
    oscars = self_score(other_agent, reference="ZD-OSC").interaction
    refused = client.post("/decisions/new/", form_data(interaction=oscars.pk))
    assert refused.status_code == 200 and DecisionRecord.objects.count() == 1
    with pytest.raises(ValidationError):
        decision_record_create(
            author=agent,
            fields={**STEP_FIELDS, "follow_up_on": timezone.localdate(), "interaction": oscars},
        )


def test_a_case_links_its_decision(login, agent, supervisor, other_supervisor, admin_user):
    case, _ = concern_raise(
        reporter=agent, category="gift", description="A voucher.", anonymous=False
    )
    sues = decision_record_create(
        author=supervisor, fields={**STEP_FIELDS, "follow_up_on": timezone.localdate()}
    )
    admins = decision_record_create(
        author=admin_user, fields={**STEP_FIELDS, "follow_up_on": timezone.localdate()}
    )
    url = f"/cases/{case.pk}/decisions/"
    assert login(agent).post(url, {"decision": sues.pk}).status_code == 403
    assert login(other_supervisor).post(url, {"decision": sues.pk}).status_code == 404
    client = login(supervisor)
    # Sue cannot see the admin's decision, so she cannot link it.
    assert client.post(url, {"decision": admins.pk}).status_code == 400
    assert client.post(url, {"decision": "x"}).status_code == 400
    assert client.post(url, {"decision": sues.pk}).status_code == 302
    assert list(case.decisions.all()) == [sues]
    assert f"/decisions/{sues.pk}/" in client.get(f"/cases/{case.pk}/").content.decode()


# --- The discount playbook's counts ----------------------------------------------------------

MID_QUARTER = datetime(2026, 5, 14, 12)  # Q2 runs from 1 April; Q1 from 1 January


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def discount_requests(agent, other_agent, supervisor, admin_user):
    """Written rows: (when, person, topic, handling)."""
    plan = [
        (datetime(2026, 1, 5, 10), agent, "discount", "declined"),
        (datetime(2026, 2, 9, 10), agent, "discount", ""),
        (datetime(2026, 3, 31, 20), agent, "discount", "escalated"),
        (datetime(2026, 3, 2, 10), other_agent, "discount", ""),
        (datetime(2026, 1, 20, 10), agent, "", ""),
        (datetime(2026, 4, 1, 9), agent, "discount", "declined"),
        (datetime(2026, 4, 20, 9), agent, "discount", "escalated"),
        (datetime(2026, 5, 2, 9), agent, "discount", ""),
        (datetime(2026, 5, 3, 9), other_agent, "discount", "declined"),
        (datetime(2026, 5, 4, 9), agent, "", "declined"),
        (datetime(2025, 12, 31, 9), agent, "discount", ""),
    ]
    for moment, person, topic, handling in plan:
        with at(moment):
            triaged = log(person, topic=topic)
            if handling:
                triage_request_resolve(
                    request=triaged, resolved_by=admin_user, outcome="Done.", handling=handling
                )
    return plan


def expected(plan, people):
    def count(start, end, handling=None):
        return sum(
            1
            for moment, person, topic, how in plan
            if person in people
            and topic == "discount"
            and start <= moment.date() < end
            and (handling is None or how == handling)
        )

    this, last, end = date(2026, 4, 1), date(2026, 1, 1), date(2026, 5, 15)
    figures = {
        "triaged": count(this, end),
        "declined": count(this, end, "declined"),
        "escalated": count(this, end, "escalated"),
        "previous": count(last, this),
    }
    figures["target"] = math.floor(figures["previous"] * 0.9) if figures["previous"] else None
    return figures


@pytest.mark.parametrize("viewer", ["agent", "supervisor", "admin"])
def test_the_playbook_counts_what_the_viewer_may_see(
    login, personas, discount_requests, viewer, django_assert_max_num_queries
):
    playbook = Playbook.objects.get(slug="slightly-shady-discount-request")
    assert (playbook.triage_topic, playbook.target_change_percent) == ("discount", -10)
    seen = {
        "agent": {personas["agent"]},
        "supervisor": {personas["agent"]},
        "admin": {personas["agent"], personas["other_agent"]},
    }[viewer]
    client = login(personas[viewer])
    with at(MID_QUARTER), django_assert_max_num_queries(10):
        response = client.get(f"/library/playbooks/{playbook.slug}/")
    counts = response.context["counts"]
    figures = expected(discount_requests, seen)
    assert {key: counts[key] for key in figures} == figures
    assert counts["on_track"] == (figures["triaged"] <= figures["target"])
    body = response.content.decode()
    assert f'data-testid="count-triaged">{figures["triaged"]}<' in body
    assert f"at most {figures['target']} this quarter" in body
