"""The privacy guard: free text in EthicsKit must not carry customers' personal data.

Agents point at the customer through the helpdesk ticket ("ZD-4821", "INC0012345", "#48213"),
so contact details, card and bank details, identity numbers, addresses, birth dates, online
identifiers, names and secrets in a reference, summary or comment are always a mistake.
`validate_no_personal_data` is the validator every free-text field and form uses;
`find_personal_data` names the kinds found; `redact_personal_data` replaces them.

Each recogniser lives in the module of its topic: numbers (phone and card numbers by shape),
contact (e-mail; phone numbers after a cue, with phonenumbers), identity (IBANs, bank details,
national numbers and documents, with python-stdnum), places (postcodes, addresses, birth
dates), online (profiles, handles, IP and MAC addresses), people (names, secrets, card details).
"""

from core.privacy.guard import (
    describe,
    find_personal_data,
    personal_data_message,
    redact_personal_data,
    scan,
    validate_no_personal_data,
)
from core.privacy.kinds import CARD, EMAIL, KINDS_IN_ORDER, PHONE, Finding

__all__ = [
    "CARD",
    "EMAIL",
    "KINDS_IN_ORDER",
    "PHONE",
    "Finding",
    "describe",
    "find_personal_data",
    "personal_data_message",
    "redact_personal_data",
    "scan",
    "validate_no_personal_data",
]
