"""An anonymous report cannot be placed among its reporter's actions, nor traced by its owner.

The security test of the anonymous path: Alice, signed in, files a named report (A), an
anonymous one, and another named report (B). Nothing in the database orders the anonymous
case, its concern or their audit entries between A and B: not the physical row order (ctid),
not the writing transaction (xmin), not a key, not a timestamp.
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseMessage
from cases.services import pending_reports_deliver
from teams.models import AuditEntry

URL = "/concerns/follow-up/"


def post_concern(client, anonymous, category="gift"):
    data = {"category": category, "description": f"A voucher ({anonymous=}).", "anonymous": "on"}
    if not anonymous:
        data.pop("anonymous")
    response = client.post(reverse("concern_new"), data)
    assert response.status_code in (200, 302)
    return response


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def position(table: str, key: str, order: str) -> list:
    """The keys of `table` in the order `order`, e.g. ctid or the writing transaction."""
    return [row[0] for row in rows(f"SELECT {key}::text FROM {table} ORDER BY {order}")]  # noqa: S608


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_row_order_transactions_and_times_do_not_place_an_anonymous_report(agent, supervisor):
    alice = Client()
    alice.force_login(agent)
    post_concern(alice, anonymous=False)  # A
    post_concern(alice, anonymous=True)
    post_concern(alice, anonymous=False)  # B
    pending_reports_deliver()  # the hourly job, later and in its own transaction

    named_a, named_b = Case.objects.filter(concern__is_anonymous=False).order_by("id")
    anonymous = Case.objects.get(concern__is_anonymous=True)
    for table, key, ids in [
        ("cases_case", "id", [named_a.pk, named_b.pk, anonymous.pk]),
        (
            "checklists_concern",
            "id",
            [named_a.concern_id, named_b.concern_id, anonymous.concern_id],
        ),
    ]:
        wanted = [str(pk) for pk in ids]
        orders = ["ctid", "xmin::text::bigint"] + (["id"] if table == "cases_case" else [])
        for order in orders:
            found = [pk for pk in position(table, key, order) if pk in wanted]
            a, b, anon = found.index(wanted[0]), found.index(wanted[1]), found.index(wanted[2])
            assert not a < anon < b, (table, order)

    # The audit entries: by ctid, by transaction, by id and by time, none sits between A's and B's.
    def entries(object_ids):
        return [
            str(pk)
            for pk in AuditEntry.objects.filter(object_id__in=object_ids).values_list(
                "pk", flat=True
            )
        ]

    a_entries = entries([str(named_a.pk), str(named_a.concern_id)])
    b_entries = entries([str(named_b.pk), str(named_b.concern_id)])
    anonymous_entries = entries([str(anonymous.pk), str(anonymous.concern_id)])
    assert anonymous_entries
    for order in ("ctid", "xmin::text::bigint", "id", "at"):
        found = position("teams_auditentry", "id", f"{order}, id")
        last_a = max(found.index(pk) for pk in a_entries)
        first_b = min(found.index(pk) for pk in b_entries)
        assert not any(last_a < found.index(pk) < first_b for pk in anonymous_entries), order
    # The case and its concern keep days only: no column of either holds a time of day.
    for table in ("cases_case", "checklists_concern", "cases_casemessage"):
        kinds = rows(
            "SELECT data_type FROM information_schema.columns WHERE table_name = %s", [table]
        )
        assert not any("timestamp" in kind or "time " in kind for (kind,) in kinds), table
    # The waiting report is gone once delivered.
    assert rows("SELECT count(*) FROM cases_pendingreport") == [(0,)]


@pytest.mark.django_db
def test_the_owner_cannot_find_the_reporter(agent, supervisor, admin_user, login):
    reporter = login(agent)
    code_page = post_concern(reporter, anonymous=True, category="violation").content.decode()
    code = code_page.split("data-receipt-code>")[1].split("<")[0]
    pending_reports_deliver()
    case = Case.objects.get()
    assert case.owner == admin_user
    # The reporter answers while still signed in: the answer is nobody's all the same.
    owner = Client()
    owner.force_login(admin_user)
    owner.post(reverse("case_message", args=[case.pk]), {"kind": "question", "text": "Which day?"})
    reporter.post(URL, {"code": code, "kind": "answer", "text": "Tuesday."})
    assert CaseMessage.objects.get(kind="answer").author is None

    traces = ("alice", "Alice", str(agent.pk) + '"')
    for url in (
        reverse("case_list"),
        reverse("case_detail", args=[case.pk]),
        reverse("api:cases"),
        reverse("api:case", args=[case.pk]),
        reverse("concern_detail", args=[case.concern_id]),
    ):
        body = owner.get(url).content.decode()
        assert not any(trace in body for trace in traces[:2]), url
    # The audit log and its export: every entry about the case, its concern and the reporter's
    # answer names nobody but the owner, and has no address.
    about = [str(case.pk), str(case.concern_id), str(CaseMessage.objects.get(kind="answer").pk)]
    for entry in AuditEntry.objects.filter(object_id__in=about):
        assert entry.actor_id in (None, admin_user.pk), entry.model
        assert entry.actor_name in ("", "ada"), entry.model
        if entry.actor_id is None:
            assert entry.ip_address is None and entry.source in ("", "job", "follow-up")
    export = owner.get(reverse("audit_export"))
    text = b"".join(export).decode() if export.streaming else export.content.decode()
    for line in text.splitlines():
        if str(case.concern_id) in line or "cases.CaseMessage" in line and "answer" in line:
            assert "alice" not in line
