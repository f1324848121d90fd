"""The library and the everyday tools in a real browser."""

from tests.conftest import make_user, self_score
from tests.e2e.conftest import E2E

pytestmark = E2E


def test_an_admin_publishes_a_must_read_script_and_the_agent_reads_fills_and_copies_it(visit):
    from scripts_library.models import Script
    from teams.models import Team

    north = Team.objects.create(name="North")
    agent = make_user("alice", "Agent", team=north, first_name="Alice")
    admin = make_user("ada", "Admin", is_staff=True, first_name="Ada")
    script = Script.objects.published().filter(body__contains="[").order_by("title").first()

    ada = visit(admin)
    page = ada.go(f"/admin/scripts_library/script/{script.pk}/change/")
    page.fill("#id_guidance", script.guidance + "\nSay the refund date only once it is booked.")
    page.check("#id_require_acknowledgement")
    linked_items = script.checklist_items.count()
    page.locator("#id_checklist_items input[type=checkbox]:not(:checked)").first.check()
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "was changed successfully" in page.content()
    assert script.checklist_items.count() == linked_items + 1
    ada.check()
    history = f"/admin/scripts_library/script/{script.pk}/history/"
    page = ada.go(history)
    latest = page.locator("#change-history tbody tr").first.inner_text()
    assert "Guidance" in latest and "ada" in latest
    ada.no_sideways_scroll(history)

    alice = visit(agent)
    page = alice.go("/")
    assert script.title in page.content()
    # Confirming happens on the script's page, below its text.
    with page.expect_navigation():
        page.locator(
            f"a[href='/library/scripts/{script.slug}/']", has_text="Read and confirm"
        ).click()
    with page.expect_navigation():
        page.get_by_role("button", name="I have read this version").click()
    page = alice.go("/")
    assert "Please read and confirm" not in page.content()

    page = alice.go(f"/library/scripts/{script.slug}/")
    for index, field in enumerate(page.locator("form input[type=text]").all()):
        field.fill(f"Value {index}")
    # The script updates as you type (htmx); the button does the same without JavaScript.
    page.get_by_role("button", name="Show my script").click()
    page.wait_for_function(
        "() => document.querySelector('#filled-script-text')?.textContent.includes('Value 0')"
    )
    alice.check()
    alice.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("navigator.clipboard.writeText('nothing copied yet')")
    page.get_by_role("button", name="Copy to clipboard").click()
    page.wait_for_function("() => document.querySelector('#copy-status').textContent.trim() !== ''")
    # What the clipboard holds is the personalised script, word for word.
    script_text = page.locator("#filled-script-text").inner_text().strip()
    assert "Value 0" in script_text
    assert page.evaluate("navigator.clipboard.readText()") == script_text
    assert page.locator("#copy-status").inner_text() == "Copied."
    alice.screenshot("script-fill-in")


def test_an_agent_runs_a_checklist_raises_an_anonymous_concern_and_searches(visit):
    from checklists.models import ChecklistRun, Concern
    from teams.models import Team

    north = Team.objects.create(name="North")
    agent = make_user("alice", "Agent", team=north, first_name="Alice")
    interaction = self_score(agent, reference="ZD-CHECK").interaction

    alice = visit(agent)
    page = alice.go(f"/checklists/interaction-ethics/run/?interaction={interaction.pk}")
    for fieldset in page.locator("main fieldset").all():
        fieldset.locator("input[type=radio]").first.check()
    page.locator("main fieldset").nth(2).locator("input[value=no]").check()
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert ChecklistRun.objects.count() == 0  # a "no" needs a note
    alice.check()
    page.locator("main fieldset").nth(2).locator("textarea").fill("Forgot to offer the options.")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert ChecklistRun.objects.count() == 1
    alice.check()
    alice.screenshot("checklist-run")

    page = alice.go("/concerns/new/")
    page.locator("input[type=radio]").first.check()
    page.fill("textarea", "A caller offered a gift card if I waived the fee.")
    page.check("input[type=checkbox]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "Write it down: it is the only way back." in page.content()
    from cases.services import pending_reports_deliver

    pending_reports_deliver()  # the hourly job
    concern = Concern.objects.get()
    assert concern.is_anonymous and concern.reporter_id is None
    assert "alice" not in page.content().lower().split("</nav>")[-1]

    page = alice.go("/library/search/?q=discont")
    assert "discount" in page.content().lower()
    alice.screenshot("library-search")

    # A common word fills more than a page: the next page follows on, and leads back.
    page = alice.go("/library/search/?q=customer")
    assert "Results 1–20 for “customer”" in page.locator("main [role=status]").inner_text()
    first = set(page.locator("main .list-group-item a").all_inner_texts())
    with page.expect_navigation():
        page.get_by_role("link", name="More results").click()
    alice.check()
    assert "Results 21–" in page.locator("main [role=status]").inner_text()
    assert first.isdisjoint(page.locator("main .list-group-item a").all_inner_texts())
    with page.expect_navigation():
        page.get_by_role("link", name="Better matches").click()
    assert "Results 1–20" in page.locator("main [role=status]").inner_text()
