"""The hostile-input corpus: values an attacker, a broken client or a careless paste would send.

Each value comes in two shapes: `form`, what a browser form or query string carries (text, a
list for a repeated field, bytes for what is not valid UTF-8, MISSING to leave the field out),
and `json`, what an API client would put in a JSON body (`RAW(...)` for JSON text that Python's
json module would never write, such as 1e309 or a lone surrogate escape).

`tests/test_hostile_inputs.py` sends every value to one field of every form and API endpoint.
"""

from dataclasses import dataclass

MISSING = object()


@dataclass(frozen=True)
class RAW:
    """JSON text put into the body as it is."""

    text: str


@dataclass(frozen=True)
class Hostile:
    id: str
    form: object
    json: object

    def effective_form_text(self):
        """The text a Django form field would see: the last of repeated values, bytes decoded."""
        value = self.form
        if isinstance(value, list):
            value = value[-1]
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        return value


SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HUGE = "x" * 100 * 1024

HOSTILE_VALUES = [
    # Out-of-range and special numbers.
    Hostile("minus-one", "-1", -1),
    Hostile("zero", "0", 0),
    Hostile("six", "6", 6),
    Hostile("int32-overflow", str(2**31), 2**31),
    Hostile("int64-overflow", str(2**63), 2**63),
    Hostile("int64-min", str(-(2**63)), -(2**63)),
    Hostile("float-overflow", "1e309", RAW("1e309")),
    Hostile("nan", "NaN", RAW("NaN")),
    Hostile("infinity", "Infinity", RAW("Infinity")),
    # Wrong types.
    Hostile("list", ["4", "banana"], [4, 5]),
    Hostile("dict", '{"a": 1}', {"a": 1}),
    Hostile("nested-json", '{"a": {"b": [1, {"c": null}]}}', {"a": {"b": [1, {"c": None}]}}),
    Hostile("true", "true", True),
    Hostile("null", "null", None),
    Hostile("deep-nesting", "[" * 10000, RAW("[" * 100000 + "]" * 100000)),
    # Missing and empty.
    Hostile("missing", MISSING, MISSING),
    Hostile("empty", "", ""),
    Hostile("blank", "   ", "   "),
    # Size.
    Hostile("100kb", HUGE, HUGE),
    # Unusual Unicode.
    Hostile("rtl-override", "ZD-1\u202etxt.exe", "ZD-1\u202etxt.exe"),
    Hostile("zero-width", "Re\u200bfu\u200dnd\u200c", "Re\u200bfu\u200dnd\u200c"),
    Hostile(
        "combining",
        "Z\u0351\u0300\u0301a\u0489l\u0327g\u0336o",
        "Z\u0351\u0300\u0301a\u0489l\u0327g\u0336o",
    ),
    Hostile(
        "emoji-zwj",
        "\U0001f469\u200d\U0001f469\u200d\U0001f467 \U0001f3f3\ufe0f\u200d\U0001f308",
        "\U0001f469\u200d\U0001f469\u200d\U0001f467 \U0001f3f3\ufe0f\u200d\U0001f308",
    ),
    Hostile("nul", "ZD-1\x00", "ZD-1\x00"),
    Hostile("lone-surrogate", b"ZD-\xed\xa0\x80", RAW('"ZD-\\ud800"')),
    Hostile("not-nfc", "Cafe\u0301 re\u0301sume\u0301", "Cafe\u0301 re\u0301sume\u0301"),
    # HTML and JavaScript.
    Hostile("script", SCRIPT, SCRIPT),
    Hostile("img-onerror", IMG, IMG),
    Hostile("javascript-url", "javascript:alert(1)", "javascript:alert(1)"),
    # SQL.
    Hostile("sql-or", "' OR 1=1 --", "' OR 1=1 --"),
    Hostile("sql-drop", "'; DROP TABLE x; --", "'; DROP TABLE x; --"),
]

assert len({value.id for value in HOSTILE_VALUES}) == len(HOSTILE_VALUES)
