"""What a low rating's note is about, found by the library's own search: for each note, the
published entries that best match its words (misspelt words widened as in the search box)."""

from dataclasses import dataclass

from django.db import connection

from scripts_library.models import SearchEntry
from scripts_library.selectors import (
    SNIPPET_OPTIONS,
    TERM,
    _tsquery,
    entry_url,
    highlight,
    similar_words,
)

# A note is longer than a search: more of its words count, each one as written (no prefixes).
NOTE_TERMS = 24
PER_NOTE = 3

# A word found in more than this share of the published entries ("customer", "call") says
# nothing about what a note is about: it is left out of the note's query.
COMMON_SHARE = 0.15

ENTRIES = SearchEntry._meta.db_table
COMMON_SQL = f"""
SELECT w.term
FROM unnest(%(terms)s::text[]) AS w(term)
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE e.document @@ to_tsquery('english', w.term)) AS with_it,
           count(*) AS entries
    FROM {ENTRIES} e WHERE e.published
) AS counted
WHERE counted.with_it > %(share)s * counted.entries
"""
# Published entries only, whoever reads the note: a draft is not advice yet.
NOTE_SQL = f"""
SELECT n.idx, m.kind, m.object_id, m.slug, m.title,
       ts_headline('english', m.body, to_tsquery('english', n.query), %(snippet_options)s)
FROM unnest(%(queries)s::text[]) WITH ORDINALITY AS n(query, idx)
CROSS JOIN LATERAL (
    SELECT e.id, e.kind, e.object_id, e.slug, e.title, e.body
    FROM {ENTRIES} e
    WHERE e.published AND e.document @@ to_tsquery('english', n.query)
    ORDER BY ts_rank(e.document, to_tsquery('english', n.query)) DESC, e.title, e.id
    LIMIT %(per_note)s
) AS m
ORDER BY n.idx
"""


@dataclass
class NoteMatch:
    kind_label: str
    title: str
    url: str
    snippet: str


def note_terms(note: str) -> list[str]:
    return list(dict.fromkeys(term.lower() for term in TERM.findall(note or "")))[:NOTE_TERMS]


def matches_for_notes(notes: list[str], *, exclude_slugs=()) -> list[list[NoteMatch]]:
    """For each of `notes`, up to PER_NOTE published entries, best first. Three queries for
    any number of notes (the words too common to tell anything, the typo guesses for the
    others, then the matches); none without words. Scripts in `exclude_slugs` (already suggested) are left out."""
    terms = [note_terms(note) for note in notes]
    if not any(terms):
        return [[] for _ in notes]
    every = sorted({term for words in terms for term in words})
    with connection.cursor() as cursor:
        cursor.execute(COMMON_SQL, {"terms": every, "share": COMMON_SHARE})
        common = {term for (term,) in cursor.fetchall()}
    terms = [[term for term in words if term not in common] for words in terms]
    guesses = similar_words(sorted({term for words in terms for term in words}))
    queries = [_tsquery([[term, *guesses.get(term, [])] for term in words], "|") for words in terms]
    with connection.cursor() as cursor:
        cursor.execute(
            NOTE_SQL,
            {
                "queries": queries,
                # One more per note than shown, so an excluded script leaves room for another.
                "per_note": PER_NOTE + len(exclude_slugs),
                "snippet_options": SNIPPET_OPTIONS,
            },
        )
        rows = cursor.fetchall()
    labels = dict(SearchEntry.Kind.choices)
    found: list[list[NoteMatch]] = [[] for _ in notes]
    for index, kind, object_id, slug, title, snippet in rows:
        shown = found[index - 1]
        if not terms[index - 1] or len(shown) >= PER_NOTE:
            continue
        if kind == SearchEntry.Kind.SCRIPT and slug in exclude_slugs:
            continue
        shown.append(
            NoteMatch(labels[kind], title, entry_url(kind, object_id, slug), highlight(snippet))
        )
    return found
