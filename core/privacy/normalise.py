"""Folding look-alike characters, so that no pattern can be slipped past with them."""

import re
import unicodedata
from functools import lru_cache

# Invisible characters could split "4111<zero-width space>1111..." past every pattern below.
INVISIBLE_CHARACTERS = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# NFKC already folds full-width forms; these dashes survive it and are used as separators.
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
ANY_DECIMAL_DIGIT = re.compile(r"\d")


def normalise(text: str) -> str:
    """Fold look-alike characters so that "４１１１", "۴۱۱۱" and "4111" read the same."""
    text = unicodedata.normalize("NFKC", INVISIBLE_CHARACTERS.sub("", text))
    text = text.translate(DASHES)
    if not text.isascii():
        # NFKC leaves other scripts' digits (Arabic-Indic, Devanagari...) as they are.
        text = ANY_DECIMAL_DIGIT.sub(lambda match: str(int(match.group())), text)
    return text


WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=8)
def words_in(text: str) -> frozenset[str]:
    """The text's words, lower-cased: recognisers that need a cue word skip text without one."""
    return frozenset(WORD.findall(text.lower()))
