"""Phone and card numbers judged by their shape: digit groups, separators and the Luhn check.

Agents point at the customer through the helpdesk ticket ("ZD-4821", "INC0012345", "#48213"),
so a number glued to a word or labelled as a reference is let through. Refusing an honest note
is costly too, so each rule errs towards letting through what agents really write: dates,
times, money, versions and ticket or order numbers. What is knowingly let through or refused is
listed beside the rule that decides it.
"""

import re
from datetime import datetime
from itertools import pairwise

from core.privacy.kinds import CARD, PHONE, Finding

# --- Shapes ------------------------------------------------------------------

# A run of digit groups joined by spaces, "-", ".", "/" or brackets, e.g. "+44 (0)20 7946 0958".
# Each repetition needs a separator or bracket and then digits, so matching stays linear.
DIGIT_CHAIN = re.compile(
    r"(?:\+[ \t]?)?\(?[0-9]+\)?"
    r"(?:(?:[ \t]{0,2}[-./][ \t]{0,2}|[ \t]{1,2}|(?<=\))|(?=\())\(?[0-9]+\)?)*"
)
DIGITS = re.compile(r"[0-9]+")
# A phone or card number as people write it has at most 8 groups ("00 33 1 23 45 67 89" has 7).
MAX_GROUPS = 8

GLUED_TO_A_WORD = re.compile(r"(?:\w|\w[-_/])$")  # "INC0012345", "ZD-4821", "CASE-2024-00017"
LABELLED_AS_A_REFERENCE = re.compile(
    r"(?:#|\b(?:ticket|case|incident|inc|ref|reference|order|invoice|request|req|booking|"
    r"tracking|claim|policy|id|sr|zd|fd|tkt|task|chg|ritm|prb|"
    r"(?:customer|account|member|membership|loyalty)[ \t]+(?:no\.?|nr\.?|number|id|card))\b(?:[ \t]*(?:no\.?|nr\.?|number|id))?"
    r"[ \t]*[:.#]?)[ \t]*$",
    re.IGNORECASE,
)
MONEY = re.compile(r"[£$€¥₹][ \t]?$")


