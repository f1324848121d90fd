"""Raising a concern: named and anonymous reports, the concern pages, and the anonymity guarantee
(concerns are worked as cases: tests/test_cases.py)."""

import json
import logging
import re
from datetime import time

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from cases.models import Case
from cases.services import case_status_change, concern_raise, pending_reports_deliver
from checklists.models import Concern
from checklists.services import concern_report
from teams.models import AuditEntry

pytestmark = pytest.mark.django_db

REPORT = {
    "category": "gift",
    "description": "A supplier offered concert tickets in exchange for faster refunds.",
}


@pytest.fixture
def alices_concern(agent):
    return concern_report(
        reporter=agent,
        category="violation",
        description="A refund was promised that policy does not allow.",
        anonymous=False,
    )


# --- Who may open the pages ---------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, alices_concern):
    for url in [
        "/concerns/",
        "/concerns/new/",
        "/concerns/queue/",
        f"/concerns/{alices_concern.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "queue_status", "detail_status", "update_status"),
    [
        ("agent", 403, 200, 403),
        ("other_agent", 403, 404, 403),
        ("supervisor", 403, 404, 403),
        ("other_supervisor", 403, 404, 403),
        ("admin", 302, 200, 302),
    ],
)
def test_each_persona_on_the_concern_pages(
    login, personas, alices_concern, persona, queue_status, detail_status, update_status
):
    client = login(personas[persona])
    assert client.get("/concerns/").status_code == 200
    assert client.get("/concerns/new/").status_code == 200
    assert client.get("/concerns/queue/").status_code == queue_status
    assert client.get(f"/concerns/{alices_concern.pk}/").status_code == detail_status
    response = client.post(f"/concerns/{alices_concern.pk}/update/", {"status": "investigating"})
    assert response.status_code == update_status
    alices_concern.refresh_from_db()
    # Its status follows its case, so the old update address changes nothing for anyone.
    assert alices_concern.status == "new"


