"""Library search: ranking, stemming, typos, highlighting, bad input and the index staying current."""

import io

import pytest
from django.core import serializers

from scripts_library import selectors
from scripts_library.models import (
    FaqCategory,
    FaqEntry,
    Phrase,
    Script,
    ScriptCategory,
    SearchEntry,
    SearchWord,
)
from scripts_library.selectors import library_search

pytestmark = pytest.mark.django_db


def titles(results):
    return [str(result.title) for _, items in results.groups for result in items]


def plain(html):
    return html.replace("<mark>", "").replace("</mark>", "")


@pytest.fixture
def refund_content():
    category = ScriptCategory.objects.first()
    faq = FaqCategory.objects.first()
    # Mentions refunds often but is not titled "Refund"; the exact title must still win.
    FaqEntry.objects.create(
        category=faq,
        question="Refunds, refunds and more refunds: how do refund rules work?",
        answer="A refund is due when a refund was promised. Refund refunds refunded.",
    )
    Script.objects.create(
        category=category,
        title="Refund",
        slug="refund",
        situation="When a customer asks for their money back.",
        body="I can arrange that for you, [Customer Name].",
        status=Script.Status.PUBLISHED,
    )
    Phrase.objects.create(
        text="We will put it right.", when_to_use="After a late refund.", value="Ownership"
    )


def test_an_exact_title_match_comes_first(agent, refund_content):
    results = library_search(query="Refund", user=agent)
    assert plain(titles(results)[0]) == "Refund"
    assert results.groups[0][0] == "Scripts"


def test_results_are_grouped_by_kind_with_each_kind_once(agent, refund_content):
    results = library_search(query="refund", user=agent)
    labels = [label for label, _ in results.groups]
    assert set(labels) == {"Scripts", "FAQ", "Language bank"}
    assert len(labels) == len(set(labels))


def test_stemming_finds_other_forms_of_a_word(agent, refund_content):
    for query in ["refunds", "refunding", "refunded"]:
        found = [plain(title) for title in titles(library_search(query=query, user=agent))]
        assert "Refund" in found, query


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("refnd", "Refund"),
        ("dicsount", "Declining a discount that breaks policy"),
        ("breech", "A customer reports a possible data breach"),
        ("abusve customer", "An angry or abusive customer"),
    ],
)
def test_misspelt_words_still_find_things(agent, refund_content, typo, expected):
    found = [plain(title) for title in titles(library_search(query=typo, user=agent))]
    assert expected in found


def test_a_short_query_matches_the_start_of_words(agent):
    found = [plain(title) for title in titles(library_search(query="disc", user=agent))]
    assert "Declining a discount that breaks policy" in found


def test_entries_with_every_word_come_before_those_with_some(agent):
    found = [plain(t) for t in titles(library_search(query="data breach", user=agent))]
    assert found[0] == "A customer reports a possible data breach"


@pytest.fixture
def kiwi_faq():
    """FAQ answers with both "kiwi" and "mango", saying them 1 to 9 times, and three that only
    say "kiwi", but in the title too: by rank alone, those three would come first."""
    category = FaqCategory.objects.first()
    for times in range(1, 10):
        FaqEntry.objects.create(
            category=category, question=f"Fruit both {times}?", answer="kiwi mango " * times
        )
    for times in (10, 12, 14):
        FaqEntry.objects.create(
            category=category, question=f"Kiwi kiwi {times}?", answer="kiwi " * times
        )
    both = [f"Fruit both {times}?" for times in range(9, 0, -1)]
    return both + ["Kiwi kiwi 14?", "Kiwi kiwi 12?", "Kiwi kiwi 10?"]


def all_pages(query, user, per_page):
    found, page = [], 1
    while True:
        results = library_search(query=query, user=user, page=page, per_page=per_page)
        found.append([plain(title) for title in titles(results)])
        if not results.has_next:
            return found
        page += 1


def test_pages_follow_one_order_every_word_first_then_by_rank(agent, kiwi_faq):
    # Pages of 4 end inside the entries with every word, and one straddles the two kinds.
    pages = all_pages("kiwi mango", agent, per_page=4)
    assert [len(page) for page in pages] == [4, 4, 4]
    assert [title for page in pages for title in page] == kiwi_faq


def test_a_page_counts_its_place_among_all_results(agent, kiwi_faq):
    second = library_search(query="kiwi mango", user=agent, page=2, per_page=5)
    assert (second.first, second.last, second.has_next) == (6, 10, True)
    last = library_search(query="kiwi mango", user=agent, page=3, per_page=5)
    assert (last.first, last.last, last.has_next) == (11, 12, False)
    beyond = library_search(query="kiwi mango", user=agent, page=4, per_page=5)
    assert (beyond.count, beyond.first, beyond.has_next) == (0, 0, False)


def test_an_exact_title_of_several_words_comes_first(agent, kiwi_faq):
    FaqEntry.objects.create(
        category=FaqCategory.objects.first(), question="Kiwi, mango", answer="Rarely asked."
    )
    assert plain(titles(library_search(query="kiwi  MANGO", user=agent))[0]) == "Kiwi, mango"


