"""The kinds of personal data the guard names, in the order its messages list them."""

from typing import NamedTuple

EMAIL = "an e-mail address"
PHONE = "a phone number"
CARD = "a payment card number"
CARD_DETAILS = "a card's expiry date or security code"
IBAN = "an IBAN"
BANK_ACCOUNT = "a bank sort code or account number"
NATIONAL_ID = "a national identity or tax number"
PASSPORT = "a passport number"
DRIVING_LICENCE = "a driving-licence number"
DATE_OF_BIRTH = "a date of birth"
POSTAL_ADDRESS = "a postal address"
POSTCODE = "a postcode"
PROFILE = "a social-media profile or handle"
IP_ADDRESS = "an IP address"
MAC_ADDRESS = "a MAC address"
NAME = "a customer's name"
SECRET = "a password, PIN or security answer"

KINDS_IN_ORDER = [
    EMAIL,
    PHONE,
    CARD,
    CARD_DETAILS,
    IBAN,
    BANK_ACCOUNT,
    NATIONAL_ID,
    PASSPORT,
    DRIVING_LICENCE,
    DATE_OF_BIRTH,
    POSTAL_ADDRESS,
    POSTCODE,
    PROFILE,
    IP_ADDRESS,
    MAC_ADDRESS,
    NAME,
    SECRET,
]

# Nothing of a secret is shown back, not even its last characters.
NEVER_SHOWN = {SECRET, CARD_DETAILS}


class Finding(NamedTuple):
    """One piece of personal data: its kind and where it is in the normalised text."""

    kind: str
    start: int
    end: int

    def overlaps(self, other: "Finding") -> bool:
        return self.start < other.end and other.start < self.end