def test_someone_without_a_role_can_still_report(client, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", password="x")
    client.force_login(newcomer)
    client.post("/concerns/new/", REPORT)
    assert Concern.objects.get().reporter == newcomer


def test_wrong_methods(login, agent, admin_user, alices_concern):
    assert login(agent).post("/concerns/").status_code == 405
    assert login(agent).put("/concerns/new/").status_code == 405
    client = login(admin_user)
    assert client.post("/concerns/queue/").status_code == 405
    assert client.post(f"/concerns/{alices_concern.pk}/").status_code == 405
    assert client.get(f"/concerns/{alices_concern.pk}/update/").status_code == 405


# --- Named reports --------------------------------------------------------------------------


def test_a_named_report_is_linked_and_its_reporter_follows_it(login, agent, admin_user):
    client = login(agent)
    response = client.post("/concerns/new/", REPORT)
    concern = Concern.objects.get()
    assert response.status_code == 302 and response["Location"] == "/concerns/"
    assert (concern.reporter, concern.is_anonymous, concern.status) == (agent, False, "new")
    assert f"/concerns/{concern.pk}/" in client.get("/concerns/").content.decode()

    case_status_change(
        case=concern.case, status="closed", outcome="Supplier warned; tickets declined."
    )
    page = client.get(f"/concerns/{concern.pk}/").content.decode()
    assert '<strong data-testid="concern-status">Closed</strong>' in page
    assert "Supplier warned; tickets declined." in page
    assert "Work this concern" not in page
    assert "Gift or incentive offered" in client.get("/concerns/").content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category": ""}, "Choose what kind of concern this is."),
        ({"category": "gossip"}, "Select a valid choice"),
        ({"description": ""}, "Describe what happened."),
        ({"description": "The caller gave her number, 07700 900123"}, "phone number"),
        ({"description": "z" * 4001}, "at most 4000 characters"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(login, agent, overrides, message):
    response = login(agent).post("/concerns/new/", {**REPORT, **overrides})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Concern.objects.count() == 0


# --- Anonymous reports ----------------------------------------------------------------------


def rows_referencing(user) -> dict[str, int]:
    """For every model (auto-created M2M tables too), the rows pointing at `user`, per field."""
    user_model = get_user_model()
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is user_model:
                if isinstance(field, models.ManyToManyField):
                    continue  # counted through its auto-created table
                label = f"{model._meta.label}.{field.name}"
                counts[label] = model._default_manager.filter(**{field.name: user}).count()
    return counts


def text_values(instance) -> list[str]:
    return [
        str(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    ]


def test_an_anonymous_report_leaves_no_trace_of_its_reporter(login, agent, caplog):
    client = login(agent)
    before = rows_referencing(agent)
    assert "checklists.Concern.reporter" in before  # the check really covers concerns
    assert "teams.AuditEntry.actor" in before  # and the audit log
    log_entries_before = LogEntry.objects.count()

    with caplog.at_level(logging.DEBUG):
        response = client.post("/concerns/new/", {**REPORT, "anonymous": "on"})
    # The report waits, without its reporter, for the hourly delivery (see cases).
    assert not Concern.objects.exists()
    pending_reports_deliver()

    concern = Concern.objects.get()
    assert rows_referencing(agent) == before
    assert (concern.reporter_id, concern.is_anonymous) == (None, True)
    for value in text_values(concern):
        assert agent.username not in value.lower()
        assert not re.search(rf"\b{agent.pk}\b", value)
    # Only the day is kept, and the key is random, so neither orders it against sign-ins.
    assert not any(isinstance(f, models.DateTimeField) for f in Concern._meta.concrete_fields)
    assert isinstance(Concern._meta.pk, models.UUIDField)
    assert LogEntry.objects.count() == log_entries_before
    assert not [record for record in caplog.records if agent.username in record.getMessage()]
    assert not hasattr(Concern, "history")

    # The audit log records the report, but like the report it names nobody and keeps the day.
    entry = AuditEntry.objects.get(model="checklists.Concern")
    assert (entry.actor_id, entry.actor_name, entry.source, entry.ip_address) == (
        None,
        "",
        "",
        None,
    )
    assert timezone.localtime(entry.at).time() == time.min
    assert isinstance(AuditEntry._meta.pk, models.UUIDField)
    logged = json.dumps(entry.changes)
    assert agent.username not in logged.lower() and "reporter" not in entry.changes
    assert not AuditEntry.objects.filter(actor_name=agent.username).exists()

    # Nothing the reporter is given back points at the report either: only the receipt code.
    assert response.status_code == 200
    assert "Thank you. Your report has been received." in response.content.decode()
    assert str(concern.pk) not in str(dict(client.session))
    page = client.get("/concerns/").content.decode()
    assert str(concern.pk) not in page and "concert tickets" not in page
    assert client.get(f"/concerns/{concern.pk}/").status_code == 404


@pytest.mark.parametrize("field", ["reporter", "reporter_id", "user", "user_id"])
def test_an_anonymous_report_carrying_a_user_id_is_refused(login, agent, field):
    client = login(agent)  # signing in leaves its own rows (the session); the report none
    before = rows_referencing(agent)
    response = client.post("/concerns/new/", {**REPORT, "anonymous": "on", field: agent.pk})
    assert response.status_code == 200
    assert "This report carried a user id" in response.content.decode()
    assert Concern.objects.count() == 0
    assert rows_referencing(agent) == before


def test_a_named_report_cannot_name_someone_else(login, agent, other_agent):
    response = login(agent).post("/concerns/new/", {**REPORT, "reporter": other_agent.pk})
    assert "This report carried a user id" in response.content.decode()
    assert Concern.objects.count() == 0


def test_the_database_refuses_an_anonymous_row_with_a_reporter(agent):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Concern.objects.create(
            category="breach", description="x", is_anonymous=True, reporter=agent
        )


def test_audit_entries_name_the_reporter_only_of_named_reports(login, agent, admin_user):
    client = login(agent)
    client.post("/concerns/new/", REPORT)
    client.post("/concerns/new/", {**REPORT, "anonymous": "on"})
    pending_reports_deliver()
    named = Concern.objects.get(is_anonymous=False)
    anonymous = Concern.objects.get(is_anonymous=True)
    entry = AuditEntry.objects.get(object_id=str(named.pk))
    assert (entry.actor, entry.source) == (agent, "POST /concerns/new/")
    assert entry.changes["reporter"] == [None, agent.pk]

    # An admin working the anonymous report is not recorded against it either.
    admin = login(admin_user)
    for concern in (anonymous, named):
        admin.post(f"/cases/{concern.case.pk}/status/", {"status": "investigating"})
    update = AuditEntry.objects.get(object_id=str(anonymous.pk), action="update")
    assert update.changes == {"status": ["new", "investigating"]}
    assert (update.actor_id, update.actor_name, update.source) == (None, "", "")
    assert AuditEntry.objects.get(object_id=str(named.pk), action="update").actor == admin_user


def test_admins_see_anonymous_reports_as_anonymous(login, agent, admin_user):
    concern_report(
        reporter=agent, category="breach", description="Files left open.", anonymous=True
    )
    client = login(admin_user)
    page = client.get(f"/concerns/{Concern.objects.get().pk}/").content.decode()
    assert "<em>Anonymous</em>" in page and "Alice" not in page and "alice" not in page
    changelist = client.get("/admin/checklists/concern/")
    assert changelist.status_code == 200
    body = changelist.content.decode()
    assert "Anonymous" in body and "alice" not in body.lower()


# --- Worked as cases -------------------------------------------------------------------------


def test_the_old_queue_and_update_lead_to_the_cases_and_change_nothing(login, admin_user, agent):
    client = login(admin_user)
    response = client.get("/concerns/queue/")
    assert response.status_code == 302 and response["Location"] == "/cases/"
    case, _ = concern_raise(
        reporter=agent, category="gift", description="Tickets offered.", anonymous=False
    )
    response = client.post(
        f"/concerns/{case.concern_id}/update/", {"status": "closed", "outcome": "Done."}
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    case.refresh_from_db()
    assert (case.status, case.concern.status) == (Case.Status.RECEIVED, "new")
    page = client.get(f"/concerns/{case.concern_id}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in page and "Work this concern" not in page
