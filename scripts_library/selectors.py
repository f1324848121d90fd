"""Reads for the knowledge library: search, acknowledgement status, and what changed in a
script since the version an agent last confirmed (suggestions for low ratings: low_ratings.py)."""

import json
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.text import Segment, word_diff
from scripts_library.models import Acknowledgement, Script, SearchEntry, SearchWord
from teams.access import has_role, is_admin
from teams.models import Role

QUERY_MAX_LENGTH = 200
MAX_TERMS = 8
FUZZY_MIN_LENGTH = 3
# pg_trgm's default threshold: below it, words share too little to be the same word misspelt.
SIMILARITY_THRESHOLD = 0.3
SUGGESTIONS_PER_TERM = 3
# Candidates read per term before the edit-distance check keeps the close ones.
CANDIDATES_PER_TERM = 12
# A guess may differ from the typed word by one edit (a letter added, dropped, changed, or two
# neighbours swapped); words longer than LONG_WORD may differ by two. Similar trigrams alone
# reach too far: "discont" shares five with "discover".
LONG_WORD = 8
PAGE_SIZE = 20
# Pages go up to the best 1,000 results: further down, better words find things faster.
MAX_PAGE = 50
TERM = re.compile(r"[^\W_]+")
# Private-use characters mark matches inside PostgreSQL's headline: they never occur in content,
# and they survive HTML escaping, so only our own <mark> tags reach the page.
MARK_START, MARK_END = "\ue000", "\ue001"
MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.DOTALL)

WORDS = SearchWord._meta.db_table
ENTRIES = SearchEntry._meta.db_table
SIMILAR_WORDS_SQL = f"""
WITH terms AS MATERIALIZED (
    SELECT t.ord AS idx, (%(words)s::text[])[t.ord] AS term,
           ARRAY(SELECT jsonb_array_elements_text(t.grams))::varchar(3)[] AS grams,
           jsonb_array_length(t.grams) AS size
    FROM jsonb_array_elements(%(grams)s::jsonb) WITH ORDINALITY AS t(grams, ord)
), unknown AS MATERIALIZED (
    -- A word spelt as in the library needs no guesses; they would only add noise.
    SELECT * FROM terms WHERE NOT EXISTS (SELECT 1 FROM {WORDS} w WHERE w.word = terms.term)
), shared AS (
    SELECT u.idx, w.word, count(*) AS shared,
           cardinality(w.trigrams) + u.size - count(*) AS combined
    FROM unknown u
    CROSS JOIN LATERAL unnest(u.grams) AS g(gram)
    -- One GIN index look-up per trigram. (A filter on the words' sizes here made the planner
    -- scan every word instead; the threshold below already leaves out words of far other sizes.)
    JOIN {WORDS} w ON w.trigrams @> ARRAY[g.gram]
    GROUP BY u.idx, u.size, w.word, w.trigrams
), ranked AS (
    SELECT idx, word, shared::float / combined AS similarity,
           row_number() OVER (PARTITION BY idx ORDER BY shared::float / combined DESC, word) AS place
    FROM shared WHERE shared::float / combined >= %(threshold)s
)
SELECT idx, word, similarity FROM ranked WHERE place <= %(per_term)s ORDER BY idx, place
"""


@dataclass
class SearchResult:
    kind: str
    object_id: int
    kind_label: str
    title: SafeString
    snippet: SafeString
    url: str
    published: bool


@dataclass
class SearchResults:
    query: str
    terms: list[str] = field(default_factory=list)
    groups: list[tuple[str, list[SearchResult]]] = field(default_factory=list)
    page: int = 1
    first: int = 0  # the place of this page's first result among all results, from 1
    has_next: bool = False

    @property
    def count(self) -> int:
        """The results on this page."""
        return sum(len(results) for _, results in self.groups)

    @property
    def last(self) -> int:
        return self.first + self.count - 1


def search_terms(query: str) -> list[str]:
    """The words of a query, lower-cased: only letters and digits, so nothing else reaches SQL."""
    return list(dict.fromkeys(term.lower() for term in TERM.findall(query)))[:MAX_TERMS]


def similar_words(terms: list[str]) -> dict[str, list[str]]:
    """For each term not in the lexicon, the closest library words by trigram similarity."""
    fuzzy = [term for term in terms if len(term) >= FUZZY_MIN_LENGTH]
    if not fuzzy:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            SIMILAR_WORDS_SQL,
            {
                "words": fuzzy,
                "grams": json.dumps([SearchWord.trigrams_of(term) for term in fuzzy]),
                "threshold": SIMILARITY_THRESHOLD,
                "per_term": CANDIDATES_PER_TERM,
            },
        )
        rows = cursor.fetchall()
    found: dict[str, list[str]] = {}
    for index, word, _similarity in rows:
        term = fuzzy[index - 1]
        close = found.setdefault(term, [])
        if len(close) < SUGGESTIONS_PER_TERM and edit_distance(term, word) <= edits_allowed(term):
            close.append(word)
    return {term: words for term, words in found.items() if words}


