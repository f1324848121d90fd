"""The privacy guard, one kind of personal data at a time: what each recogniser refuses, the
near misses it lets through (check digits and context decide), and what its message shows."""

import logging

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from core.privacy import (
    KINDS_IN_ORDER,
    describe,
    find_personal_data,
    redact_personal_data,
    validate_no_personal_data,
)

CARD_DETAILS = "a card's expiry date or security code"
IBAN = "an IBAN"
BANK = "a bank sort code or account number"
NATIONAL_ID = "a national identity or tax number"
PASSPORT = "a passport number"
LICENCE = "a driving-licence number"
BIRTH = "a date of birth"
ADDRESS = "a postal address"
POSTCODE = "a postcode"
PROFILE = "a social-media profile or handle"
IP = "an IP address"
MAC = "a MAC address"
NAME = "a customer's name"
SECRET = "a password, PIN or security answer"
PHONE = "a phone number"

FOUND = [
    (IBAN, "Refund to GB82 WEST 1234 5698 7654 32 please"),
    (IBAN, "IBAN DE89370400440532013000"),
    (IBAN, "nl91abna0417164300 for the refund"),
    (BANK, "sort code 20-00-00"),
    (BANK, "account number 31926819"),
    (BANK, "routing number 021000021"),
    (NATIONAL_ID, "SSN 123-45-6789"),
    (NATIONAL_ID, "123-45-6789"),
    (NATIONAL_ID, "NI number AB 12 34 56 C"),
    (NATIONAL_ID, "BSN 111222333"),
    (NATIONAL_ID, "DNI 12345678Z"),
    (NATIONAL_ID, "RSSMRA85T10A562S"),
    (NATIONAL_ID, "NHS number 943 476 5919"),
    (NATIONAL_ID, "PESEL 44051401359"),
    (NATIONAL_ID, "CPF 390.533.447-05"),
    (PASSPORT, "passport number 533401372"),
    (PASSPORT, "Reisepass C01X00T47"),
    (LICENCE, "MORGA753116SM9IJ"),
    (LICENCE, "driver's license D1234567"),
    (BIRTH, "born 14/02/1987"),
    (BIRTH, "DOB: 1979-06-30"),
    (BIRTH, "date of birth 3 March 1985"),
    (ADDRESS, "lives at 12 Baker Street"),
    (ADDRESS, "woont op Kerkstraat 12"),
    (ADDRESS, "12 rue de Rivoli"),
    (POSTCODE, "postcode SW1A 1AA"),
    (POSTCODE, "K1A 0B1"),
    (POSTCODE, "New York, NY 10001"),
    (POSTCODE, "PLZ 10115"),
    (PROFILE, "facebook.com/jane.doe.1234"),
    (PROFILE, "on Instagram @jane.doe"),
    (PROFILE, "username is jane_doe84"),
    (IP, "logged in from 203.0.113.45"),
    (IP, "2001:db8::1"),
    (MAC, "00:00:5E:00:53:01"),
    (MAC, "0000.5e00.5301"),
    (NAME, "her name is Jane Doe"),
    (NAME, "Mr Smith called"),
    (NAME, "Herr Müller wanted the manager"),
    (SECRET, "password is Sunshine2024!"),
    (SECRET, "PIN 4821"),
    (SECRET, "mother's maiden name is Jones"),
    (CARD_DETAILS, "card ending 4242 exp 09/27"),
    (CARD_DETAILS, "cvv 123"),
    (PHONE, "mobile 06 12345678"),
    (PHONE, "móvil 612 34 56 78"),
]


@pytest.mark.parametrize(("kind", "text"), FOUND, ids=[text for _, text in FOUND])
def test_each_kind_is_found_and_named(kind, text):
    assert find_personal_data(text) == [kind]


