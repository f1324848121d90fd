"""Names, secrets and card details, each found only after the words that introduce them."""

import re

from core.privacy.kinds import CARD_DETAILS, NAME, SECRET, Finding
from core.privacy.normalise import words_in

# --- Names -----------------------------------------------------------------------------------

NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+)?"
FULL_NAME = rf"(?P<value>{NAME_WORD}(?: (?:[A-Z]\.? )?(?:(?:van|von|de|der|da|di|le|la|del|dos|du|al|bin|el|mac|mc|o') )?{NAME_WORD}){{0,2}})"
NAME_CUE = (
    r"(?i:\b(?:my|his|her|their|the customer'?s?|the caller'?s?|the client'?s?|customer'?s?|"
    r"caller'?s?|client'?s?|cardholder'?s?|account holder'?s?|(?:full|real|maiden|last|first|sur) ?name)"
    r"(?: full| real| last| first)? ?name (?:is|was|:)\s*"
    r"|\b(?:a|the) (?:customer|caller|client|lady|woman|man|gentleman|gent|member|guest) "
    r"(?:called|named|by the name of)\s+"
    r"|\b(?:customer|caller|client) (?:called|named)\s+"
    r"|\b(?:name|surname|full name)\s*:\s*"
    r"|\bspeaking (?:to|with) (?:a )?(?:customer|caller)\s+)"
)
TITLE = r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Herr|Frau|Mme|Mlle|Sr|Sra|Srta|Sig|Sig\.ra|Dhr|Mevr)\.? "
NAME_AFTER_CUE = re.compile(rf"(?:{NAME_CUE}|{TITLE}){FULL_NAME}")
# Capitalised words that follow those cues without being a name.
NOT_A_NAME = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Back", "Support", "Billing", "Sales", "Customer", "Customers",
    "Unknown", "The", "This", "That", "Today", "Yesterday", "Tomorrow", "Again", "Twice",
    "About", "Regarding", "Re", "Not", "None", "Redacted", "Withheld", "Anonymous",
    # Brands that borrow a title.
    "Pepper", "Martens", "Oetker", "Scholl", "Kipling", "Muscle", "Sheen", "Selfridge", "Potato",
    "Bean", "Whippy", "Motivator", "Freeze", "Bump",
}  # fmt: skip


NAME_WORDS = {"name", "named", "called", "mr", "mrs", "ms", "miss", "mx", "dr", "herr", "frau", "mme", "mlle", "sr", "sra", "srta", "sig", "dhr", "mevr", "speaking", "surname"}  # fmt: skip


def find_names(text: str) -> list[Finding]:
    found = []
    if not words_in(text) & NAME_WORDS:
        return found
    for match in NAME_AFTER_CUE.finditer(text):
        if match["value"].split(" ")[0] not in NOT_A_NAME:
            found.append(Finding(NAME, *match.span("value")))
    return found


# --- Secrets ---------------------------------------------------------------------------------

SECRET_CUE = (
    r"(?i:\b(?:password|passwd|pwd|passcode|pass code|pin(?: code| number)?|security answer|"
    r"answer to (?:the|her|his|their) security question|security question answer|secret answer|"
    r"memorable (?:word|answer|date)|mother'?s maiden name|one[- ]time (?:code|password)|otp|"
    r"verification code|2fa code|auth(?:entication)? code|passphrase)\b)"
)
SECRET_VALUE = re.compile(
    SECRET_CUE + r"(?:\s+(?:is|was|reads|=)\s*|\s*[:=]\s*|\s+of\s+|\s+)"
    r"(?P<value>[\"'“‘][^\"'”’\n]{1,60}[\"'”’]|[^\s,;]{3,60})"
)
# Words that follow "password is" or "PIN was" in notes about the secret, not the secret itself.
NOT_A_SECRET = {
    "reset", "wrong", "incorrect", "correct", "blocked", "locked", "changed", "expired",
    "not", "still", "the", "a", "an", "too", "required", "sent", "now", "being", "been",
    "accepted", "rejected", "invalid", "valid", "missing", "forgotten", "forgot", "unknown",
    "updated", "working", "reused", "weak", "strong", "long", "short", "fine", "ok", "okay",
    "manager", "policy", "rules", "requirements", "field", "page", "screen", "link", "email",
    "e-mail", "prompt", "request", "requests", "change", "changes", "resets", "attempts",
    "entry", "entered", "typed", "set", "shared", "safe", "secure", "protected", "hidden",
    "masked", "disabled", "enabled", "on", "off", "for", "to", "at", "in", "by", "and", "or",
    "again", "twice", "via", "with", "from", "after", "before", "section", "step", "process",
    "it", "its", "their", "her", "his", "was", "is", "has", "had", "expiry", "length",
    "complexity", "recovery", "strength", "never", "only", "did", "does", "didn't", "doesn't",
    "works", "worked", "sms", "app", "texts", "message", "messages", "code", "codes",
}  # fmt: skip


