"""The privacy guard at the edges of each of its rules: the shortest and longest numbers each
rule refuses, the card layouts, the separators, compact timestamps. `make mutation` showed
that tests/test_privacy_guard.py, which checks typical notes, let these edges move unnoticed."""

import pytest

from core.privacy import find_personal_data

PHONE = ["a phone number"]
CARD = ["a payment card number"]
CLEAN = []


def with_check_digit(digits: str) -> str:
    """`digits` and the digit that makes the whole pass the Luhn check (worked out here, from
    the definition: double every second digit from the right, add up the digits' digits)."""
    total = 0
    for position, digit in enumerate(reversed(digits), start=1):
        value = int(digit) * (2 if position % 2 == 1 else 1)
        total += value // 10 + value % 10
    return digits + str((10 - total % 10) % 10)


def grouped(number: str, sizes: list[int], separator: str = " ") -> str:
    groups, start = [], 0
    for size in sizes:
        groups.append(number[start : start + size])
        start += size
    assert start == len(number)
    return separator.join(groups)


def test_the_check_digit_helper_agrees_with_a_known_test_card():
    assert with_check_digit("411111111111111") == "4111111111111111"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # A log timestamp of 12 or 14 digits (year from 1900 to 2099) is let through...
        ("line dropped at 202611031430", CLEAN),
        ("line dropped at 20261103143000", CLEAN),
        ("line dropped at 199911031430", CLEAN),
        # ...but not a run that only looks like one: no such date, or no such length.
        ("line dropped at 202613031430", PHONE),  # month 13
        ("line dropped at 20261103147500", PHONE),  # minute 75
        ("line dropped at 212611031430", PHONE),  # year 2126
        ("line dropped at 2026110314301", PHONE),  # 13 digits
    ],
)
def test_compact_timestamps(text, found):
    assert find_personal_data(text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # With a plus: 8 to 15 digits (E.164).
        ("+1234 5678", PHONE),
        ("+123456789012345", PHONE),
        ("+1234567890123456", CLEAN),
        # A bare run: 10 to 15 digits.
        ("123456789012345", PHONE),
        # "00" and an international number of 8 to 15 digits.
        ("0044-123456", PHONE),
        ("0044-12345", CLEAN),
        ("0044-1234-5678-90123", PHONE),
        ("0044-1234-5678-901234", CLEAN),
        ("0030 1234 5678", PHONE),
        ("000 1234 5678", CLEAN),  # "000" is no international prefix
        # "011" and an international number of 8 to 15 digits.
        ("011-12345678", PHONE),
        ("011-1234567", CLEAN),
        ("011-1234-5678-90", PHONE),
        ("011-1234-5678-9012345", PHONE),
        ("011-1234-5678-90123456", CLEAN),
        # A national number: trunk 0, groups of 2 to 8 digits, 10 to 12 digits in all.
        ("06 12 34 56 78", PHONE),
        ("020 1234 56789", PHONE),
        ("0201 2345 67890", CLEAN),
        ("020 123456789", CLEAN),
        ("020 1 2345 6789", CLEAN),
        # North American: 3-3-4, or 1-3-3-4 after a 1.
        ("1 415 555-0132", PHONE),
        ("07700 900 12-34", PHONE),
        ("1 2345 6789", CLEAN),
        # Separators: one kind throughout, or spaces then one hyphen.
        ("020/7946-0958", CLEAN),
        ("1 415/555-0132", CLEAN),
    ],
)
def test_phone_number_edges(text, found):
    assert find_personal_data(text) == found


def card(sizes: list[int], separator: str = " ", first: str = "4") -> str:
    digits = with_check_digit(first + "1" * (sum(sizes) - 2))
    return grouped(digits, sizes, separator)


@pytest.mark.parametrize(
    ("sizes", "separator", "found"),
    [
        ([13], " ", CARD),
        ([19], " ", CARD),
        ([4, 4, 4, 4], " ", CARD),
        ([4, 4, 4, 4], "-", CARD),
        ([4, 4, 4, 4, 1], "-", CARD),
        ([4, 4, 4, 4, 3], "-", CARD),
        ([4, 6, 5], " ", CARD),
        ([4, 6, 4], "-", CARD),
        # Not the way cards are printed.
        ([8, 8], " ", CLEAN),
        ([4, 12], "-", CLEAN),
        ([4, 4, 4, 5], "-", CLEAN),
        ([4, 5, 4, 3], "-", CLEAN),
        ([4, 4, 5, 2], "-", CLEAN),
        ([4, 4, 4, 6], "-", CLEAN),
        ([4, 4, 4, 4], ".", CLEAN),
        ([4, 4, 4, 4], "/", CLEAN),
    ],
)
def test_card_layouts(sizes, separator, found):
    assert find_personal_data(card(sizes, separator)) == found


def test_a_card_number_with_mixed_separators_is_not_a_card():
    assert find_personal_data(card([4, 4], " ") + "-" + card([4, 4], " ")) == CLEAN


def test_no_card_number_starts_with_0():
    assert find_personal_data(card([4, 4, 4, 4], "-", first="0")) == CLEAN
    assert find_personal_data(card([4, 4, 4, 4], "-", first="5")) == CARD


def test_a_number_failing_the_luhn_check_is_not_a_card():
    number = card([4, 4, 4, 4], "-")
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert find_personal_data(wrong) == CLEAN


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # The hour of a time right after the digits is not part of them, nor its minutes.
        ("on 03 11 2026 14:30", CLEAN),
        ("020 7946 0958 14:30", PHONE),
        ("at 14:07 700 900123", CLEAN),
        ("at 14:30 1234 5678", CLEAN),
        ("at 9:07 700 900123", CLEAN),
        ("06 12 34 56 78,1", PHONE),  # no time after a comma
        # Digits glued to a word are an id; a plus says phone, never card.
        ("4155550132x", CLEAN),
        ("4155550132k9", CLEAN),
        ("INC4111111111111111", CLEAN),
        ("4111111111111111X", CLEAN),
        ("+4111-1111-1111-1111", CLEAN),
        # One chain of digits may hold a card and a phone number, in either order.
        ("4111 1111 1111 1111 020 7946 0958", PHONE + CARD),
        ("020 7946 0958 4111 1111 1111 1111", PHONE + CARD),
        ("INC4111 4111 1111 1111 1111", CARD),
        ("card 4111-1111-1111-1111 2025", CARD),
        # A number starts after a space or a bracket, not inside "2026-11-03".
        ("2026-11-03 020 7946 0958", PHONE),
        ("2026 (020) 7946 0958", PHONE),
        # Up to 8 groups make one number, and no more.
        ("+1 2 3 4 5 6 7 8", PHONE),
        ("00 1 2 3 4 5 6 7 8", CLEAN),
    ],
)
def test_where_a_number_starts_and_ends_in_a_chain_of_digits(text, found):
    assert find_personal_data(text) == found