def edits_allowed(term: str) -> int:
    return 1 if len(term) <= LONG_WORD else 2


def edit_distance(a: str, b: str) -> int:
    """Edits from `a` to `b`: letters inserted, deleted or changed, and neighbours swapped
    (the optimal string alignment distance)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _tsquery(groups: list[list[str]], operator: str) -> str:
    return f" {operator} ".join("(" + " | ".join(group) + ")" for group in groups)


# One branch of the search: the ids of the best `end` entries that match `where`, best first.
# Only narrow rows are sorted; the text is fetched for the page's rows alone.
SEARCH_BRANCH_SQL = f"""
    SELECT id, {{branch}} AS branch, title,
           -- Comparing lengths first spares upper-casing every title that cannot match.
           (char_length(title) = %(title_length)s AND upper(title) = upper(%(title)s)) AS exact,
           -- Every word as typed (or its start), without a guess for a typo: above the guesses.
           document @@ to_tsquery('english', %(typed)s) AS typed,
           ts_rank(document, to_tsquery('english', %(any_word)s)) AS rank
    FROM {ENTRIES}
    WHERE {{where}}
    ORDER BY exact DESC, typed DESC, rank DESC, title, id
    LIMIT %(end)s
"""
SEARCH_SQL = f"""
SELECT e.kind, e.object_id, e.slug, e.published,
       ts_headline('english', e.title, to_tsquery('english', %(any_word)s), %(title_options)s),
       ts_headline('english', e.body, to_tsquery('english', %(any_word)s), %(snippet_options)s)
