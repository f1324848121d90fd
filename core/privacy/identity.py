"""Bank details and identity documents, validated with python-stdnum's check digits.

A number counts only when its check digits agree, and most national numbers only after a cue
word ("BSN", "NHS number", "DNI"...): a bare 9-digit number is far likelier an order than a
person. Formats distinctive enough to stand alone (an IBAN, a codice fiscale, a Finnish HETU,
a formatted US SSN or Brazilian CPF, a Spanish DNI or NIE with its check letter, a UK National
Insurance number written in pairs) need no cue.
"""

import re

from stdnum import iban
from stdnum.au import tfn
from stdnum.be import nn as belgian_nn
from stdnum.br import cpf
from stdnum.ca import sin
from stdnum.ch import ssn as swiss_ssn
from stdnum.de import idnr
from stdnum.dk import cpr
from stdnum.es import dni, nie
from stdnum.fi import hetu
from stdnum.fr import nir
from stdnum.gb import nhs
from stdnum.ie import pps
from stdnum.in_ import aadhaar, pan
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.pl import pesel
from stdnum.pt import nif
from stdnum.se import personnummer
from stdnum.us import rtn, ssn

from core.privacy.kinds import (
    BANK_ACCOUNT,
    DRIVING_LICENCE,
    IBAN,
    NATIONAL_ID,
    PASSPORT,
    Finding,
)
from core.privacy.normalise import words_in

# What may stand between a cue word and its value: "BSN: ", "NHS number is ", "no. ".
LEAD_IN = r"(?:[\s:#=\-]|\b(?:number|no|nr|num|is|was|of|the|code|card|reads|read)\b\.?){0,6}"


def _cue(words: str, name: str = "") -> str:
    group = f"?P<{name}>" if name else "?:"
    return rf"(?i:\b({group}{words}))\b(?:'s)?{LEAD_IN}"


# --- IBANs and bank accounts -----------------------------------------------------------------

IBAN_CANDIDATE = re.compile(r"(?i)\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){10,30}\b")


def find_ibans(text: str) -> list[Finding]:
    found = []
    for match in IBAN_CANDIDATE.finditer(text):
        candidate = match.group()
        # Take the longest stretch from the start that passes the checksum: an IBAN may be
        # followed by another word.
        words = candidate.split(" ")
        for size in range(len(words), 0, -1):
            stretch = " ".join(words[:size])
            if len(stretch.replace(" ", "")) >= 14 and iban.is_valid(stretch.upper()):
                found.append(Finding(IBAN, match.start(), match.start() + len(stretch)))
                break
    return found


SORT_CODE = re.compile(
    _cue(r"sort[ -]?code|s/c|bank details") + r"(?P<value>\d{2}[- ]?\d{2}[- ]?\d{2})\b"
)
# A sort code followed by an 8-digit account number needs no cue: "20-00-00 55779911".
SORT_CODE_AND_ACCOUNT = re.compile(r"(?<![\d-])\d{2}-\d{2}-\d{2},? \d{8}\b")
ACCOUNT_NUMBER = re.compile(
    _cue(r"bank account|account number|account no|acct(?: no)?|a/c|bsb|bankleitzahl|blz|rib|clabe")
    + r"(?P<value>\d[\d -]{5,20}\d)\b"
)
ROUTING_NUMBER = re.compile(_cue(r"routing|aba") + r"(?P<value>\d{9})\b")


BANK_WORDS = {"sort", "c", "bank", "account", "acct", "bsb", "bankleitzahl", "blz", "rib", "clabe", "routing", "aba"}  # fmt: skip


def find_bank_accounts(text: str) -> list[Finding]:
    if not words_in(text) & BANK_WORDS:
        return []
    found = [Finding(BANK_ACCOUNT, *match.span()) for match in SORT_CODE_AND_ACCOUNT.finditer(text)]
    found += [Finding(BANK_ACCOUNT, *match.span("value")) for match in SORT_CODE.finditer(text)]
    found += [
        Finding(BANK_ACCOUNT, *match.span("value")) for match in ACCOUNT_NUMBER.finditer(text)
    ]
    found += [
        Finding(BANK_ACCOUNT, *match.span("value"))
        for match in ROUTING_NUMBER.finditer(text)
        if rtn.is_valid(match["value"])
    ]
    return found


