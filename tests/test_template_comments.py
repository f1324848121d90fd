"""Django's `{# #}` comment ends at the line's end: one spanning lines is printed on the page."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNCLOSED = re.compile(r"\{#(?:(?!#\}).)*$", re.MULTILINE)


def templates():
    for path in ROOT.rglob("*.html"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & {".venv", "node_modules", "htmlcov", "docs"}:
            continue
        if "templates" in parts:
            yield path


def test_templates_are_found():
    assert any(path.name == "rating_fields.html" for path in templates())


def test_no_one_line_comment_spans_lines():
    spanning = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in templates()
        for text in [path.read_text()]
        for match in UNCLOSED.finditer(text)
    ]
    assert spanning == [], "use {% comment %} for a comment over several lines"
