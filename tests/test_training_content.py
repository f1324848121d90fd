"""The default dilemmas: enough of them, well formed, and every link pointing at live content."""

import pytest

from training.models import Dilemma, Module, Verdict

pytestmark = pytest.mark.django_db

# Each situation the source documents raise, and a dilemma slug that practises it.
SITUATIONS = {
    "discount outside policy": "loyal-customer-wants-off-policy-discount",
    "confidential data request": "caller-asks-for-partners-account-details",
    "third-party data request": "email-from-law-firm-wants-an-address",
    "data breach reported": "customer-reports-possible-breach",
    "our own data slip": "invoice-sent-to-wrong-customer",
    "colleague's misleading information": "colleague-gave-wrong-refund-time",
    "request against the customer's interest": "downgrade-that-drops-needed-cover",
    "bending rules for a good customer": "big-account-wants-late-return",
    "gift for special treatment": "gift-card-for-faster-service",
    "conflict of interest": "relatives-ticket-in-your-queue",
    "pressure to upsell": "upsell-target-versus-cancellation",
    "abusive customer": "caller-turns-abusive",
    "clash with personal ethics": "told-to-blame-the-supplier",
    "promising what cannot be delivered": "wedding-delivery-by-friday",
    "vulnerable customer": "confused-older-caller-and-premium-package",
    "colleague misconduct": "colleague-sharing-customer-details",
    "unsure whether ethical": "limited-time-offer-that-never-ends",
    "unethical demand": "backdate-the-cancellation",
    "hiding information": "known-fault-not-yet-announced",
    "complaint of unfair treatment": "complaint-of-unfair-treatment",
    "objectivity": "rude-caller-back-of-the-queue",
    "failing to follow up": "promised-callback-at-end-of-shift",
}


def test_at_least_24_published_dilemmas():
    assert Dilemma.objects.published().count() >= 24


def test_every_situation_of_the_sources_has_a_dilemma():
    slugs = set(Dilemma.objects.published().values_list("slug", flat=True))
    assert {name for name, slug in SITUATIONS.items() if slug not in slugs} == set()


def test_each_dilemma_has_three_or_four_options_one_best_one_harmful_and_feedback():
    for dilemma in Dilemma.objects.published().prefetch_related("options"):
        assert dilemma.option_problems() == [], dilemma.slug
        verdicts = [option.verdict for option in dilemma.options.all()]
        assert 3 <= len(verdicts) <= 4
        assert verdicts.count(Verdict.BEST) == 1
        assert Verdict.HARMFUL in verdicts
        assert all(option.feedback.strip() for option in dilemma.options.all()), dilemma.slug


def test_every_dilemma_has_a_link_and_every_link_is_published():
    for dilemma in Dilemma.objects.published():
        links = (
            list(dilemma.scripts.all())
            + list(dilemma.faq_entries.all())
            + list(dilemma.phrases.all())
            + list(dilemma.mistakes.all())
            + list(dilemma.checklist_items.all())
            + list(dilemma.decision_steps.all())
        )
        assert links, f"{dilemma.slug} links to nothing"
        assert all(script.is_published for script in dilemma.scripts.all()), dilemma.slug
        assert all(item.is_active for item in dilemma.checklist_items.all()), dilemma.slug
        assert dilemma.criterion_keys, dilemma.slug


def test_options_say_not_always_best_first():
    firsts = {
        dilemma.options.order_by("position").first().verdict
        for dilemma in Dilemma.objects.published()
    }
    assert len(firsts) > 1


def test_default_modules_are_passable_and_published():
    for module in Module.objects.all():
        assert module.published
        assert 1 <= module.pass_mark <= module.dilemmas.count()


def test_the_data_migration_left_a_history_row_to_diff_against():
    dilemma = Dilemma.objects.order_by("pk").first()
    assert dilemma.history.count() == 1