CLEAN = [
    # Check digits decide.
    "Refund to GB82 WEST 1234 5698 7654 33 please",  # IBAN checksum off by one
    "BSN 111222334",  # fails the eleven test
    "DNI 12345678A",  # wrong check letter
    "4111 1111 1111 1112",  # fails Luhn
    # Context decides: a 9-digit number needs a cue, and references stay references.
    "refund ref 482910375 issued",
    "123456789",
    "order 111222333 shipped",
    "ticket ZD-4821, order #123456, invoice INV-2026-00481",
    "SKU 10045-BLK-M and SKU KTL-2200-WHT",
    "tracking 1Z999AA10123456784",
    "app version 4.2.1 and firmware 3.10.2.7",
    "version 1.2.3.4",
    "internal server 10.0.0.12 and 192.168.1.20",
    "delivery due 12/03/2026",
    # The last four digits alone are what receipts print.
    "refunded to the card ending 1111",
    # Notes about a secret, not the secret.
    "password reset link sent",
    "PIN was blocked after three attempts",
    "password is wrong each time",
    # Names and places of the business, not of the customer.
    "customer called back within the hour",
    "the Market Street store was out of stock",
    "our office at 12 Baker Street",
    "Dr Martens boots out of stock",
    "@sam please review",
    "see linkedin.com/company for the job post",
    "exported on 2026-11-03, 14:30",
]


@pytest.mark.parametrize("text", CLEAN)
def test_near_misses_pass(text):
    assert find_personal_data(text) == []


def test_the_message_says_what_was_found_and_masks_it():
    with pytest.raises(ValidationError) as caught:
        validate_no_personal_data("Refund to GB82 WEST 1234 5698 7654 32, lives near SW1A 1AA")
    message = caught.value.messages[0]
    assert message.startswith(
        "This looks like it contains an IBAN ('…5432') and a postcode ('…A1AA'). "
    )
    assert "GB82" not in message and "SW1A" not in message


def test_nothing_of_a_secret_or_a_card_code_is_shown():
    assert describe("password is Sunshine2024!") == [SECRET]
    assert describe("cvv 123") == [CARD_DETAILS]


def test_the_guard_logs_nothing(caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ValidationError):
        validate_no_personal_data("IBAN GB82 WEST 1234 5698 7654 32, PIN 4821")
    assert not caplog.records


def test_redaction_replaces_each_finding_and_passes_the_guard():
    text = "Call +44 20 7946 0958 or pay GB82 WEST 1234 5698 7654 32. Ticket ZD-4821."
    redacted = redact_personal_data(text)
    assert redacted == "Call [removed: phone number] or pay [removed: IBAN]. Ticket ZD-4821."
    assert find_personal_data(redacted) == []


def test_overlapping_findings_keep_the_most_specific_kind():
    # A 3-3-4 number has a phone's shape; the cue makes it an NHS number.
    assert find_personal_data("NHS number 943 476 5919") == [NATIONAL_ID]
    assert find_personal_data("943 476 5919") == [PHONE]


def test_the_teams_phone_region_reads_numbers_without_a_country_code(settings):
    # Nine digits after "mobile": a Spanish mobile number, not a British one.
    settings.ETHICSKIT_PHONE_REGION = "GB"
    assert find_personal_data("mobile 612 34 56 78") == []
    settings.ETHICSKIT_PHONE_REGION = "ES"
    assert find_personal_data("mobile 612 34 56 78") == [PHONE]


CUE_WORDS = [
    "BSN", "SSN", "NHS number", "DNI", "NIF", "CPF", "PESEL", "HETU", "personnummer", "CPR",
    "national id", "passport", "driving licence", "born", "DOB", "postcode", "PLZ", "sort code",
    "account number", "routing", "IBAN", "mobile", "móvil", "password", "PIN", "cvv", "exp",
    "card ending", "her name is", "Mr", "username is", "IP", "MAC", "lives at",
]  # fmt: skip
tokens = st.one_of(
    st.sampled_from(CUE_WORDS),
    st.text(alphabet="0123456789", min_size=1, max_size=12),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=18),
    st.sampled_from([" ", "-", ".", "/", ":", "+", "@", "::", "(", ")", ", "]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(tokens, max_size=12).map(" ".join))
def test_cue_words_beside_any_value_never_crash_the_guard(text):
    kinds = find_personal_data(text)
    assert kinds == [kind for kind in KINDS_IN_ORDER if kind in kinds]
    assert find_personal_data(redact_personal_data(text)) == []