# --- National identity and tax numbers -------------------------------------------------------

NATIONAL_ID_CUE_WORDS = (
    r"ssn|social security|social insurance|sin|ni|nino|national insurance|nhs|bsn|"
    r"burgerservicenummer|sofi|dni|nie|nif|codice fiscale|fiscal code|tax (?:id|code)|"
    r"tax(?:payer)? (?:identification )?number|tin|tfn|cpf|pesel|personnummer|personal (?:id|identity|code)|cpr|"
    r"hetu|pps|ppsn|aadhaar|aadhar|pan|steuer-?id|steuernummer|idnr|nir|insee|"
    r"num[eé]ro de s[eé]curit[eé] sociale|ahv|avs|rijksregisternummer|national (?:id|identity|number)|"
    r"identity (?:card|number|no)|id (?:card|number|no)|id-?nummer"
)
NATIONAL_ID_CUE = _cue(NATIONAL_ID_CUE_WORDS)
CUED_NUMBER = re.compile(
    _cue(NATIONAL_ID_CUE_WORDS, "cue") + r"(?P<value>[A-Z0-9][A-Z0-9 ./\-]{4,24}[A-Z0-9])", re.I
)
# Checked with a cue, on the value without its spaces, dots and dashes.
CUED_VALIDATORS = [ssn, nhs, bsn, dni, nie, codicefiscale, nir, idnr, personnummer, cpr, hetu,
                   pesel, belgian_nn, nif, pps, sin, tfn, aadhaar, pan, cpf, swiss_ssn]  # fmt: skip
# A cue that names one scheme is checked against that scheme only ("BSN" against the Dutch
# eleven test); a general one ("national id", "tax number") against them all. A UK National
# Insurance number is matched by its layout (NINO below), so its cues check nothing here.
SCHEMES = {
    "ssn": [ssn], "socialsecurity": [ssn], "sin": [sin], "socialinsurance": [sin], "ni": [],
    "nino": [], "nationalinsurance": [], "nhs": [nhs], "bsn": [bsn], "burgerservicenummer": [bsn],
    "sofi": [bsn], "dni": [dni], "nie": [nie], "nif": [dni, nie, nif],
    "codicefiscale": [codicefiscale], "fiscalcode": [codicefiscale], "cpf": [cpf],
    "pesel": [pesel], "personnummer": [personnummer], "cpr": [cpr], "hetu": [hetu], "pps": [pps],
    "ppsn": [pps], "tfn": [tfn], "aadhaar": [aadhaar], "aadhar": [aadhaar], "pan": [pan],
    "steuerid": [idnr], "steuernummer": [idnr], "idnr": [idnr], "nir": [nir], "insee": [nir],
    "numérodesécuritésociale": [nir], "numerodesecuritesociale": [nir], "ahv": [swiss_ssn],
    "avs": [swiss_ssn], "rijksregisternummer": [belgian_nn],
}  # fmt: skip


def _validators_for(cue: str) -> list:
    return SCHEMES.get(re.sub(r"[\s-]", "", cue.lower()), CUED_VALIDATORS)


# Distinctive enough to need no cue.
STANDALONE_VALIDATORS = {
    "ssn": ssn,
    "codicefiscale": codicefiscale,
    "hetu": hetu,
    "cpf": cpf,
    "swiss_ssn": swiss_ssn,
    "nie": nie,
    "dni": dni,
}
# One pattern for all of them, so that long text is read once.
STANDALONE = re.compile(
    r"\b(?:(?P<ssn>\d{3}-\d{2}-\d{4})|(?P<codicefiscale>[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z])"
    r"|(?P<hetu>\d{6}[-+A]\d{3}[0-9A-Z])|(?P<cpf>\d{3}\.\d{3}\.\d{3}-\d{2})"
    r"|(?P<swiss_ssn>756\.\d{4}\.\d{4}\.\d{2})|(?P<nie>[XYZ]-?\d{7}-?[A-Z])|(?P<dni>\d{8}-?[A-Z]))\b"
)
# A UK National Insurance number: two letters (not D, F, I, Q, U or V; no O second), three
# pairs of digits and A-D, written in pairs or after a cue.
NINO = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"(?P<spaced> \d{2} \d{2} \d{2} |\d{6})[A-D]\b"
)


