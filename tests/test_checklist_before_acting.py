"""A checklist run before acting: made with no interaction, attached later or when the call is
scored, shown with its "no" notes, linked scripts and a prefilled concern on the interaction
and review pages."""

import pytest
from django.core.exceptions import ValidationError

from checklists.models import Checklist, ChecklistItem, ChecklistRun
from checklists.services import checklist_run_attach, checklist_run_create, checklist_run_detach
from rubrics.services import review_submit
from scripts_library.models import Script
from tests.conftest import RATINGS, self_score
from tests.test_self_score import form_data

pytestmark = pytest.mark.django_db

RUN_URL = "/checklists/interaction-ethics/run/"
FAIRNESS_NOTE = "Offered the loyalty discount to one caller only."
REPORTING_NOTE = "Saw a colleague take a voucher; not raised yet."


def checklist():
    return Checklist.objects.get(slug="interaction-ethics")


def item(title):
    return ChecklistItem.objects.get(checklist__slug="interaction-ethics", title=title)


def answers(**by_title):
    return {
        each.id: by_title.get(each.title, ("yes", ""))
        for each in checklist().items.filter(is_active=True)
    }


def run_before(user, reference="ZD-77", **by_title):
    return checklist_run_create(
        checklist=checklist(),
        runner=user,
        answers=answers(**by_title),
        ticket_reference=reference,
    )


@pytest.fixture
def early_run(agent):
    return run_before(agent, Fairness=("no", FAIRNESS_NOTE), Reporting=("no", REPORTING_NOTE))


def post_data(**overrides):
    data = {}
    for each in checklist().items.filter(is_active=True):
        data[f"answer_{each.id}"] = "yes"
        data[f"note_{each.id}"] = ""
    data.update(overrides)
    return data


# --- Running without an interaction ---------------------------------------------------------


def test_an_agent_runs_the_checklist_before_acting(login, agent):
    client = login(agent)
    page = client.get(RUN_URL + "?reference=ZD-77").content.decode()
    assert "None yet: I am checking before I act" in page and 'value="ZD-77"' in page
    response = client.post(RUN_URL, post_data(ticket_reference=" ZD-77 "))
    run = ChecklistRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/checklists/runs/{run.pk}/"
    assert run.interaction is None and run.ticket_reference == "ZD-77"
    body = client.get(response["Location"]).content.decode()
    assert "Run before acting: not attached to an interaction yet" in body
    assert "/score/?reference=ZD-77&amp;attach=" in body