SECRET_WORDS = {"password", "passwd", "pwd", "passcode", "pass", "pin", "security", "answer", "secret", "memorable", "maiden", "one", "otp", "verification", "fa", "auth", "authentication", "passphrase"}  # fmt: skip


def find_secrets(text: str) -> list[Finding]:
    found = []
    if not words_in(text) & SECRET_WORDS:
        return found
    for match in SECRET_VALUE.finditer(text):
        value = match["value"]
        bare = value.strip("\"'“”‘’.").lower()
        # "[removed: ...]" is what redaction left in its place.
        if bare and bare not in NOT_A_SECRET and not value.startswith("[removed"):
            found.append(Finding(SECRET, *match.span("value")))
    return found


# --- Card details beside a card number -------------------------------------------------------

SECURITY_CODE = re.compile(
    r"(?i)\b(?:cvv2?|cvc2?|cv2|csc|cid|security code|card code)\b[\s:#=-]{0,3}(?:is\s+|was\s+)?"
    r"(?P<value>\d{3,4})\b"
)
EXPIRY = re.compile(
    r"(?i)\b(?:exp(?:iry|ires|iring)?\.?|expiration(?: date)?|valid (?:thru|through|until|to)|"
    r"good thru)(?!\w)[\s:#=-]{0,3}(?:date\s*)?(?:is\s+|of\s+|on\s+)?(?P<value>(?:0?[1-9]|1[0-2])\s?/\s?(?:\d{4}|\d{2}))\b"
)
LAST_DIGITS = re.compile(
    r"(?i)\b(?:ending(?: in| with)?|ends(?: in| with)|last (?:4|four)(?: digits)?(?: are| of)?)"
    r"[\s:]{0,3}(?P<value>\d{4})\b"
)
CARD_WORD = re.compile(r"(?i)\b(?:card|visa|mastercard|amex|debit|credit|ending|last (?:4|four))\b")


CARD_DETAIL_WORDS = {"cvv", "cvc", "cv", "csc", "cid", "security", "card", "exp", "expiry", "expires", "expiring", "expiration", "valid", "good"}  # fmt: skip


def find_card_details(text: str) -> list[Finding]:
    """A security code is always refused. An expiry date counts beside the word "card" or the
    last digits; the last four digits alone are what receipts print, so only beside an expiry
    date or a security code do they count."""
    if not words_in(text) & CARD_DETAIL_WORDS:
        return []
    codes = [Finding(CARD_DETAILS, *match.span("value")) for match in SECURITY_CODE.finditer(text)]
    expiries = [
        Finding(CARD_DETAILS, *match.span("value"))
        for match in EXPIRY.finditer(text)
        if CARD_WORD.search(text, max(0, match.start() - 60), match.end() + 60)
    ]
    found = codes + expiries
    if found:
        found += [
            Finding(CARD_DETAILS, *match.span("value")) for match in LAST_DIGITS.finditer(text)
        ]
    return found