def test_one_word_pages_by_rank(agent, kiwi_faq):
    found = [title for page in all_pages("kiwi", agent, per_page=5) for title in page]
    assert found[:3] == ["Kiwi kiwi 14?", "Kiwi kiwi 12?", "Kiwi kiwi 10?"]
    assert sorted(found) == sorted(kiwi_faq)


def test_there_is_no_page_after_the_last_allowed(agent, kiwi_faq, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_PAGE", 2)
    assert library_search(query="kiwi", user=agent, page=1, per_page=5).has_next
    assert not library_search(query="kiwi", user=agent, page=2, per_page=5).has_next


def test_matched_words_are_highlighted(agent):
    results = library_search(query="discounts", user=agent)
    assert any(
        "<mark>discount</mark>" in str(r.title) for _, items in results.groups for r in items
    )
    assert any("<mark>" in str(r.snippet) for _, items in results.groups for r in items)


def test_html_in_content_is_escaped_and_only_our_marks_are_markup(agent):
    Phrase.objects.create(
        text="<script>alert('kiwi')</script> kiwi", when_to_use="never", value="Test"
    )
    result = library_search(query="kiwi", user=agent).groups[0][1][0]
    assert "<script>" not in result.title
    assert "&lt;script&gt;" in result.title and "<mark>kiwi</mark>" in result.title


def test_search_runs_two_queries_whatever_the_query(agent, django_assert_num_queries):
    library_search(query="warm up", user=agent)  # the user's roles are looked up once
    for query in ["refnd dicsount breech customer data policy " * 5, "discount"]:
        with django_assert_num_queries(2):
            library_search(query=query, user=agent)
    with django_assert_num_queries(1):  # too short to misspell: no lexicon look-up
        library_search(query="a", user=agent)


def test_a_query_with_no_words_runs_no_query(agent, django_assert_num_queries):
    with django_assert_num_queries(0):
        results = library_search(query="!!! ??? ---", user=agent)
    assert results.count == 0 and results.terms == []


def test_drafts_are_found_only_by_admins(agent, supervisor, admin_user):
    Script.objects.create(
        category=ScriptCategory.objects.first(),
        title="Quokka draft",
        slug="quokka",
        situation="Never.",
        body="A quokka script.",
    )
    assert library_search(query="quokka", user=agent).count == 0
    assert library_search(query="quokka", user=supervisor).count == 0
    admin_results = library_search(query="quokka", user=admin_user)
    assert admin_results.count == 1 and not admin_results.groups[0][1][0].published


# --- The index follows the content ----------------------------------------------------------


def test_saving_content_updates_the_index_and_the_lexicon(agent):
    phrase = Phrase.objects.create(text="Pineapple promise", when_to_use="Always", value="Care")
    assert SearchWord.objects.filter(word="pineapple").exists()
    assert library_search(query="pineapple", user=agent).count == 1
    phrase.text = "Mango promise"
    phrase.save()
    assert library_search(query="pineapple", user=agent).count == 0
    assert library_search(query="mango", user=agent).count == 1
    phrase.delete()
    assert library_search(query="mango", user=agent).count == 0
    assert not SearchEntry.objects.filter(kind="phrase", object_id=phrase.pk).exists()


def test_unpublishing_hides_a_script_from_search(agent):
    script = Script.objects.get(slug="data-breach-report")
    script.status = Script.Status.DRAFT
    script.save()
    found = [plain(t) for t in titles(library_search(query="data breach", user=agent))]
    assert "A customer reports a possible data breach" not in found


def test_the_default_library_is_indexed():
    kinds = set(SearchEntry.objects.values_list("kind", flat=True))
    assert kinds == {"script", "faq", "phrase", "mistake", "playbook"}
    assert SearchEntry.objects.filter(document__isnull=True).count() == 0
    assert SearchWord.objects.filter(word="discount").exists()


def test_trigrams_are_computed_the_way_pg_trgm_does():
    assert SearchWord.trigrams_of("Cat") == sorted(["  c", " ca", "cat", "at "])


# --- The search page and bad input ----------------------------------------------------------


def test_search_page_groups_results_and_highlights(login, agent):
    body = login(agent).get("/library/search/?q=discount").content.decode()
    assert "<mark>discount</mark>" in body
    assert "Scripts" in body and "Playbooks" in body


def test_the_search_page_links_its_pages(login, agent, kiwi_faq):
    client = login(agent)
    FaqEntry.objects.bulk_create(  # enough for a second page of 20
        FaqEntry(category=FaqCategory.objects.first(), question=f"Kiwi {n}?", answer="kiwi")
        for n in range(20)
    )
    call_command_quietly("rebuild_search_index")
    first = client.get("/library/search/", {"q": "kiwi"}).content.decode()
    assert "Results 1–20 for “kiwi”" in first
    assert 'rel="next" href="?q=kiwi&amp;page=2"' in first and 'rel="prev"' not in first
    second = client.get("/library/search/", {"q": "kiwi", "page": 2}).content.decode()
    assert "Results 21–32 for “kiwi”" in second
    assert 'rel="prev" href="?q=kiwi"' in second and 'rel="next"' not in second
    beyond = client.get("/library/faq/", {"q": "kiwi", "page": 3}).content.decode()
    assert "No more results for “kiwi”" in beyond and 'href="?q=kiwi"' in beyond


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("0", "That is not a page of results"),
        ("two", "That is not a page of results"),
        ("51", "Results go up to page 50"),
    ],
)
def test_a_page_that_cannot_be_gets_a_clear_message(login, agent, page, message):
    response = login(agent).get("/library/search/", {"q": "refund", "page": page})
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert "for “refund”" not in body  # no search was run


