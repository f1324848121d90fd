"""The privacy guard against a labelled corpus (tests/privacy_corpus.tsv): it must refuse at
least 95% of the snippets holding personal data and at most 1% of ordinary support notes.
Run with -s to see the figures and the snippets it gets wrong."""

from collections import Counter
from pathlib import Path

import pytest

from core.privacy import find_personal_data

CORPUS = Path(__file__).with_name("privacy_corpus.tsv")
MINIMUM_RECALL = 0.95
MAXIMUM_FALSE_POSITIVE_RATE = 0.01
# The corpus's labels and the kinds the guard names.
KINDS = {
    "email": "an e-mail address",
    "phone": "a phone number",
    "card": "a payment card number",
    "card_details": "a card's expiry date or security code",
    "iban": "an IBAN",
    "bank": "a bank sort code or account number",
    "national_id": "a national identity or tax number",
    "passport": "a passport number",
    "licence": "a driving-licence number",
    "dob": "a date of birth",
    "address": "a postal address",
    "postcode": "a postcode",
    "profile": "a social-media profile or handle",
    "ip": "an IP address",
    "mac": "a MAC address",
    "name": "a customer's name",
    "secret": "a password, PIN or security answer",
}


def load_corpus() -> list[tuple[str, str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, country, text = line.split("\t")
            rows.append((label, country, text))
    return rows


CORPUS_ROWS = load_corpus()
POSITIVES = [row for row in CORPUS_ROWS if row[0] != "clean"]
NEGATIVES = [row for row in CORPUS_ROWS if row[0] == "clean"]


def test_the_corpus_is_big_and_varied_enough():
    assert len(POSITIVES) >= 300
    assert len(NEGATIVES) >= 300
    assert set(KINDS) <= {label for label, _, _ in POSITIVES} <= set(KINDS)
    assert len({country for _, country, _ in POSITIVES if country != "--"}) >= 10
    assert len({text for _, _, text in CORPUS_ROWS}) == len(CORPUS_ROWS), "a snippet twice"


def test_recall_and_false_positive_rate():
    missed = [row for row in POSITIVES if not find_personal_data(row[2])]
    refused = [(row, find_personal_data(row[2])) for row in NEGATIVES]
    refused = [(row, kinds) for row, kinds in refused if kinds]
    recall = 1 - len(missed) / len(POSITIVES)
    false_positive_rate = len(refused) / len(NEGATIVES)
    missed_by_label = Counter(label for label, _, _ in missed)
    print(f"\nrecall {recall:.1%} ({len(POSITIVES) - len(missed)}/{len(POSITIVES)})")
    print(f"false positives {false_positive_rate:.1%} ({len(refused)}/{len(NEGATIVES)})")
    for label, country, text in missed:
        print(f"  missed {label} ({country}): {text}")
    for (_, _, text), kinds in refused:
        print(f"  refused {kinds}: {text}")
    assert recall >= MINIMUM_RECALL, dict(missed_by_label)
    assert false_positive_rate <= MAXIMUM_FALSE_POSITIVE_RATE


@pytest.mark.parametrize("label", sorted(KINDS))
def test_most_snippets_of_each_kind_are_named_as_that_kind(label):
    rows = [row for row in POSITIVES if row[0] == label]
    named = [row for row in rows if KINDS[label] in find_personal_data(row[2])]
    assert len(named) >= 0.8 * len(rows), [row[2] for row in rows if row not in named]