FROM (SELECT * FROM ({{branches}}) AS matches LIMIT %(end)s OFFSET %(offset)s) AS best
JOIN {ENTRIES} e ON e.id = best.id
ORDER BY best.branch, best.exact DESC, best.typed DESC, best.rank DESC, best.title, best.id
"""
EVERY_WORD = "document @@ to_tsquery('english', %(every_word)s)"
SOME_WORDS = f"document @@ to_tsquery('english', %(any_word)s) AND NOT {EVERY_WORD}"
TITLE_OPTIONS = f"StartSel='{MARK_START}', StopSel='{MARK_END}', HighlightAll=true"
SNIPPET_OPTIONS = (
    f"StartSel='{MARK_START}', StopSel='{MARK_END}', MaxWords=35, MinWords=12, "
    "MaxFragments=2, FragmentDelimiter=' … '"
)


def library_search(
    *, query: str, user, kinds: list[str] | None = None, page: int = 1, per_page: int = PAGE_SIZE
) -> SearchResults:
    """One page of library entries for `query`: an exact title first, then entries with every
    word, then by full-text rank. A word missing from the library is widened with the library's
    words one edit away (two for long words); entries with the words as typed rank above those
    found through such a guess.

    Runs at most two queries whatever the input. `query` must already be length-checked.
    """
    results = SearchResults(query=query, terms=search_terms(query), page=page)
    if not results.terms:
        return results
    suggestions = similar_words(results.terms)
    # The typed word also matches as a prefix, so "disc" finds "discount" while it is typed.
    # Terms are letters and digits only (search_terms), so they cannot break the tsquery syntax.
    groups = [[f"{term}:*", *suggestions.get(term, [])] for term in results.terms]
    title = " ".join(query.split())
    offset = (page - 1) * per_page
    params = {
        "any_word": _tsquery(groups, "|"),
        "every_word": _tsquery(groups, "&"),
        "typed": _tsquery([[f"{term}:*"] for term in results.terms], "&"),
        "title": title,
        "title_length": len(title),
        "kinds": kinds,
        "offset": offset,
        # One more than the page holds tells whether there is a next page.
        "end": offset + per_page + 1,
        "title_options": TITLE_OPTIONS,
        "snippet_options": SNIPPET_OPTIONS,
    }
    visible = ("" if is_admin(user) else " AND published") + (
        " AND kind = ANY(%(kinds)s)" if kinds else ""
    )
    # Entries with every word first, then those with only some, each branch ranked on its own.
    # PostgreSQL runs the branches of a UNION ALL in order and stops at the limit, so when
    # entries with every word fill the page, the others are never ranked: a common word costs a
    # rank for the entries with every word only. (An exact title has every word: first branch.)
    branches = [_branch(1, EVERY_WORD + visible)]
    if len(groups) > 1:
        branches.append(_branch(2, SOME_WORDS + visible))
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_SQL.format(branches=" UNION ALL ".join(branches)), params)
        rows = cursor.fetchall()
    results.has_next = len(rows) > per_page and page < MAX_PAGE
    rows = rows[:per_page]
    results.first = offset + 1 if rows else 0
    grouped: dict[str, list[SearchResult]] = {}
    labels = dict(SearchEntry.Kind.choices)
    for kind, object_id, slug, published, title_marked, snippet_marked in rows:
        grouped.setdefault(kind, []).append(
            SearchResult(
                kind=kind,
                object_id=object_id,
                kind_label=labels[kind],
                title=highlight(title_marked),
                snippet=highlight(snippet_marked),
                url=entry_url(kind, object_id, slug),
                published=published,
            )
        )
    # Groups keep the order of their best result, so the best match of all is always on top.
    results.groups = [(labels[kind], items) for kind, items in grouped.items()]
    return results


def _branch(number: int, where: str) -> str:
    return "(" + SEARCH_BRANCH_SQL.format(branch=number, where=where) + ")"


def highlight(marked: str) -> SafeString:
    """Escape everything, then turn our match markers (and only them) into <mark> tags."""
    escaped = MARKED.sub(r"<mark>\1</mark>", escape(marked))
    return mark_safe(escaped.replace(MARK_START, "").replace(MARK_END, ""))


def entry_url(kind: str, object_id: int, slug: str) -> str:
    if kind == SearchEntry.Kind.SCRIPT:
        return reverse("library_script", args=[slug])
    if kind == SearchEntry.Kind.PLAYBOOK:
        return reverse("library_playbook", args=[slug])
    page, anchor = {
        SearchEntry.Kind.FAQ: ("library_faq", "faq"),
        SearchEntry.Kind.PHRASE: ("library_language", "phrase"),
        SearchEntry.Kind.MISTAKE: ("library_mistakes", "mistake"),
    }[kind]
    return f"{reverse(page)}#{anchor}-{object_id}"


def acknowledgement_status(script: Script) -> dict:
    """Which active agents have confirmed the version of `script` that asks for it, and who not."""
    agents = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.AGENT)
        .select_related("membership__team")
        .order_by("membership__team__name", "username")
        .distinct()
    )
    confirmed_at = {}
    if script.acknowledgement_version is not None:
        confirmed_at = dict(
            Acknowledgement.objects.filter(
                script=script, version__gte=script.acknowledgement_version
            )
            .order_by("user_id", "acknowledged_at")
            .distinct("user_id")
            .values_list("user_id", "acknowledged_at")
        )
    confirmed = [(agent, confirmed_at[agent.pk]) for agent in agents if agent.pk in confirmed_at]
    waiting = [agent for agent in agents if agent.pk not in confirmed_at]
    return {"confirmed": confirmed, "waiting": waiting}


# The fields an agent reads on the script page, labelled as the page names them.
READ_FIELDS = [
    ("title", "Title"),
    ("situation", "When to use it"),
    ("body", "The script"),
    ("guidance", "Around the words"),
]


@dataclass
class FieldChange:
    label: str
    segments: list[Segment]


@dataclass
class ConfirmationRequest:
    """A must-read version awaiting the agent's confirmation, and the changes since their last one."""

    # The newest version the agent confirmed before; None for a first reading, which shows no changes.
    confirmed_version: int | None = None
    changes: list[FieldChange] = field(default_factory=list)
    # The confirmed version has no history row (content loaded without one), so there is no diff.
    history_missing: bool = False


def confirmation_request(script: Script, user) -> ConfirmationRequest | None:
    """What `user` is asked to confirm on the script's page; None when nothing awaits them.

    Only agents confirm, only published must-read versions. The changes compare the history row
    of the newest version they confirmed with the script as it is now, field by field.
    """
    if not script.is_published or script.acknowledgement_version is None:
        return None
    if not has_role(user, Role.AGENT):
        return None
    confirmed = (
        Acknowledgement.objects.filter(script=script, user=user)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if confirmed is not None and confirmed >= script.acknowledgement_version:
        return None
    if confirmed is None:
        return ConfirmationRequest()
    then = script.history.filter(version=confirmed).order_by("-history_date", "-history_id").first()
    if then is None:
        return ConfirmationRequest(confirmed_version=confirmed, history_missing=True)
    changes = []
    for name, label in READ_FIELDS:
        old, new = getattr(then, name), getattr(script, name)
        if old.split() != new.split():
            changes.append(FieldChange(label, word_diff(old, new, context=None)))
    return ConfirmationRequest(confirmed_version=confirmed, changes=changes)
