"""The decision framework: six steps saved together, team visibility, overdue follow-ups."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from checklists.models import DecisionRecord
from checklists.services import decision_record_create, decision_record_follow_up

pytestmark = pytest.mark.django_db

STEP_FIELDS = {
    "issue": "A customer asks us to backdate a cancellation.",
    "values_at_stake": "Fairness to other customers against goodwill.",
    "facts": "The request came 10 days after renewal.",
    "policies": "The cancellation policy allows 14 days.",
    "alternatives": "Refuse; backdate; offer a partial credit; escalate.",
    "consequences": "Backdating is within policy and keeps trust.",
    "decision": "Backdate, since the policy allows it.",
    "actions": "Process the cancellation and confirm in writing.",
}


def form_data(**overrides):
    data = {**STEP_FIELDS, "follow_up_on": (timezone.localdate() + timedelta(days=7)).isoformat()}
    data.update(overrides)
    return data


def record_for(user, follow_up_in_days=7):
    record = decision_record_create(
        author=user,
        fields={**STEP_FIELDS, "follow_up_on": timezone.localdate() + timedelta(days=7)},
    )
    if follow_up_in_days != 7:
        # Records are made with a future date; time passing is what makes them overdue.
        DecisionRecord.objects.filter(pk=record.pk).update(
            follow_up_on=timezone.localdate() + timedelta(days=follow_up_in_days)
        )
        record.refresh_from_db()
    return record


@pytest.fixture
def alices_record(agent):
    return record_for(agent)


# --- Who may open the pages ---------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, alices_record):
    for url in ["/decisions/", "/decisions/new/", f"/decisions/{alices_record.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "detail_status", "follow_up_status"),
    [
        ("agent", 200, 302),
        ("other_agent", 404, 404),
        ("supervisor", 200, 403),
        ("other_supervisor", 404, 404),
        ("admin", 200, 403),
    ],
)
def test_each_persona_on_the_decision_pages(
    login, personas, alices_record, persona, detail_status, follow_up_status
):
    client = login(personas[persona])
    assert client.get("/decisions/new/").status_code == 200
    listing = client.get("/decisions/").content.decode()
    assert (f"/decisions/{alices_record.pk}/" in listing) == (detail_status == 200)
    assert client.get(f"/decisions/{alices_record.pk}/").status_code == detail_status
    response = client.post(f"/decisions/{alices_record.pk}/follow-up/", {"note": "It worked."})
    assert response.status_code == follow_up_status
    alices_record.refresh_from_db()
    assert (alices_record.followed_up_at is not None) == (follow_up_status == 302)


def test_wrong_methods(login, agent, alices_record):
    client = login(agent)
    assert client.post("/decisions/").status_code == 405
    assert client.put("/decisions/new/").status_code == 405
    assert client.post(f"/decisions/{alices_record.pk}/").status_code == 405
    assert client.get(f"/decisions/{alices_record.pk}/follow-up/").status_code == 405


# --- The guided form ------------------------------------------------------------------------


def test_the_form_walks_the_six_steps(login, agent):
    body = login(agent).get("/decisions/new/").content.decode()
    for position, title in enumerate(
        [
            "Identify the issue",
            "Gather information",
            "Consider alternatives",
            "Evaluate consequences",
            "Make a decision",
            "Act and monitor",
        ],
        start=1,
    ):
        assert f"Step {position}: {title}" in body
    # One fieldset per step, and one for what the decision decided (interaction, triage request).
    assert body.count("<fieldset") == 7
    assert "What it decided" in body


def test_saving_a_decision_keeps_every_step(login, agent, north):
    response = login(agent).post("/decisions/new/", form_data())
    record = DecisionRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/decisions/{record.pk}/"
    assert (record.author, record.team) == (agent, north)
    for name, value in STEP_FIELDS.items():
        assert getattr(record, name) == value
    assert record.follow_up_on == timezone.localdate() + timedelta(days=7)


def test_follow_up_today_is_allowed(login, agent):
    login(agent).post("/decisions/new/", form_data(follow_up_on=timezone.localdate().isoformat()))
    assert DecisionRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"follow_up_on": (timezone.localdate() - timedelta(days=1)).isoformat()},
            "The follow-up date cannot be in the past.",
        ),
        ({"follow_up_on": ""}, "This field is required"),
        ({"follow_up_on": "next week"}, "Enter a valid date"),
        ({"alternatives": ""}, "This field is required"),
        ({"decision": "   "}, "This field is required"),
        ({"facts": "Her card is 4111 1111 1111 1111"}, "payment card number"),
        ({"issue": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(login, agent, overrides, message):
    response = login(agent).post("/decisions/new/", form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert DecisionRecord.objects.count() == 0


def test_the_service_refuses_a_past_follow_up(agent):
    with pytest.raises(ValidationError, match="cannot be in the past"):
        decision_record_create(
            author=agent,
            fields={**STEP_FIELDS, "follow_up_on": timezone.localdate() - timedelta(days=1)},
        )
    assert DecisionRecord.objects.count() == 0


# --- Overdue follow-ups ---------------------------------------------------------------------


def test_overdue_means_past_due_and_not_followed_up(agent):
    due_yesterday = record_for(agent, follow_up_in_days=-1)
    due_today = record_for(agent, follow_up_in_days=0)
    due_later = record_for(agent, follow_up_in_days=3)
    done_late = record_for(agent, follow_up_in_days=-5)
    decision_record_follow_up(record=done_late, note="Checked; all fine.")

    assert list(DecisionRecord.objects.overdue()) == [due_yesterday]
    assert due_yesterday.is_overdue
    assert not due_today.is_overdue and not due_later.is_overdue
    done_late.refresh_from_db()
    assert not done_late.is_overdue


def test_supervisor_sees_the_team_overdue_follow_ups_flagged(
    login, supervisor, agent, other_agent, django_assert_max_num_queries
):
    overdue = record_for(agent, follow_up_in_days=-2)
    on_time = record_for(agent, follow_up_in_days=5)
    oscars_overdue = record_for(other_agent, follow_up_in_days=-2)
    client = login(supervisor)
    with django_assert_max_num_queries(8):
        body = client.get("/decisions/").content.decode()
    assert f"/decisions/{overdue.pk}/" in body and f"/decisions/{on_time.pk}/" in body
    assert f"/decisions/{oscars_overdue.pk}/" not in body
    assert body.count('class="table-danger"') == 1
    assert "<strong>1</strong> follow-up overdue" in body

    only_overdue = client.get("/decisions/?only=overdue").content.decode()
    assert f"/decisions/{overdue.pk}/" in only_overdue
    assert f"/decisions/{on_time.pk}/" not in only_overdue
    detail = client.get(f"/decisions/{overdue.pk}/").content.decode()
    assert "has not been recorded" in detail and "Mark followed up" not in detail


def test_the_owner_marks_the_follow_up_done(login, agent):
    record = record_for(agent, follow_up_in_days=-1)
    client = login(agent)
    assert "Mark followed up" in client.get(f"/decisions/{record.pk}/").content.decode()
    client.post(f"/decisions/{record.pk}/follow-up/", {"note": "Customer confirmed; no complaint."})
    record.refresh_from_db()
    assert record.followed_up_at is not None and not record.is_overdue
    assert record.follow_up_note == "Customer confirmed; no complaint."
    assert DecisionRecord.objects.overdue().count() == 0


def test_follow_up_needs_a_note_and_happens_once(login, agent, alices_record):
    client = login(agent)
    response = client.post(f"/decisions/{alices_record.pk}/follow-up/", {"note": ""})
    assert "Say how the decision turned out." in response.content.decode()
    alices_record.refresh_from_db()
    assert alices_record.followed_up_at is None
    decision_record_follow_up(record=alices_record, note="Done.")
    response = client.post(f"/decisions/{alices_record.pk}/follow-up/", {"note": "Again."})
    assert "already been followed up" in response.content.decode()
    alices_record.refresh_from_db()
    assert alices_record.follow_up_note == "Done."


def test_the_list_stays_within_its_query_budget(
    login, admin_user, agent, django_assert_max_num_queries
):
    for number in range(30):
        record_for(agent, follow_up_in_days=-1 if number % 3 == 0 else 4)
    client = login(admin_user)
    with django_assert_max_num_queries(8):
        body = client.get("/decisions/").content.decode()
    assert "<strong>10</strong> follow-ups overdue" in body