def _compact(value: str) -> str:
    return re.sub(r"[\s./\-]", "", value).upper()


def _validated_prefix(value: str, validators) -> int:
    """The length of the longest run of whole words at the start of `value` that one of
    `validators` accepts; 0 when none does."""
    words = value.split(" ")
    for size in range(min(len(words), 5), 0, -1):
        stretch = " ".join(words[:size])
        compact = _compact(stretch)
        if any(
            validator.is_valid(compact) or validator.is_valid(stretch) for validator in validators
        ):
            return len(stretch)
    return 0


NATIONAL_ID_WORDS = {
    "ssn", "social", "sin", "ni", "nino", "national", "nhs", "bsn", "burgerservicenummer", "sofi",
    "dni", "nie", "nif", "codice", "fiscal", "tax", "taxpayer", "tin", "tfn", "cpf", "pesel",
    "personnummer", "personal", "cpr", "hetu", "pps", "ppsn", "aadhaar", "aadhar", "pan", "steuer",
    "steuernummer", "idnr", "nir", "insee", "numéro", "numero", "ahv", "avs", "rijksregisternummer",
    "identity", "id",
}  # fmt: skip


def find_national_ids(text: str) -> list[Finding]:
    found = []
    cued = words_in(text) & NATIONAL_ID_WORDS
    for match in CUED_NUMBER.finditer(text) if cued else ():
        length = _validated_prefix(match["value"], _validators_for(match["cue"]))
        if length:
            found.append(Finding(NATIONAL_ID, match.start("value"), match.start("value") + length))
    for match in STANDALONE.finditer(text):
        validator = STANDALONE_VALIDATORS[match.lastgroup]
        if validator.is_valid(match.group()) or validator.is_valid(_compact(match.group())):
            found.append(Finding(NATIONAL_ID, *match.span()))
    for match in NINO.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if match["spaced"].startswith(" ") or re.search(NATIONAL_ID_CUE + "$", before):
            found.append(Finding(NATIONAL_ID, *match.span()))
    return found


# --- Passports and driving licences ----------------------------------------------------------

DOCUMENT_NUMBER = r"(?P<value>(?=[A-Z0-9]*\d[A-Z0-9]*\d)[A-Z0-9]{6,18})\b"
PASSPORT_NUMBER = re.compile(
    _cue(r"passport|passeport|reisepass|pasaporte|passaporto|paspoort|travel document")
    + DOCUMENT_NUMBER,
    re.I,
)
LICENCE_NUMBER = re.compile(
    _cue(
        r"driving licen[cs]e|driver'?s licen[cs]e|driver licen[cs]e|dl ?(?:number|no|#)|"
        r"f[uü]hrerschein|permis de conduire|carn[eé] de conducir|patente|rijbewijs"
    )
    + DOCUMENT_NUMBER,
    re.I,
)
# The UK licence number's own layout: surname, birth date, initials, check digits.
UK_LICENCE = re.compile(r"\b[A-Z9]{5}\d[0156]\d[0-3]\d{2}[A-Z9]{2}\d[A-Z]{2}\b")


DOCUMENT_WORDS = {
    "passport", "passeport", "reisepass", "pasaporte", "passaporto", "paspoort", "travel", "driving",
    "driver", "dl", "führerschein", "fuhrerschein", "permis", "carné", "carne", "patente", "rijbewijs",
}  # fmt: skip


def find_documents(text: str) -> list[Finding]:
    if not words_in(text) & DOCUMENT_WORDS:
        return [Finding(DRIVING_LICENCE, *match.span()) for match in UK_LICENCE.finditer(text)]
    found = [Finding(PASSPORT, *match.span("value")) for match in PASSPORT_NUMBER.finditer(text)]
    found += [
        Finding(DRIVING_LICENCE, *match.span("value")) for match in LICENCE_NUMBER.finditer(text)
    ]
    found += [Finding(DRIVING_LICENCE, *match.span()) for match in UK_LICENCE.finditer(text)]
    return found