def test_a_run_is_never_about_an_interaction_and_a_policy_change(agent):
    from django.db import IntegrityError, transaction

    interaction = self_score(agent, reference="ZD-1").interaction
    run = run_before(agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistRun.objects.filter(pk=run.pk).update(
            interaction=interaction, policy_change="A change"
        )


# --- Attaching later ------------------------------------------------------------------------


def test_the_runner_attaches_the_run_later_and_takes_it_off(login, agent, early_run):
    interaction = self_score(agent, reference="ZD-77").interaction
    client = login(agent)
    page = client.get(f"/checklists/runs/{early_run.pk}/").content.decode()
    assert f'value="{interaction.pk}" selected' in page  # the ticket named on the run
    response = client.post(
        f"/checklists/runs/{early_run.pk}/attach/", {"interaction": interaction.pk}
    )
    assert response.status_code == 302
    early_run.refresh_from_db()
    assert early_run.interaction == interaction
    response = client.post(f"/checklists/runs/{early_run.pk}/detach/")
    early_run.refresh_from_db()
    assert response.status_code == 302 and early_run.interaction is None


def test_only_own_runs_attach_and_only_to_own_interactions(
    login, agent, other_agent, supervisor, early_run
):
    mine = self_score(agent, reference="ZD-77").interaction
    theirs = self_score(other_agent, reference="ZD-78").interaction
    # Alice cannot attach to Oscar's interaction: the form does not offer it.
    response = login(agent).post(
        f"/checklists/runs/{early_run.pk}/attach/", {"interaction": theirs.pk}
    )
    assert response.status_code == 200
    assert "Choose one of your own interactions." in response.content.decode()
    with pytest.raises(ValidationError, match="own interactions"):
        checklist_run_attach(run=early_run, interaction=theirs, user=agent)
    # Her supervisor sees the run but may not attach it (403); Oscar does not see it (404).
    assert (
        login(supervisor)
        .post(f"/checklists/runs/{early_run.pk}/attach/", {"interaction": mine.pk})
        .status_code
        == 403
    )
    with pytest.raises(ValidationError, match="own interactions"):
        checklist_run_attach(run=early_run, interaction=mine, user=supervisor)
    with pytest.raises(ValidationError, match="Only the person who ran"):
        checklist_run_attach(run=run_before(other_agent), interaction=mine, user=agent)
    assert (
        login(other_agent)
        .post(f"/checklists/runs/{early_run.pk}/attach/", {"interaction": theirs.pk})
        .status_code
        == 404
    )
    early_run.refresh_from_db()
    assert early_run.interaction is None


def test_a_run_attaches_to_one_interaction_at_most(agent, early_run):
    first = self_score(agent, reference="ZD-77").interaction
    second = self_score(agent, reference="ZD-79").interaction
    checklist_run_attach(run=early_run, interaction=first, user=agent)
    checklist_run_attach(run=early_run, interaction=first, user=agent)  # again: no change
    with pytest.raises(ValidationError, match="already attached to another interaction"):
        checklist_run_attach(run=early_run, interaction=second, user=agent)
    early_run.refresh_from_db()
    assert early_run.interaction == first


def test_a_reviewed_interaction_keeps_its_runs(agent, supervisor, early_run):
    interaction = self_score(agent, reference="ZD-77").interaction
    checklist_run_attach(run=early_run, interaction=interaction, user=agent)
    review_submit(
        interaction=interaction, reviewer=supervisor, ratings=RATINGS, comments={}, comment=""
    )
    with pytest.raises(ValidationError, match="stays attached"):
        checklist_run_detach(run=early_run, user=agent)


# --- Attaching when the call is scored ------------------------------------------------------


def test_the_score_form_offers_the_runs_for_the_ticket_and_attaches_them(
    login, agent, other_agent, early_run
):
    other = run_before(agent, reference="ZD-OTHER")
    run_before(other_agent, reference="ZD-77")  # Oscar's: never offered to Alice
    client = login(agent)
    page = client.get("/score/?reference=ZD-77").content.decode()
    assert "Attach my checklist runs for this ticket" in page
    assert f'value="{early_run.pk}" id="attach-run-{early_run.pk}" checked' in page
    assert f'value="{other.pk}" id="attach-run-{other.pk}">' in page
    assert ChecklistRun.objects.filter(runner=other_agent).get().pk not in (
        int(each) for each in _offered_ids(page)
    )
    response = client.post("/score/", form_data(reference="ZD-77", attach_runs=[early_run.pk]))
    assert response.status_code == 302
    early_run.refresh_from_db()
    other.refresh_from_db()
    assert early_run.interaction.reference == "ZD-77" and other.interaction is None


def _offered_ids(page):
    import re

    return re.findall(r'name="attach_runs" value="(\d+)"', page)


def test_attaching_someone_elses_run_refuses_the_whole_score(login, agent, other_agent):
    oscars = run_before(other_agent, reference="ZD-77")
    response = login(agent).post("/score/", form_data(reference="ZD-77", attach_runs=[oscars.pk]))
    assert response.status_code == 200
    assert "not yours" in response.content.decode()
    oscars.refresh_from_db()
    assert oscars.interaction is None
    from rubrics.models import Interaction

    assert not Interaction.objects.exists()


def test_no_runs_no_offer(login, agent):
    assert "Attach my checklist runs" not in login(agent).get("/score/").content.decode()


# --- The interaction and review pages ---------------------------------------------------------


def test_the_supervisor_sees_the_no_notes_on_the_review_page(login, agent, supervisor, early_run):
    """Blind review hides the self-score, not the checklist: the run shows before the review."""
    interaction = self_score(agent, reference="ZD-77").interaction
    checklist_run_attach(run=early_run, interaction=interaction, user=agent)
    client = login(supervisor)
    body = client.get(f"/interactions/{interaction.pk}/review/").content.decode()
    assert FAIRNESS_NOTE in body and REPORTING_NOTE in body
    # The blind rule still holds for the score itself.
    assert 'data-testid="self-score"' not in body
    fairness_scripts = Script.objects.published().filter(checklist_items=item("Fairness"))
    assert fairness_scripts.exists()
    for script in fairness_scripts:
        assert f'href="/library/scripts/{script.slug}/"' in body
    detail = client.get(f"/interactions/{interaction.pk}/").content.decode()
    assert FAIRNESS_NOTE in detail and "Not reviewed yet" in detail
    assert 'data-testid="self-score"' not in detail


def test_a_no_suggests_only_published_scripts_linked_to_its_item(login, agent, early_run):
    interaction = self_score(agent, reference="ZD-77").interaction
    checklist_run_attach(run=early_run, interaction=interaction, user=agent)
    linked = Script.objects.published().filter(checklist_items=item("Fairness")).first()
    Script.objects.filter(pk=linked.pk).update(status=Script.Status.DRAFT)
    unlinked = (
        Script.objects.published()
        .exclude(checklist_items__in=[item("Fairness"), item("Reporting")])
        .first()
    )
    body = login(agent).get(f"/interactions/{interaction.pk}/").content.decode()
    section = body.split('data-testid="interaction-checklist-runs"')[1].split("</section>")[0]
    assert linked.title not in section
    assert unlinked.title not in section
    assert "Script: " in section


def test_a_reporting_item_offers_a_prefilled_concern(login, agent, early_run):
    client = login(agent)
    body = client.get(f"/checklists/runs/{early_run.pk}/").content.decode()
    reporting = early_run.answers.get(item_title="Reporting")
    fairness = early_run.answers.get(item_title="Fairness")
    link = f"/concerns/new/?category=violation&amp;checklist_answer={reporting.pk}"
    assert link in body
    assert f"checklist_answer={fairness.pk}" not in body  # Fairness is not a reporting item
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="violation" checked' in form
    assert f"About checklist run {early_run.pk}" in form and "“Reporting”" in form
    assert REPORTING_NOTE not in form  # the note is the agent's to add, never copied
    assert "remove it if you report anonymously" in form


def test_a_concern_prefill_names_only_runs_the_user_may_see(login, other_agent, early_run):
    reporting = early_run.answers.get(item_title="Reporting")
    form = (
        login(other_agent)
        .get(f"/concerns/new/?category=gift&checklist_answer={reporting.pk}")
        .content.decode()
    )
    assert 'value="gift" checked' in form
    assert "About checklist run" not in form


def test_the_pages_take_the_same_queries_however_many_runs(login, agent, supervisor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    interaction = self_score(agent, reference="ZD-77").interaction

    def add_runs(count):
        for _ in range(count):
            run = run_before(
                agent, Fairness=("no", FAIRNESS_NOTE), Reporting=("no", REPORTING_NOTE)
            )
            checklist_run_attach(run=run, interaction=interaction, user=agent)
        run_before(agent, reference="ZD-LATER")  # unattached: offered on the score form
        return run

    def counts(run):
        pages = [
            (agent, f"/interactions/{interaction.pk}/"),
            (agent, "/score/?reference=ZD-LATER"),
            (agent, f"/checklists/runs/{run.pk}/"),
            (supervisor, f"/interactions/{interaction.pk}/review/"),
        ]
        found = []
        for person, url in pages:
            client = login(person)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    few = counts(add_runs(1))
    many = counts(add_runs(5))
    assert few == many
    assert max(few) <= 25
