"""Where a customer lives and when they were born: postcodes, street addresses, birth dates.

No library covers these, so the patterns are our own, and each needs either a layout found
nowhere else (a UK or Canadian postcode) or a cue word: "lives at", "postcode", "born".
"""

import re

from core.privacy.kinds import DATE_OF_BIRTH, POSTAL_ADDRESS, POSTCODE, Finding
from core.privacy.normalise import words_in

# --- Postcodes -------------------------------------------------------------------------------

# Layouts distinctive enough to stand alone (written with their space).
UK_POSTCODE = r"(?:GIR 0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2})"
CANADIAN_POSTCODE = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d"
IRISH_EIRCODE = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W) [0-9AC-FHKNPRTV-Y]{4}"
STANDALONE_POSTCODE = re.compile(
    rf"(?<![\w-])(?:{UK_POSTCODE}|{CANADIAN_POSTCODE}|{IRISH_EIRCODE})(?![\w-])"
)
US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC"
)
US_ZIP_AFTER_STATE = re.compile(rf"\b(?:{US_STATES}),? (?P<value>\d{{5}}(?:-\d{{4}})?)\b")
POSTCODE_CUE = (
    r"(?i:\b(?:post ?code|postal code|zip(?: code)?|plz|code postal|c[oó]digo postal|cap|"
    r"postcode is|lives in|living in|moved to|woont in|wohnt in))[\s:#=-]{0,3}(?:is\s+)?"
)
# With a cue: the other main countries' layouts (5 digits, NL "1234 AB", PT "1234-567",
# AU "2000", PL "00-950", SE "114 55", compact UK and Canadian ones).
# The value may be in lower case after a cue ("postcode: sw1a 1aa").
CUED_POSTCODE = re.compile(
    POSTCODE_CUE + r"(?i:(?P<value>\d{4} ?[A-Z]{2}|\d{4}-\d{3}|\d{2}-\d{3}|\d{3} \d{2}|\d{4,5}"
    r"|[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}|[A-Z]\d[A-Z]\d[A-Z]\d|" + UK_POSTCODE + r"))\b"
)


POSTCODE_WORDS = {"post", "postcode", "postal", "zip", "plz", "code", "código", "codigo", "cap", "lives", "living", "moved", "woont", "wohnt"}  # fmt: skip


def find_postcodes(text: str) -> list[Finding]:
    found = [Finding(POSTCODE, *match.span()) for match in STANDALONE_POSTCODE.finditer(text)]
    found += [
        Finding(POSTCODE, *match.span("value")) for match in US_ZIP_AFTER_STATE.finditer(text)
    ]
    if words_in(text) & POSTCODE_WORDS:
        found += [Finding(POSTCODE, *match.span("value")) for match in CUED_POSTCODE.finditer(text)]
    return found


# --- Street addresses ------------------------------------------------------------------------

STREET_TYPES = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way|Boulevard|Blvd|Court|Ct|Place|"
    r"Pl|Crescent|Cres|Terrace|Square|Sq|Gardens|Grove|Row|Mews|Parade|Highway|Hwy|Walk"
)
HOUSE_NUMBER = r"\d{1,4}[A-Za-z]?(?:[-/]\d{1,4})?"
CAPITALISED = r"[A-Z][\w'’-]+"
# "12 Baker Street", "Flat 3, 221B Baker St"
ENGLISH_ADDRESS = rf"\b{HOUSE_NUMBER},? (?:{CAPITALISED} ){{1,3}}(?:{STREET_TYPES})\b\.?"
# "Kerkstraat 12", "Hauptstraße 5", "Rue de Rivoli 10" and "12 rue de Rivoli", "Calle Mayor 5",
# "Via Roma 10", "Rua Augusta 25".
EUROPEAN_ADDRESS = (
    rf"\b[A-Z][\w'’-]*(?:stra(?:ss|ß)e|str\.|straat|weg|laan|gracht|plein|gasse|allee|vej|gatan|gata)"
    rf" {HOUSE_NUMBER}\b"
    rf"|\b(?:{HOUSE_NUMBER},? )?(?i:rue|avenue|boulevard|calle|avenida|plaza|via|viale|piazza|"
    rf"corso|rua|largo|travessa)(?: (?:de|del|de la|des|du|da|do|di|della|dos|das))? "
    rf"{CAPITALISED}(?: {CAPITALISED})?(?:,? {HOUSE_NUMBER}\b)?"
)
ADDRESS = re.compile(rf"{ENGLISH_ADDRESS}|{EUROPEAN_ADDRESS}")
ADDRESS_CUE = re.compile(
    r"(?i)\b(?:lives?|living|address|addressed|deliver(?:ed|y)? to|ship(?:ped)? to|home|flat|"
    r"apartment|apt|moved|woont|wohnt|habite|vive|abita|resides)\b"
)
# A shop, office or warehouse is the company's own address, not a customer's.
BUSINESS_CUE = re.compile(
    r"(?i)\b(?:store|stores|branch|shop|office|warehouse|depot|outlet|showroom|"
    r"centre|center|hq|headquarters|site|mall|kiosk|pickup point|locker)\b"
)


STREET_WORDS = set(STREET_TYPES.lower().split("|")) | {
    "rue", "avenue", "boulevard", "calle", "avenida", "plaza", "via", "viale", "piazza", "corso",
    "rua", "largo", "travessa",
}  # fmt: skip
STREET_ENDINGS = ["stra", "str.", "weg", "laan", "gracht", "plein", "gasse", "allee", "vej", "gat"]


def find_addresses(text: str) -> list[Finding]:
    found = []
    if not words_in(text) & STREET_WORDS:
        lowered = text.lower()
        if not any(ending in lowered for ending in STREET_ENDINGS):
            return found
    for match in ADDRESS.finditer(text):
        around = text[max(0, match.start() - 40) : match.end() + 30]
        has_number = any(character.isdigit() for character in match.group())
        if BUSINESS_CUE.search(around):
            continue
        if has_number or ADDRESS_CUE.search(around):
            found.append(Finding(POSTAL_ADDRESS, *match.span()))
    return found


# --- Dates of birth --------------------------------------------------------------------------

MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
A_DATE = (
    r"\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?(?:{MONTHS}),? (?:\d{{4}}|'?\d{{2}})"
    rf"|(?:{MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}"
)
BIRTH_CUE = (
    r"\b(?:born(?: on)?|dob|d\.o\.b\.?|date of birth|birth ?date|birthday|"
    r"geboren(?: am)?|n[ée]e? le|fecha de nacimiento|nato il|nata il|geb\.)"
)
DATE_OF_BIRTH_PATTERN = re.compile(
    rf"(?i){BIRTH_CUE}(?:[\s:=-]|\bis\b|\bwas\b|\bon\b|\bthe\b){{0,5}}(?P<value>{A_DATE})\b"
)


BIRTH_WORDS = {"born", "dob", "d", "date", "birth", "birthdate", "birthday", "geboren", "née", "nee", "né", "ne", "fecha", "nato", "nata", "geb"}  # fmt: skip


def find_dates_of_birth(text: str) -> list[Finding]:
    if not words_in(text) & BIRTH_WORDS:
        return []
    return [
        Finding(DATE_OF_BIRTH, *match.span("value"))
        for match in DATE_OF_BIRTH_PATTERN.finditer(text)
    ]
