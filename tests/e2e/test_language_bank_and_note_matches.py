"""The language bank's copy buttons and the note-led "Words that help" in a real browser."""

from tests.conftest import make_user
from tests.e2e.conftest import E2E

pytestmark = E2E


def test_every_phrase_copies_its_own_words(visit):
    from scripts_library.models import Phrase
    from teams.models import Team

    alice = visit(make_user("alice", "Agent", team=Team.objects.create(name="North")))
    page = alice.go("/library/language/")
    shown = page.locator("[id^=copy-phrase-text-]")
    assert page.get_by_role("button", name="Copy phrase").count() == shown.count() > 1
    ids = [int(shown.nth(n).get_attribute("id").rsplit("-", 1)[1]) for n in (0, shown.count() - 1)]
    phrases = [Phrase.objects.get(pk=pk) for pk in ids]
    alice.context.grant_permissions(["clipboard-read", "clipboard-write"])
    for phrase in phrases:
        page.evaluate("navigator.clipboard.writeText('nothing copied yet')")
        page.locator(f"#phrase-{phrase.pk}").get_by_role("button", name="Copy phrase").click()
        status = f"#copy-phrase-status-{phrase.pk}"
        page.wait_for_function(f"() => document.querySelector('{status}').textContent !== ''")
        assert page.evaluate("navigator.clipboard.readText()") == phrase.text
        assert page.locator(status).inner_text() == "Copied."
    alice.check("/library/language/ after copying")


def test_a_note_about_a_promise_leads_to_the_mistake_and_its_page(visit):
    from datetime import timedelta

    from django.utils import timezone

    from rubrics.models import Rubric
    from rubrics.services import interaction_self_score
    from teams.models import Team

    agent = make_user("alice", "Agent", team=Team.objects.create(name="North"))
    ratings = {"empathy": 4, "accuracy": 4, "fairness": 2, "transparency": 4, "respect": 4}
    evaluation = interaction_self_score(
        agent=agent,
        rubric=Rubric.objects.current(),
        interaction_fields={
            "occurred_at": timezone.now() - timedelta(hours=2),
            "channel": "phone",
            "reference": "ZD-PROMISE",
            "topic": "Late replacement",
            "summary": "",
        },
        ratings=ratings,
        comments={"fairness": "Promised a replacement by Friday that we could not keep."},
    )
    alice = visit(agent)
    page = alice.go(f"/interactions/{evaluation.interaction_id}/")
    section = page.locator("section[aria-labelledby=low-rating-scripts-heading]")
    link = section.get_by_role("link", name="Promising what you can't deliver")
    assert link.count() == 1
    with page.expect_navigation():
        link.click()
    assert "/library/mistakes/" in page.url and "#mistake-" in page.url
    alice.check()