def call_command_quietly(name):
    from django.core.management import call_command

    call_command(name, stdout=io.StringIO())


def test_a_5000_character_search_gets_a_clear_message(login, agent, django_assert_max_num_queries):
    client = login(agent)
    with django_assert_max_num_queries(7):
        response = client.get("/library/search/", {"q": "refund" * 833 + "re"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Search for at most 200 characters (this search has 5000)" in body
    assert "result" not in body.split("</form>")[1]


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE scripts_library_script; --",
        "discount' OR 1=1 --",
        "refund) | (!discount & :* <->",
        "\\x00 %s %(terms)s",
    ],
)
def test_sql_and_tsquery_syntax_is_just_text(login, agent, query):
    response = login(agent).get("/library/search/", {"q": query})
    assert response.status_code == 200
    assert Script.objects.filter(slug="data-breach-report").exists()


def test_html_in_a_query_is_escaped(login, agent):
    body = login(agent).get("/library/search/", {"q": "<img src=x onerror=alert(1)>"}).content
    assert b"<img src=x" not in body
    assert b"&lt;img src=x onerror=alert(1)&gt;" in body


def test_nothing_found_says_so(login, agent):
    body = login(agent).get("/library/search/?q=xylophonequartz").content.decode()
    assert "Nothing matches" in body


def test_rebuilding_the_index_picks_up_bulk_updates(agent):
    from django.core.management import call_command

    Phrase.objects.filter(value="Ownership").update(text="Walrus wording")  # no save(), no signal
    Phrase.objects.update(when_to_use="When a walrus calls.")
    assert library_search(query="walrus", user=agent).count == 0
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert library_search(query="walrus", user=agent).count == Phrase.objects.count()
    assert library_search(query="walrsu", user=agent).count == Phrase.objects.count()


def test_only_words_missing_from_the_library_get_guesses():
    from scripts_library.selectors import similar_words

    guesses = similar_words(["discount", "dicsount", "breech", "qzxv"])
    assert "discount" not in guesses and "qzxv" not in guesses
    assert guesses["dicsount"][0] == "discount"
    assert "breach" in guesses["breech"]


def test_a_raw_save_like_loaddata_adds_no_second_search_entry():
    script = Script.objects.published().first()
    entry = SearchEntry.objects.get(kind=SearchEntry.Kind.SCRIPT, object_id=script.pk)
    dumped = serializers.serialize("json", [script, entry])
    entry.delete()
    Script.objects.filter(pk=script.pk).delete()
    for obj in serializers.deserialize("json", dumped):
        obj.save()
    assert (
        SearchEntry.objects.filter(kind=SearchEntry.Kind.SCRIPT, object_id=script.pk).count() == 1
    )


def test_a_typo_finds_words_one_edit_away_and_not_merely_similar_ones(agent):
    FaqEntry.objects.create(
        category=FaqCategory.objects.first(),
        question="Where do I discover the new features?",
        answer="Discover them in the release notes.",
    )
    found = [plain(title) for title in titles(library_search(query="discont", user=agent))]
    assert "Declining a discount that breaks policy" in found
    assert "Where do I discover the new features?" not in found
    assert selectors.similar_words(["discont"]) == {"discont": ["discount"]}


def test_words_as_typed_rank_above_typo_guesses(agent):
    category = FaqCategory.objects.first()
    # Said ten times, "zorbi" would outrank by frequency; but it is only a guess for "zorbl".
    FaqEntry.objects.create(category=category, question="Guess", answer="zorbi " * 10)
    FaqEntry.objects.create(category=category, question="Typed", answer="One zorblat here.")
    assert "zorbi" in selectors.similar_words(["zorbl"])["zorbl"]
    found = [plain(title) for title in titles(library_search(query="zorbl", user=agent))]
    assert found == ["Typed", "Guess"]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("discont", "discount", 1),
        ("dicsount", "discount", 1),
        ("discont", "discover", 3),
        ("", "abc", 3),
        ("breech", "breach", 1),
        ("abusve", "abusive", 1),
        ("same", "same", 0),
    ],
)
def test_edit_distance(a, b, distance):
    assert selectors.edit_distance(a, b) == distance
    assert selectors.edit_distance(b, a) == distance


def test_long_words_may_be_two_edits_away_short_ones_one():
    assert selectors.edits_allowed("discont") == 1
    assert selectors.edits_allowed("accountabilty") == 2
