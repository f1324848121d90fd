"""Words that help with a rating of 1 or 2: the published scripts linked to its criterion, what
other apps register for it, and what the library's own search finds for the words of its note
(published entries only; misspelt words widened as in the search box)."""

from dataclasses import dataclass, field

from django.db import connection

from rubrics.models import is_low_rating
from scripts_library.models import Script, SearchEntry
from scripts_library.selectors import (
    SNIPPET_OPTIONS,
    TERM,
    _tsquery,
    entry_url,
    highlight,
    similar_words,
)
from scripts_library.suggestions import extras_for

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


@dataclass
class LowRatingSuggestion:
    criterion_name: str
    rating: int
    scripts: list[Script]
    # What other apps suggest for the criterion (see scripts_library.suggestions).
    extras: list = field(default_factory=list)
    # What the library's search finds for the words of the rating's note.
    from_note: list = field(default_factory=list)


def scripts_for_low_ratings(evaluations) -> list[LowRatingSuggestion]:
    """Published scripts linked to each criterion rated 1 or 2 in any of `evaluations`, and
    what the library's search finds for the words of those ratings' notes (published entries
    only), so a note says more than the criterion alone.

    Missing evaluations (None or "") are skipped, so a page can pass whichever it has. Ratings
    should be prefetched with their criteria; the scripts come in one query, the notes'
    matches in two, whatever the number of low ratings.
    """
    lowest: dict[str, tuple[object, int]] = {}
    notes: dict[str, list[str]] = {}
    for evaluation in evaluations:
        if not evaluation:
            continue
        for rating in evaluation.ratings.all():
            if not is_low_rating(rating.value):
                continue
            key = rating.criterion.key
            if key not in lowest or rating.value < lowest[key][1]:
                lowest[key] = (rating.criterion, rating.value)
            if rating.comment.strip():
                notes.setdefault(key, []).append(rating.comment)
    if not lowest:
        return []
    scripts = list(
        Script.objects.published()
        .filter(criterion_keys__overlap=list(lowest))
        .only("title", "slug", "situation", "criterion_keys")
        .order_by("title")
    )
    extras = extras_for(list(lowest))
    noted = list(notes)
    matches = dict(
        zip(
            noted,
            matches_for_notes(
                [" ".join(notes[key]) for key in noted],
                exclude_slugs={script.slug for script in scripts},
            ),
            strict=True,
        )
    )
    suggestions = []
    for key, (criterion, rating) in sorted(lowest.items(), key=lambda item: item[1][0].position):
        linked = [script for script in scripts if key in script.criterion_keys]
        from_note = matches.get(key, [])
        if linked or extras.get(key) or from_note:
            suggestions.append(
                LowRatingSuggestion(
                    criterion.name, rating, linked, extras.get(key, []), from_note=from_note
                )
            )
    return suggestions
