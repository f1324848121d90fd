"""The guard: every recogniser run over one normalised text, overlaps settled, a message built.

Overlapping findings keep the most specific kind ("NHS number 943 476 5919" is a national
number, not a phone number). Messages show at most the last four characters of what was found
and nothing of a secret; the guard logs nothing.
"""

from django.core.exceptions import ValidationError

from core.privacy.contact import find_email_addresses, find_phone_numbers_after_cues
from core.privacy.identity import find_bank_accounts, find_documents, find_ibans, find_national_ids
from core.privacy.kinds import (
    BANK_ACCOUNT,
    CARD,
    CARD_DETAILS,
    DATE_OF_BIRTH,
    DRIVING_LICENCE,
    EMAIL,
    IBAN,
    IP_ADDRESS,
    KINDS_IN_ORDER,
    MAC_ADDRESS,
    NAME,
    NATIONAL_ID,
    NEVER_SHOWN,
    PASSPORT,
    PHONE,
    POSTAL_ADDRESS,
    POSTCODE,
    PROFILE,
    SECRET,
    Finding,
)
from core.privacy.normalise import normalise
from core.privacy.numbers import find_numbers
from core.privacy.online import find_ip_addresses, find_mac_addresses, find_profiles
from core.privacy.people import find_card_details, find_names, find_secrets
from core.privacy.places import find_addresses, find_dates_of_birth, find_postcodes

# Recognisers that only ever match digits are skipped for text without any.
NEEDS_DIGITS = [
    find_numbers,
    find_phone_numbers_after_cues,
    find_ibans,
    find_bank_accounts,
    find_national_ids,
    find_documents,
    find_card_details,
    find_dates_of_birth,
    find_ip_addresses,
    find_addresses,
    find_postcodes,
]
ANY_TEXT = [find_email_addresses, find_profiles, find_mac_addresses, find_names, find_secrets]
# Which kind wins where two findings overlap: the first in this list.
MOST_SPECIFIC_FIRST = [
    SECRET,
    CARD_DETAILS,
    IBAN,
    NATIONAL_ID,
    BANK_ACCOUNT,
    PASSPORT,
    DRIVING_LICENCE,
    DATE_OF_BIRTH,
    CARD,
    EMAIL,
    PROFILE,
    IP_ADDRESS,
    MAC_ADDRESS,
    POSTAL_ADDRESS,
    POSTCODE,
    NAME,
    PHONE,
]
MAX_REDACTION_ROUNDS = 10
RANK = {kind: rank for rank, kind in enumerate(MOST_SPECIFIC_FIRST)}
ORDER = {kind: position for position, kind in enumerate(KINDS_IN_ORDER)}


def scan(text: str) -> tuple[str, list[Finding]]:
    """The normalised text and every finding in it, overlaps settled, in reading order."""
    text = normalise(str(text))
    recognisers = (NEEDS_DIGITS if any(c.isdigit() for c in text) else []) + ANY_TEXT
    findings = [finding for recognise in recognisers for finding in recognise(text)]
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda each: (RANK[each.kind], each.start)):
        if not any(finding.overlaps(other) for other in kept):
            kept.append(finding)
    # A full card number already says everything its expiry date and code would.
    if any(finding.kind == CARD for finding in kept):
        kept = [finding for finding in kept if finding.kind != CARD_DETAILS]
    return text, sorted(kept, key=lambda each: each.start)


def find_personal_data(text: str) -> list[str]:
    """The kinds of personal data in text, e.g. ["a phone number"]; empty when it is clean."""
    kinds = {finding.kind for finding in scan(text)[1]}
    return sorted(kinds, key=ORDER.__getitem__)


def mask(kind: str, value: str) -> str:
    """ "…0958": the last four characters, and nothing of a secret or a short value."""
    compact = "".join(value.split())
    if kind in NEVER_SHOWN or len(compact) < 7:
        return "…"
    return "…" + compact[-4:]


def describe(text: str) -> list[str]:
    """Each kind found with up to three masked values: ["a phone number ('…0958')", ...]."""
    text, findings = scan(text)
    shown: dict[str, list[str]] = {}
    for finding in findings:
        values = shown.setdefault(finding.kind, [])
        masked = mask(finding.kind, text[finding.start : finding.end])
        if masked != "…" and masked not in values:
            values.append(masked)
    return [
        f"{kind} ({', '.join(repr(value) for value in shown[kind][:3])})" if shown[kind] else kind
        for kind in sorted(shown, key=ORDER.__getitem__)
    ]


def join_in_words(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} and {items[-1]}"


def personal_data_message(found: list[str], where: str = "") -> str:
    place = f" in {where}" if where else ""
    return (
        f"This looks like it contains {join_in_words(found)}{place}. Please don't record "
        "customers' personal details here: use the helpdesk ticket id instead."
    )


def validate_no_personal_data(value: str) -> None:
    """Django validator for references and free text: refuse customers' personal data.

    The field it stands on says where; the message says what, masked."""
    found = describe(str(value))
    if found:
        raise ValidationError(
            "%(message)s",
            code="personal_data",
            params={"message": personal_data_message(found), "kinds": join_in_words(found)},
        )


def label(kind: str) -> str:
    return kind.split(" ", 1)[1]


def redact_personal_data(text: str, *, marker: str = "") -> str:
    """The text, normalised, with each finding replaced by "[removed: <kind>]" (or `marker`).

    A chain of digits reports one phone number at a time, so the text is read again until
    nothing is left (a few rounds at most)."""
    for _ in range(MAX_REDACTION_ROUNDS):
        text, findings = scan(text)
        if not findings:
            break
        for finding in reversed(findings):
            replacement = marker or f"[removed: {label(finding.kind)}]"
            text = f"{text[: finding.start]}{replacement}{text[finding.end :]}"
    return text
