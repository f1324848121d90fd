"""The anonymous reporter's way back: receipt codes, the follow-up page and its rate limits."""

import math
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from cases.models import (
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    Case,
    CaseMessage,
    FollowUpFailure,
    PendingReport,
    receipt_code_new,
    receipt_hash,
)
from cases.services import case_message_add, case_status_change, pending_reports_deliver

pytestmark = pytest.mark.django_db
URL = "/concerns/follow-up/"


def report_anonymously(client, category="gift"):
    response = client.post(
        reverse("concern_new"),
        {"category": category, "description": "A voucher for a refund.", "anonymous": "on"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Write it down: it is the only way back." in page
    return re.search(r"data-receipt-code>([A-Z0-9-]+)<", page).group(1)


def test_a_code_has_at_least_80_bits_and_is_shown_in_groups():
    assert RECEIPT_LENGTH * math.log2(len(RECEIPT_ALPHABET)) >= 80
    codes = {receipt_code_new() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"([A-Z2-9]{4}-){4}[A-Z2-9]{4}", code)


def test_only_the_hash_is_stored(agent, supervisor, login):
    code = report_anonymously(login(agent))
    normal = code.replace("-", "")
    pending = PendingReport.objects.get()
    assert pending.receipt_hash == receipt_hash(code)
    pending_reports_deliver()
    case = Case.objects.get()
    assert case.receipt_hash == receipt_hash(code.lower().replace("-", " "))
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "cases_case",
            "cases_pendingreport",
            "checklists_concern",
            "teams_auditentry",
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dump = repr(cursor.fetchall())
            assert normal not in dump and code not in dump, table
    # The audit log keeps out even the hash.
    with connection.cursor() as cursor:
        cursor.execute("SELECT changes::text FROM teams_auditentry")
        assert case.receipt_hash not in repr(cursor.fetchall())


def test_the_reporter_follows_up_signed_out(agent, supervisor, login):
    code = report_anonymously(login(agent))
    reporter = Client()
    waiting = reporter.post(URL, {"code": code})
    assert "next hourly delivery" in waiting.content.decode()
    pending_reports_deliver()
    case = Case.objects.get()
    case_status_change(case=case, status="acknowledged")
    case_message_add(case=case, author=supervisor, kind="question", text="Which ticket was it?")
    case_message_add(case=case, author=supervisor, kind="note", text="Internal: check the CRM.")
    page = reporter.post(URL, {"code": code}).content.decode()
    assert "Acknowledged" in page and "Which ticket was it?" in page
    assert "Internal: check the CRM." not in page and "sue" not in page
    answered = reporter.post(URL, {"code": code, "kind": "answer", "text": "Ticket ZD-77."})
    assert answered.status_code == 200 and "Your message was added." in answered.content.decode()
    answer = CaseMessage.objects.get(kind="answer")
    assert answer.author is None and answer.text == "Ticket ZD-77."
    case_status_change(case=case, status="closed", outcome="The voucher was declined.")
    assert "The voucher was declined." in reporter.post(URL, {"code": code}).content.decode()


def test_wrong_and_unknown_codes_get_the_same_answer(agent, login):
    report_anonymously(login(agent))
    client = Client()
    answers = [
        client.post(URL, {"code": code})
        for code in ("AAAA-BBBB-CCCC-DDDD-EEEE", "not a code at all", "", receipt_code_new())
    ]
    assert {response.status_code for response in answers} == {200}
    # Apart from the per-request CSRF token, the pages are byte for byte the same.
    bodies = {re.sub(r"[A-Za-z0-9]{64}", "TOKEN", r.content.decode()) for r in answers}
    assert len(bodies) == 1


def test_the_page_sends_no_store_and_no_referrer_and_sets_no_cookie():
    client = Client(enforce_csrf_checks=True)
    for response in (client.get(URL), client.post(URL, {"code": "X"}, HTTP_ORIGIN="null")):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"
        assert not response.cookies


def test_the_eleventh_wrong_code_from_one_address_gets_429(agent, login):
    code = report_anonymously(login(agent))
    pending_reports_deliver()
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(10):
        assert client.post(URL, {"code": receipt_code_new()}).status_code == 200
    assert client.post(URL, {"code": receipt_code_new()}).status_code == 429
    # Even the right code waits: the limit is checked before any code is.
    assert client.post(URL, {"code": code}).status_code == 429
    # Another address is not held back; the counts live in the database, not one process.
    assert Client(REMOTE_ADDR="198.51.100.8").post(URL, {"code": code}).status_code == 200
    assert FollowUpFailure.objects.count() == 10
    assert "198.51.100.7" not in repr(list(FollowUpFailure.objects.values_list("address_key")))


@override_settings(CASE_FOLLOW_UP_GLOBAL_LIMIT=15)
def test_wrong_codes_are_limited_globally():
    for number in range(15):
        Client(REMOTE_ADDR=f"198.51.100.{number}").post(URL, {"code": "wrong"})
    assert Client(REMOTE_ADDR="203.0.113.1").post(URL, {"code": "wrong"}).status_code == 429


def test_a_right_code_leaves_no_row(agent, login):
    code = report_anonymously(login(agent))
    pending_reports_deliver()
    Client().post(URL, {"code": code})
    assert FollowUpFailure.objects.count() == 0
