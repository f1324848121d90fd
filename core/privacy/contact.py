"""E-mail addresses, and phone numbers that a cue word introduces, checked with phonenumbers."""

import re

import phonenumbers
from django.conf import settings

from core.privacy.kinds import EMAIL, PHONE, Finding
from core.privacy.normalise import words_in
from core.privacy.numbers import DIGIT_CHAIN, is_exempt_reference

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


def find_email_addresses(text: str) -> list[Finding]:
    # Every address has an "@", an "at" or a bracketed one; most notes have none of them.
    if "@" not in text and "at" not in words_in(text) and not any(b in text for b in "[({<"):
        return []
    found = [
        Finding(EMAIL, *match.span())
        for match in EMAIL_ADDRESS.finditer(text)
        if match["tld"].lower() not in FILE_EXTENSIONS
    ]
    found += [Finding(EMAIL, *match.span()) for match in SPELLED_OUT_EMAIL_ADDRESS.finditer(text)]
    return found


# --- Phone numbers after a cue word ----------------------------------------------------------

# A number that a cue word introduces is checked against the numbering plan of the team's
# region (settings.ETHICSKIT_PHONE_REGION) and of the regions the cue word's language points to
# ("móvil" to Spain and Mexico). Numbers without a cue are judged by their shape alone
# (core.privacy.numbers), so a bare order number still passes.
PHONE_CUE = re.compile(
    r"(?i)\b(?P<cue>call(?:ed|ing)?(?: back)?(?: on)?|phone|phoned|tel|telephone|mobile|mob|cell|"
    r"cellphone|landline|rang|ring|text(?:ed)?|sms|whatsapp|fax|reach(?:ed)?(?: her| him)?|"
    r"contact (?:number|no)|call-?back|handy|m[oó]vil|tel[eé]fono|t[eé]l[eé]phone|portable|"
    r"telefoon|cellulare|numero)\b[^\n\d+(]{0,24}"
)
REGIONS_OF_CUE_WORDS = {
    "móvil": ["ES", "MX"],
    "movil": ["ES", "MX"],
    "teléfono": ["ES", "MX"],
    "telefono": ["IT", "ES"],
    "cellulare": ["IT"],
    "numero": ["IT", "FR"],
    "handy": ["DE", "AT", "CH"],
    "téléphone": ["FR", "BE", "CH"],
    "portable": ["FR", "BE", "CH"],
    "telefoon": ["NL", "BE"],
}


PHONE_WORDS = {
    "call", "called", "calling", "phone", "phoned", "tel", "telephone", "mobile", "mob", "cell",
    "cellphone", "landline", "rang", "ring", "text", "texted", "sms", "whatsapp", "fax", "reach",
    "reached", "contact", "callback", "handy", "móvil", "movil", "teléfono", "telefono", "téléphone",
    "portable", "telefoon", "cellulare", "numero",
}  # fmt: skip


def phone_regions(cue: str) -> list[str]:
    """The team's region, then those the cue word's language points to."""
    default = getattr(settings, "ETHICSKIT_PHONE_REGION", "GB")
    return [default, *REGIONS_OF_CUE_WORDS.get(cue.lower(), [])]


def _is_valid_phone_number(candidate: str, regions: list[str]) -> bool:
    for region in regions:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            return False
        if phonenumbers.is_valid_number(number):
            return True
        if candidate.startswith("+"):  # The region plays no part in an international number.
            return False
    return False


def find_phone_numbers_after_cues(text: str) -> list[Finding]:
    found = []
    if not words_in(text) & PHONE_WORDS:
        return found
    for cue in PHONE_CUE.finditer(text):
        chain = DIGIT_CHAIN.match(text, cue.end())
        if chain is None:
            continue
        start, end = chain.span()
        digits = sum(character.isdigit() for character in chain.group())
        if not 8 <= digits <= 15 or is_exempt_reference(text, start, end):
            continue
        if _is_valid_phone_number(chain.group(), phone_regions(cue["cue"])):
            found.append(Finding(PHONE, start, end))
    return found
