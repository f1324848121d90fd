"""The privacy guard: free text in EthicsKit must not carry customers' contact or card details.

Agents point at the customer through the helpdesk ticket ("ZD-4821", "INC0012345", "#48213"),
so an e-mail address, phone number or payment card number in a reference, topic, summary or
comment is always a mistake. `find_personal_data` names what it finds; `validate_no_personal_data`
is the Django validator that fields and forms use.

Refusing an honest note is costly too, so each rule below errs towards letting through the things
agents really write: dates, times, money, versions, IP addresses and ticket or order numbers.
What is knowingly let through or refused is listed beside the rule that decides it.
"""

import re
import unicodedata
from datetime import datetime
from itertools import pairwise

from django.core.exceptions import ValidationError

EMAIL = "an e-mail address"
PHONE = "a phone number"
CARD = "a payment card number"
KINDS_IN_ORDER = [EMAIL, PHONE, CARD]


# --- Normalising -----------------------------------------------------------------------------

# Invisible characters could split "4111<zero-width space>1111..." past every pattern below.
INVISIBLE_CHARACTERS = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# NFKC already folds full-width forms; these dashes survive it and are used as separators.
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
ANY_DECIMAL_DIGIT = re.compile(r"\d")


def _normalise(text: str) -> str:
    """Fold look-alike characters so that "４１１１", "۴۱۱۱" and "4111" read the same."""
    text = unicodedata.normalize("NFKC", INVISIBLE_CHARACTERS.sub("", text))
    text = text.translate(DASHES)
    if not text.isascii():
        # NFKC leaves other scripts' digits (Arabic-Indic, Devanagari...) as they are.
        text = ANY_DECIMAL_DIGIT.sub(lambda match: str(int(match.group())), text)
    return text


# --- E-mail addresses ------------------------------------------------------------------------

# Every repetition is bounded, so no input can make these patterns backtrack for long.
# An address starts where a word starts; possessive "{1,64}+" never gives characters back.
LOCAL_PART = r"(?<![\w.%+-])[\w.%+-]{1,64}+"
LABEL = r"[\w-]{1,63}"
TOP_LEVEL_DOMAIN = r"[^\W\d_]{2,24}"
SPACES = r"[ \t]{1,2}"


def _bracketed(words: str) -> str:
    """ "[at]", "(at)", "{dot}", "< . >"... the usual ways of hiding an address from robots."""
    return rf"[ \t]{{0,2}}[\[({{<][ \t]{{0,2}}(?i:{words})[ \t]{{0,2}}[\])}}>][ \t]{{0,2}}"


BRACKETED_AT = _bracketed("at|@")
BRACKETED_DOT = _bracketed(r"dot|\.")
AT_SIGN = rf"(?:@|{SPACES}@{SPACES}|{BRACKETED_AT})"
DOT = rf"(?:\.|{BRACKETED_DOT}|{SPACES}(?i:dot){SPACES})"
EMAIL_ADDRESS = re.compile(
    rf"{LOCAL_PART}{AT_SIGN}{LABEL}(?:{DOT}{LABEL}){{0,7}}{DOT}(?P<tld>{TOP_LEVEL_DOMAIN})\b"
)
# "jane at example dot com": the spelled-out "dot" is what gives an address away, since prose
# hardly ever spells it. The price is that "bought it at example dot com" is refused too. A plain
# "at" before a real dot ("signed in at example.com") is let through: it names a website as often
# as it hides an address.
SPELLED_OUT_DOT_COMMON_DOMAIN = (
    rf"{SPACES}(?i:dot){SPACES}"
    r"(?i:com|net|org|edu|gov|info|biz|io|co|uk|us|ca|au|nz|ie|de|fr|es|it|nl|be|eu)\b"
)
SPELLED_OUT_EMAIL_ADDRESS = re.compile(
    rf"{LOCAL_PART}{SPACES}(?i:at){SPACES}{LABEL}(?:{SPACES}(?i:dot){SPACES}{LABEL}){{0,3}}"
    rf"{SPELLED_OUT_DOT_COMMON_DOMAIN}"
)
# "icon@2x.png" is a file name, not an address.
FILE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "svg", "webp", "pdf", "txt", "csv", "log", "json"}


def _contains_email_address(text: str) -> bool:
    for match in EMAIL_ADDRESS.finditer(text):
        if match["tld"].lower() not in FILE_EXTENSIONS:
            return True
    return bool(SPELLED_OUT_EMAIL_ADDRESS.search(text))


# --- Phone and card numbers ------------------------------------------------------------------

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
    r"tracking|claim|policy|id|sr|zd|fd|tkt|task|chg|ritm|prb)\b(?:[ \t]*(?:no\.?|nr\.?|number|id))?"
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


def _find_numbers(text: str) -> set[str]:
    found = set()
    for chain in DIGIT_CHAIN.finditer(text):
        found |= _numbers_in_chain(text, chain)
        if found == {PHONE, CARD}:
            break
    return found


def _numbers_in_chain(text: str, chain: re.Match) -> set[str]:
    start, end = chain.span()
    runs = list(DIGITS.finditer(chain.group()))
    if sum(len(run.group()) for run in runs) < 8:  # No rule accepts fewer digits.
        return set()
    groups = [run.group() for run in runs]
    kinds = [
        _separator_kind(chain.group()[before.end() : after.start()])
        for before, after in pairwise(runs)
    ]
    has_plus = chain.group().startswith("+")
    # "on 03/11/2026 14:30": the hour belongs to the time, not to the digits before it.
    if text[end : end + 1] == ":" and text[end + 1 : end + 2].isdigit():
        groups, kinds = groups[:-1], kinds[:-1]
    if text[start - 1 : start] == ":" and text[start - 2 : start - 1].isdigit():
        groups, kinds, has_plus = groups[1:], kinds[1:], False
    if not groups:
        return set()

    before = text[max(0, start - 40) : start]
    glued_before = bool(GLUED_TO_A_WORD.search(before))
    glued_after = text[end : end + 1].isalpha()
    labelled_before = bool(LABELLED_AS_A_REFERENCE.search(before) or MONEY.search(before))
    last = len(groups) - 1
    windows = _windows(groups, kinds)

    found = set()
    card_groups = set()
    # Cards first, so that a card's digits are not reported as a phone number as well. Only a
    # word glued to the digits ("INC4111...") makes them an id; a "#" or "order" before a
    # Luhn-valid card-length number does not.
    for first, final in windows:
        glued = (first == 0 and glued_before) or (final == last and glued_after)
        if glued or (first == 0 and has_plus):
            continue
        if _looks_like_card(groups[first : final + 1], kinds[first:final]):
            found.add(CARD)
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
            found.add(PHONE)
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


# --- The guard -------------------------------------------------------------------------------


def find_personal_data(text: str) -> list[str]:
    """The kinds of personal data in text, e.g. ["a phone number"]; empty when it is clean."""
    text = _normalise(text)
    found = _find_numbers(text)
    if _contains_email_address(text):
        found.add(EMAIL)
    return [kind for kind in KINDS_IN_ORDER if kind in found]


def _join_in_words(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} and {items[-1]}"


def validate_no_personal_data(value: str) -> None:
    """Django validator for references and free text: refuse customers' contact or card details."""
    kinds = find_personal_data(str(value))
    if kinds:
        raise ValidationError(
            "This looks like it contains %(kinds)s. Please don't record customers' personal "
            "details here: use the helpdesk ticket id instead.",
            code="personal_data",
            params={"kinds": _join_in_words(kinds)},
        )