def _luhn_checksum_is_valid(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_compact_timestamp(digits: str) -> bool:
    """ "202611031430" and "20261103143000" are log timestamps, not phone numbers."""
    formats = {12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}
    if len(digits) not in formats or digits[:2] not in {"19", "20"}:
        return False
    try:
        datetime.strptime(digits, formats[len(digits)])
    except ValueError:
        return False
    return True


def _separator_kind(separator: str) -> str:
    """ "-", ".", "/" or " " ("(" and ")" count as "paren", whatever surrounds them)."""
    if "(" in separator or ")" in separator:
        return "paren"
    return separator.strip() or " "


def _separators_are_consistent(kinds: list[str]) -> bool:
    """One separator throughout ("020 7946 0958"), or spaces then one hyphen ("415 555-0132").

    This is what keeps "03/11/2026 14" and "2026-11-03 1430" from reading as phone numbers.
    """
    kinds = [kind for kind in kinds if kind != "paren"]
    if len(set(kinds)) <= 1:
        return True
    return kinds[-1] == "-" and set(kinds[:-1]) == {" "}


def _looks_like_card(groups: list[str], kinds: list[str]) -> bool:
    """13-19 digits passing the Luhn check, unbroken or grouped the way cards are printed.

    Only card layouts count (4-4-4-4, 4-4-4-4-3, Amex 4-6-5, Diners 4-6-4) so that a line of
    years or dates does not get a one-in-ten chance of passing the Luhn check. No card number
    starts with 0, which keeps "00447700900123" a phone number.
    """
    digits = "".join(groups)
    if not 13 <= len(digits) <= 19 or digits[0] == "0":
        return False
    if len(groups) > 1:
        if len(set(kinds)) != 1 or kinds[0] not in {" ", "-"}:
            return False
        sizes = [len(group) for group in groups]
        printed_in_fours = all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4
        if not (printed_in_fours or sizes in ([4, 6, 5], [4, 6, 4])):
            return False
    return _luhn_checksum_is_valid(digits)


def _looks_like_phone(groups: list[str], kinds: list[str], *, has_plus: bool) -> bool:
    digits = "".join(groups)
    sizes = [len(group) for group in groups]
    # International numbers have at most 15 digits (E.164).
    if has_plus:  # "+44 20 7946 0958", "+1-415-555-0132": the plus says it all.
        return 8 <= len(digits) <= 15
    if len(groups) == 1:
        # A bare run of 10-15 digits. Zero-padded ids ("0000012345") and compact timestamps
        # are let through; an unlabelled 10-15 digit order number is refused (label it "#").
        return (
            10 <= len(digits) <= 15
            and not digits.startswith("000")
            and not _is_compact_timestamp(digits)
        )
    if digits.startswith("00") and digits[2] != "0":  # "0044 20 7946 0958"
        return 8 <= len(digits) - 2 <= 15
    if groups[0] == "011":  # The North American international prefix: "011 44 20 7946 0958".
        return 8 <= len(digits) - 3 <= 15
    if not _separators_are_consistent(kinds):
        return False
    # A national number with its trunk 0: "020 7946 0958", "07700 900123", "06 12345678".
    if (
        re.fullmatch(r"0[1-9][0-9]{0,3}", groups[0])
        and all(2 <= size <= 8 for size in sizes[1:])
        and 10 <= len(digits) <= 12
    ):
        return True
    # North American: "415-555-0132", "(415) 555-0132", "1 800 555 0199".
    return sizes == [3, 3, 4] or (sizes == [1, 3, 3, 4] and groups[0] == "1")


def find_numbers(text: str) -> list[Finding]:
    """Phone and card numbers recognised by their shape alone."""
    found = []
    for chain in DIGIT_CHAIN.finditer(text):
        found += _numbers_in_chain(text, chain)
    return found


def is_exempt_reference(text: str, start: int, end: int) -> bool:
    """Digits glued to a word ("INC0012345", "4155550132x") or labelled as a reference."""
    before = text[max(0, start - 40) : start]
    return bool(
        GLUED_TO_A_WORD.search(before)
        or LABELLED_AS_A_REFERENCE.search(before)
        or MONEY.search(before)
        or text[end : end + 1].isalpha()
    )


def _numbers_in_chain(text: str, chain: re.Match) -> list[Finding]:
    start, end = chain.span()
    runs = list(DIGITS.finditer(chain.group()))
    if sum(len(run.group()) for run in runs) < 8:  # No rule accepts fewer digits.
        return []
    groups = [run.group() for run in runs]
    kinds = [
        _separator_kind(chain.group()[before.end() : after.start()])
        for before, after in pairwise(runs)
    ]
    has_plus = chain.group().startswith("+")
    # "on 03/11/2026 14:30": the hour belongs to the time, not to the digits before it.
    if text[end : end + 1] == ":" and text[end + 1 : end + 2].isdigit():
        groups, kinds, runs = groups[:-1], kinds[:-1], runs[:-1]
    if text[start - 1 : start] == ":" and text[start - 2 : start - 1].isdigit():
        groups, kinds, runs, has_plus = groups[1:], kinds[1:], runs[1:], False
    if not groups:
        return []

    before = text[max(0, start - 40) : start]
    glued_before = bool(GLUED_TO_A_WORD.search(before))
    glued_after = text[end : end + 1].isalpha()
    labelled_before = bool(LABELLED_AS_A_REFERENCE.search(before) or MONEY.search(before))
    last = len(groups) - 1
    windows = _windows(groups, kinds)

    def span(kind: str, first: int, final: int) -> Finding:
        return Finding(kind, start + runs[first].start(), start + runs[final].end())

    found = []
    card_groups = set()
    # Cards first, so that a card's digits are not reported as a phone number as well. Only a
    # word glued to the digits ("INC4111...") makes them an id; a "#" or "order" before a
    # Luhn-valid card-length number does not.
    for first, final in windows:
        glued = (first == 0 and glued_before) or (final == last and glued_after)
        if glued or (first == 0 and has_plus):
            continue
        if _looks_like_card(groups[first : final + 1], kinds[first:final]):
            found.append(span(CARD, first, final))
            card_groups.update(range(first, final + 1))
    for first, final in windows:
        if card_groups.intersection(range(first, final + 1)):
            continue
        exempt = (first == 0 and (glued_before or labelled_before)) or (
            final == last and glued_after
        )
        if not exempt and _looks_like_phone(
            groups[first : final + 1], kinds[first:final], has_plus=first == 0 and has_plus
        ):
            found.append(span(PHONE, first, final))
            break
    return found


def _windows(groups: list[str], kinds: list[str]) -> list[tuple[int, int]]:
    """(first, final) group indexes of the stretches of a chain that could be one number.

    A stretch starts and ends only at a space or bracket, so the pieces of one token such as
    "2026-11-03" or "10.0.19045.3803" are never read on their own. Stretches with fewer than 8
    or more than 19 digits are left out: no rule accepts them.
    """
    breaks = [kind in {" ", "paren"} for kind in kinds]
    last = len(groups) - 1
    windows = []
    for first in range(len(groups)):
        if first > 0 and not breaks[first - 1]:
            continue
        digit_count = 0
        for final in range(first, min(last, first + MAX_GROUPS - 1) + 1):
            digit_count += len(groups[final])
            if digit_count > 19:
                break
            if digit_count >= 8 and (final == last or breaks[final]):
                windows.append((first, final))
    return windows
