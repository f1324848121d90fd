"""Plain-text helpers: one line-ending convention, and a word-level diff for showing edits."""

from dataclasses import dataclass
from difflib import SequenceMatcher


def normalise_newlines(text: str) -> str:
    """`text` with every line break as "\\n" (browsers send textareas' breaks as "\\r\\n")."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Segment:
    """A run of words in a diff. `kind` is "same", "removed", "added", or "gap" for words
    left out; `text` is plain text, to be escaped where it is shown."""

    kind: str
    text: str = ""


GAP = Segment("gap", "…")
EXACT_MATCH_WORDS = 2000


def _kept(words: list[str], context: int | None, *, first: bool, last: bool) -> list[Segment]:
    """An unchanged run of words, cut to `context` words next to each change it touches
    (whole with `context` None)."""
    if (first and last) or context is None:
        shown = [words]
    elif first:
        shown = [None, words[len(words) - context :]] if len(words) > context else [words]
    elif last:
        shown = [words[:context], None] if len(words) > context else [words]
    elif len(words) > 2 * context:
        shown = [words[:context], None, words[len(words) - context :]]
    else:
        shown = [words]
    return [GAP if run is None else Segment("same", " ".join(run)) for run in shown if run != []]


def word_diff(old: str, new: str, context: int | None = 8) -> list[Segment]:
    """What changed from `old` to `new`, word by word: each change with up to `context`
    unchanged words either side, and a gap for the unchanged words between (every unchanged
    word with `context` None). Spacing and line breaks are not words: texts that differ only
    in them give no segments."""
    a, b = normalise_newlines(old).split(), normalise_newlines(new).split()
    if a == b:
        return []
    # The shared start and end are matched first, so the matcher compares only the middle.
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    old_middle, new_middle = a[start : len(a) - end], b[start : len(b) - end]
    # Exact matching costs the product of the lengths; long middles use difflib's heuristic.
    exact = max(len(old_middle), len(new_middle)) <= EXACT_MATCH_WORDS
    matcher = SequenceMatcher(None, old_middle, new_middle, autojunk=not exact)
    runs: list[tuple[str, list[str], list[str]]] = [("equal", a[:start], [])]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        runs.append((tag, old_middle[i1:i2], new_middle[j1:j2]))
    runs.append(("equal", a[len(a) - end :], []))

    segments: list[Segment] = []
    last = len(runs) - 1
    for index, (tag, old_words, new_words) in enumerate(runs):
        if tag == "equal":
            segments += _kept(old_words, context, first=index == 0, last=index == last)
            continue
        if old_words:
            segments.append(Segment("removed", " ".join(old_words)))
        if new_words:
            segments.append(Segment("added", " ".join(new_words)))
    return segments
