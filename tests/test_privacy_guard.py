"""The privacy guard refuses contact and card details and lets ordinary notes through."""

import time

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from core.privacy import KINDS_IN_ORDER, find_personal_data, validate_no_personal_data

EMAIL = "an e-mail address"
PHONE = "a phone number"
CARD = "a payment card number"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # E-mail addresses, plain and hidden.
        ("jane.doe@example.com", EMAIL),
        ("Customer wrote from jane+billing@mail.example.co.uk about the refund", EMAIL),
        ("JANE_DOE99@SUB.EXAMPLE.ORG", EMAIL),
        ("jürgen@müller.de", EMAIL),
        ("jane [at] example [dot] com", EMAIL),
        ("jane(at)example.com", EMAIL),
        ("jane{at}example{dot}com", EMAIL),
        ("reply to jane @ example.com", EMAIL),
        ("jane at example dot com", EMAIL),
        ("jane.doe at gmail dot co dot uk", EMAIL),
        ("jane＠example．com", EMAIL),  # full-width @ and dot
        # Phone numbers, international.
        ("+44 20 7946 0958", PHONE),
        ("Call back on +1-415-555-0132 please", PHONE),
        ("+44 (0) 20 7946 0958", PHONE),
        ("+44(0)20 7946 0958", PHONE),
        ("+447700900123", PHONE),
        ("0044 20 7946 0958", PHONE),
        ("00447700900123", PHONE),
        ("011 44 20 7946 0958", PHONE),
        ("Phone: +33 1 23 45 67 89", PHONE),
        # Phone numbers, national.
        ("(020) 7946 0958", PHONE),
        ("0161 496 0000", PHONE),
        ("Reach her on 07700 900123 after 5", PHONE),
        ("07700 900 123", PHONE),
        ("07700–900123", PHONE),  # en dash
        ("415-555-0132", PHONE),
        ("415.555.0132", PHONE),
        ("(415) 555-0132", PHONE),
        ("415 555-0132", PHONE),
        ("1-800-555-0199", PHONE),
        ("02 9876 5432", PHONE),
        ("030 12345678", PHONE),
        # Phone numbers as a bare run of 10-15 digits.
        ("call 07700900123 later", PHONE),
        ("4155550132", PHONE),
        ("4155550132.", PHONE),
        ("١٥٥٥٥٥٥٠١٣٢٤", PHONE),  # Arabic-Indic digits
        # A real reference does not hide a phone number written after it.
        ("ticket 48213 07700 900123", PHONE),
        ("INC0012345 07700 900123", PHONE),
        ("#48213 0161 496 0000", PHONE),
        ("14:30 07700 900123", PHONE),
        # Payment card numbers (Luhn-valid test numbers).
        ("4111 1111 1111 1111", CARD),
        ("5500-0000-0000-0004", CARD),
        ("378282246310005", CARD),
        ("3782 822463 10005", CARD),
        ("6011 1111 1111 1117", CARD),
        ("4222222222222", CARD),
        ("card 4111 1111 1111 1111 exp 12/28", CARD),
        ("card 4111 1111 1111 1111 12/28", CARD),
        ("order 4111 1111 1111 1111", CARD),
        ("#4111111111111111", CARD),
        ("４１１１ １１１１ １１１１ １１１１", CARD),  # full-width digits
        ("4111\u200b1111\u200b1111\u200b1111", CARD),  # zero-width spaces
        ("4111\u00a01111\u00a01111\u00a01111", CARD),  # no-break spaces
    ],
)
def test_personal_data_is_found(text, kind):
    assert find_personal_data(text) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        # Ticket and case references.
        "ZD-4821",
        "ticket ZD-4821",
        "CASE-2024-00017",
        "INC0012345",
        "#48213",
        "FD 99812",
        "INC 0012345678",
        "See KB0012345 and RITM0012345",
        "order #123456",
        "order #1234567890",
        "Order no. 1234567890",
        "Customer ID 1234567890",
        # Dates, times, durations.
        "refund of £49.99 on 2026-11-03 at 14:30",
        "on 03/11/2026 14:30",
        "on 03-11-2026 14:30",
        "03.11.2026 14.30",
        "2026-11-03T14:30:00Z",
        "2026-11-03 2026-11-04 2026-11-05",
        "dates 03/11/2026 04/11/2026",
        "between 09:00 and 17:30",
        "called back after 2 days",
        "plan 12 months",
        "3-5 working days",
        "log id 20261103143000",
        # Money and quantities.
        "Paid 2 x 49.99 + 12.50 = 112.48",
        "£1,234.56 refunded to the card ending 1111",
        "refund 100.00 GBP",
        "1,000,000 points",
        "Paid £12345678901",
        "+49.99 credit",
        "+5 points",
        "Rated 4/5",
        "scores 4 5 3 4 5 4 5 3 4 5",
        "2024 2025 2026",
        # Versions, builds, addresses, other identifiers.
        "version 2.3.1",
        "Windows 10.0.19045.3803",
        "build 2026.11.03.1430",
        "server 192.168.100.200",
        "order 112-1234567-1234567",
        "1Z999AA10123456784",
        "550e8400-e29b-41d4-a716-446655440000",
        "ISBN 978-0-306-40615-7",
        "0000012345",
        # Card-length numbers that fail the Luhn check: not cards, and over 15 digits, not phones.
        "4111 1111 1111 1112",
        "4111111111111112",
        # Things with an @ or an "at" that are not addresses.
        "icon@2x.png",
        "lodash@4.17.21",
        "@sam please review",
        "Customer could not sign in at example.com",
        "Look at the dot matrix printer",
        "Meet at 3 dot 30",
        # Too short to be a phone number.
        "phone 555-0132",
        "call 999",
        "",
    ],
)
def test_ordinary_notes_are_clean(text):
    assert find_personal_data(text) == []


