"""Reads for the knowledge library: search, suggestions for low ratings, acknowledgement status."""

import json
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from scripts_library.models import Acknowledgement, Script, SearchEntry, SearchWord
from teams.access import is_admin
from teams.models import Role

QUERY_MAX_LENGTH = 200
MAX_TERMS = 8
FUZZY_MIN_LENGTH = 3
# pg_trgm's default threshold: below it, words share too little to be the same word misspelt.
SIMILARITY_THRESHOLD = 0.3
SUGGESTIONS_PER_TERM = 3
RESULT_LIMIT = 60
TERM = re.compile(r"[^\W_]+")
# Private-use characters mark matches inside PostgreSQL's headline: they never occur in content,
# and they survive HTML escaping, so only our own <mark> tags reach the page.
MARK_START, MARK_END = "\ue000", "\ue001"
MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.DOTALL)
LOW_RATING = 2

WORDS = SearchWord._meta.db_table
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
    JOIN {WORDS} w ON w.trigrams @> ARRAY[g.gram]
    -- shared / combined can only reach the threshold if neither word has far more trigrams.
    WHERE cardinality(w.trigrams) BETWEEN u.size * %(threshold)s AND u.size / %(threshold)s
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

    @property
    def count(self) -> int:
        return sum(len(results) for _, results in self.groups)


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
                "per_term": SUGGESTIONS_PER_TERM,
            },
        )
        rows = cursor.fetchall()
    found: dict[str, list[str]] = {}
    for index, word, _similarity in rows:
        found.setdefault(fuzzy[index - 1], []).append(word)
    return found


def _tsquery(groups: list[list[str]], operator: str) -> str:
    return f" {operator} ".join("(" + " | ".join(group) + ")" for group in groups)


def library_search(*, query: str, user, kinds: list[str] | None = None) -> SearchResults:
    """Rank library entries for `query`: an exact title first, then entries with every word, then
    by full-text rank. Misspelt words are widened with similar words from the lexicon.

    Runs at most two queries whatever the input. `query` must already be length-checked.
    """
    results = SearchResults(query=query, terms=search_terms(query))
    if not results.terms:
        return results
    suggestions = similar_words(results.terms)
    # The typed word also matches as a prefix, so "disc" finds "discount" while it is typed.
    groups = [[f"{term}:*", *suggestions.get(term, [])] for term in results.terms]
    any_word = SearchQuery(_tsquery(groups, "|"), search_type="raw", config="english")
    every_word = SearchQuery(_tsquery(groups, "&"), search_type="raw", config="english")
    entries = SearchEntry.objects.filter(document=any_word)
    if not is_admin(user):
        entries = entries.filter(published=True)
    if kinds:
        entries = entries.filter(kind__in=kinds)
    entries = (
        entries.annotate(
            exact_title=Case(
                When(title__iexact=" ".join(query.split()), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            has_every_word=Case(
                When(document=every_word, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            rank=SearchRank(F("document"), any_word),
            title_marked=SearchHeadline(
                "title",
                any_word,
                config="english",
                start_sel=MARK_START,
                stop_sel=MARK_END,
                highlight_all=True,
            ),
            snippet_marked=SearchHeadline(
                "body",
                any_word,
                config="english",
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=35,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-exact_title", "-has_every_word", "-rank", "title", "id")
        .values("kind", "object_id", "slug", "published", "title_marked", "snippet_marked")
    )[:RESULT_LIMIT]
    grouped: dict[str, list[SearchResult]] = {}
    labels = dict(SearchEntry.Kind.choices)
    for row in entries:
        grouped.setdefault(row["kind"], []).append(
            SearchResult(
                kind=row["kind"],
                object_id=row["object_id"],
                kind_label=labels[row["kind"]],
                title=highlight(row["title_marked"]),
                snippet=highlight(row["snippet_marked"]),
                url=entry_url(row["kind"], row["object_id"], row["slug"]),
                published=row["published"],
            )
        )
    # Groups keep the order of their best result, so the best match of all is always on top.
    results.groups = [(labels[kind], items) for kind, items in grouped.items()]
    return results


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


@dataclass
class LowRatingSuggestion:
    criterion_name: str
    rating: int
    scripts: list[Script]


def scripts_for_low_ratings(evaluations) -> list[LowRatingSuggestion]:
    """Published scripts linked to each criterion rated 1 or 2 in any of `evaluations`.

    Missing evaluations (None or "") are skipped, so a page can pass whichever it has. Ratings
    should be prefetched with their criteria; the scripts come in one query.
    """
    lowest: dict[str, tuple[object, int]] = {}
    for evaluation in evaluations:
        if not evaluation:
            continue
        for rating in evaluation.ratings.all():
            if rating.value is None or rating.value > LOW_RATING:
                continue
            key = rating.criterion.key
            if key not in lowest or rating.value < lowest[key][1]:
                lowest[key] = (rating.criterion, rating.value)
    if not lowest:
        return []
    scripts = list(
        Script.objects.published()
        .filter(criterion_keys__overlap=list(lowest))
        .only("title", "slug", "situation", "criterion_keys")
        .order_by("title")
    )
    suggestions = []
    for key, (criterion, rating) in sorted(lowest.items(), key=lambda item: item[1][0].position):
        linked = [script for script in scripts if key in script.criterion_keys]
        if linked:
            suggestions.append(LowRatingSuggestion(criterion.name, rating, linked))
    return suggestions


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