def test_every_kind_is_named_once_in_a_fixed_order():
    text = "4111 1111 1111 1111, 07700 900123, jane@example.com, 020 7946 0958, bo@example.org"
    assert find_personal_data(text) == [EMAIL, PHONE, CARD]


def test_the_validator_asks_for_the_ticket_id_instead():
    with pytest.raises(ValidationError) as caught:
        validate_no_personal_data("Customer on 07700 900123")
    assert caught.value.code == "personal_data"
    # The value is masked to its last four characters.
    assert caught.value.messages == [
        "This looks like it contains a phone number ('…0123'). Please don't record customers' "
        "personal details here: use the helpdesk ticket id instead."
    ]


def test_the_validator_names_every_kind_found():
    with pytest.raises(ValidationError) as caught:
        validate_no_personal_data("jane@example.com, 07700 900123, 4111 1111 1111 1111")
    assert caught.value.messages[0].startswith(
        "This looks like it contains an e-mail address ('….com'), a phone number ('…0123') and "
        "a payment card number ('…1111'). "
    )


@pytest.mark.parametrize("value", ["ZD-4821", "CASE-2024-00017", "Refund of £49.99 agreed", ""])
def test_the_validator_accepts_clean_values(value):
    assert validate_no_personal_data(value) is None


def test_the_validator_works_in_a_form_field():
    class InteractionNoteForm(forms.Form):
        reference = forms.CharField(validators=[validate_no_personal_data])
        summary = forms.CharField(validators=[validate_no_personal_data])

    form = InteractionNoteForm({"reference": "ZD-4821", "summary": "Wrote to jane@example.com"})
    assert not form.is_valid()
    assert list(form.errors) == ["summary"]
    assert form.errors.as_data()["summary"][0].code == "personal_data"


@pytest.mark.parametrize(
    "text",
    [
        "a" * 100_000,
        "1" * 100_000,
        "1 " * 50_000,
        "1-" * 50_000,
        "+1" * 50_000,
        "(" * 100_000 + "1",
        "a@" * 50_000,
        "a." * 50_000 + "@",
        "x@" + "a." * 50_000,
        "jane at " * 12_500,
        "jane [at] example " * 5_555,
        "refund of £49.99 on 2026-11-03 at 14:30. " * 2_400,
    ],
    ids=lambda text: repr(text[:12]),
)
def test_a_100_kb_input_is_checked_quickly(text):
    started = time.perf_counter()
    assert find_personal_data(text) == []
    assert time.perf_counter() - started < 2


def test_personal_data_at_the_end_of_a_100_kb_note_is_still_found():
    note = "Customer asked about the refund policy and was happy. " * 1_900
    assert len(note) > 100_000
    assert find_personal_data(note + "Call 07700 900123 or jane@example.com") == [EMAIL, PHONE]


@pytest.mark.parametrize(
    "text",
    [
        "\ud800\udfff",
        "\x00\x01\x7f",
        "👩‍💻 ✅ ﷽",
        "ｚｄ－４８２１",
        "٣٫٥",
        "Ⅻ ① ²³",
        "e\u0301" * 10,
    ],
)
def test_unusual_unicode_does_not_crash(text):
    assert isinstance(find_personal_data(text), list)


def luhn_check_digit(digits: str) -> str:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


card_bodies = st.tuples(
    st.integers(min_value=1, max_value=9),
    st.text(alphabet="0123456789", min_size=14, max_size=14),
).map(lambda parts: f"{parts[0]}{parts[1]}")


@settings(max_examples=200, deadline=None)
@given(card_bodies, st.sampled_from(["", " ", "-"]))
def test_any_luhn_valid_16_digit_card_is_found(body, separator):
    number = body + luhn_check_digit(body)
    printed = separator.join(number[start : start + 4] for start in range(0, 16, 4))
    assert find_personal_data(f"Customer read out {printed} on the call") == [CARD]


@settings(max_examples=200, deadline=None)
@given(card_bodies, st.integers(min_value=1, max_value=9), st.sampled_from(["", " ", "-"]))
def test_a_16_digit_number_failing_luhn_is_never_a_card(body, wrong_by, separator):
    check_digit = str((int(luhn_check_digit(body)) + wrong_by) % 10)
    number = body + check_digit
    printed = separator.join(number[start : start + 4] for start in range(0, 16, 4))
    assert CARD not in find_personal_data(printed)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789 -./()+@#:atdomZD[]\u00a0\u200b４"))
        | st.characters()
    )
)
def test_any_text_gives_known_kinds_in_order_without_crashing(text):
    kinds = find_personal_data(text)
    assert kinds == [kind for kind in KINDS_IN_ORDER if kind in kinds]
