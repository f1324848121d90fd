"""Checklist runs: answering, the note a "no" needs, who sees which runs, and kept wording."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from checklists.models import Checklist, ChecklistAnswer, ChecklistItem, ChecklistRun
from checklists.selectors import checklist_no_counts
from checklists.services import checklist_run_create
from rubrics.models import Interaction

pytestmark = pytest.mark.django_db

INTERACTION_URL = "/checklists/interaction-ethics/run/"
POLICY_URL = "/checklists/policy-and-complex-requests/run/"


def make_interaction(agent, reference="ZD-100", days_ago=1):
    return Interaction.objects.create(
        agent=agent,
        team=agent.membership.team,
        occurred_at=timezone.now() - timedelta(days=days_ago),
        channel="phone",
        reference=reference,
        topic="Refund question",
    )


def checklist(slug="interaction-ethics"):
    return Checklist.objects.get(slug=slug)


def run_data(slug="interaction-ethics", answer="yes", **overrides):
    data = {}
    for item in checklist(slug).items.filter(is_active=True):
        data[f"answer_{item.id}"] = answer
        data[f"note_{item.id}"] = ""
    data.update(overrides)
    return data


def row_counts():
    return ChecklistRun.objects.count(), ChecklistAnswer.objects.count()


def answers(slug="interaction-ethics", **by_title):
    """Service-level answers: every item yes, except the ones named by title."""
    return {
        item.id: by_title.get(item.title, ("yes", ""))
        for item in checklist(slug).items.filter(is_active=True)
    }


@pytest.fixture
def alices_interaction(agent):
    return make_interaction(agent)


@pytest.fixture
def alices_run(agent, alices_interaction):
    return checklist_run_create(
        checklist=checklist(),
        runner=agent,
        interaction=alices_interaction,
        answers=answers(Fairness=("no", "Offered the loyalty discount to one caller only.")),
    )


# --- Who may open the pages ---------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, alices_run):
    for url in [
        "/checklists/",
        INTERACTION_URL,
        POLICY_URL,
        "/checklists/runs/",
        f"/checklists/runs/{alices_run.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "policy_status"),
    [
        ("agent", 403),
        ("other_agent", 403),
        ("supervisor", 200),
        ("other_supervisor", 200),
        ("admin", 200),
    ],
)
def test_each_persona_on_the_checklist_pages(login, personas, persona, policy_status):
    client = login(personas[persona])
    index = client.get("/checklists/")
    assert index.status_code == 200
    assert ("Policy and complex-request checklist" in index.content.decode()) == (
        policy_status == 200
    )
    assert client.get(INTERACTION_URL).status_code == 200
    assert client.get(POLICY_URL).status_code == policy_status
    assert client.get("/checklists/runs/").status_code == 200


def test_service_change_checklist_is_not_run_here(login, admin_user):
    assert login(admin_user).get("/checklists/service-change-review/run/").status_code == 404


def test_inactive_checklist_cannot_be_run(login, agent):
    Checklist.objects.filter(slug="interaction-ethics").update(is_active=False)
    assert login(agent).get(INTERACTION_URL).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent", 200),
        ("other_agent", 404),
        ("supervisor", 200),
        ("other_supervisor", 404),
        ("admin", 200),
    ],
)
def test_run_detail_visibility(login, personas, alices_run, persona, status):
    assert login(personas[persona]).get(f"/checklists/runs/{alices_run.pk}/").status_code == status


def test_wrong_methods(login, agent, alices_run):
    client = login(agent)
    assert client.put(INTERACTION_URL).status_code == 405
    assert client.post("/checklists/").status_code == 405
    assert client.post("/checklists/runs/").status_code == 405
    assert client.post(f"/checklists/runs/{alices_run.pk}/").status_code == 405


# --- Saving a run ---------------------------------------------------------------------------


def test_agent_saves_a_run_linked_to_her_interaction(login, agent, north, alices_interaction):
    fairness = checklist().items.get(title="Fairness")
    data = run_data(interaction=alices_interaction.pk)
    data[f"answer_{fairness.id}"] = "no"
    data[f"note_{fairness.id}"] = "Offered a discount to one caller only."
    response = login(agent).post(INTERACTION_URL, data)
    run = ChecklistRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/checklists/runs/{run.pk}/"
    assert (run.runner, run.team, run.interaction, run.policy_change) == (
        agent,
        north,
        alices_interaction,
        "",
    )
    saved = {a.item_title: (a.answer, a.note) for a in run.answers.all()}
    assert len(saved) == 10
    assert saved["Fairness"] == ("no", "Offered a discount to one caller only.")
    assert saved["Respect"] == ("yes", "")


def test_not_applicable_needs_no_note(login, agent, alices_interaction):
    login(agent).post(INTERACTION_URL, run_data(answer="na", interaction=alices_interaction.pk))
    assert set(ChecklistAnswer.objects.values_list("answer", flat=True)) == {"na"}


def test_supervisor_runs_the_policy_checklist_about_a_named_change(login, supervisor):
    data = run_data("policy-and-complex-requests", policy_change="Refund window for annual plans")
    response = login(supervisor).post(POLICY_URL, data)
    assert response.status_code == 302
    run = ChecklistRun.objects.get()
    assert (run.policy_change, run.interaction, run.team) == (
        "Refund window for annual plans",
        None,
        None,
    )
    assert run.answers.count() == 10


def test_agent_cannot_post_the_policy_checklist(login, agent):
    data = run_data("policy-and-complex-requests", policy_change="Anything")
    assert login(agent).post(POLICY_URL, data).status_code == 403
    assert row_counts() == (0, 0)


def test_supervisor_may_link_a_team_interaction(login, supervisor, alices_interaction):
    login(supervisor).post(INTERACTION_URL, run_data(interaction=alices_interaction.pk))
    assert ChecklistRun.objects.get().interaction == alices_interaction


def test_the_run_page_offers_my_interactions_only(login, agent, other_agent):
    make_interaction(agent, reference="ZD-MINE")
    make_interaction(other_agent, reference="ZD-THEIRS")
    body = login(agent).get(INTERACTION_URL).content.decode()
    assert "ZD-MINE" in body and "ZD-THEIRS" not in body


def test_the_run_page_preselects_an_interaction_from_the_query(login, agent, alices_interaction):
    body = login(agent).get(f"{INTERACTION_URL}?interaction={alices_interaction.pk}").content
    assert f'value="{alices_interaction.pk}" selected'.encode() in body


# --- Bad input ------------------------------------------------------------------------------


def _item(slug, title):
    return checklist(slug).items.get(title=title)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (lambda i: {f"answer_{_item('interaction-ethics', 'Accuracy').id}": "no"}, "add a note"),
        (
            lambda i: {
                f"answer_{_item('interaction-ethics', 'Accuracy').id}": "no",
                f"note_{_item('interaction-ethics', 'Accuracy').id}": "   ",
            },
            "add a note",
        ),
        (lambda i: {f"answer_{_item('interaction-ethics', 'Respect').id}": ""}, "Answer “Respect”"),
        (
            lambda i: {f"answer_{_item('interaction-ethics', 'Respect').id}": "maybe"},
            "Select a valid choice",
        ),
        (
            lambda i: {f"answer_{_item('policy-and-complex-requests', 'Integrity').id}": "yes"},
            "not on this checklist",
        ),
        (
            lambda i: {f"note_{_item('service-change-review', 'Fairness of pricing').id}": "x"},
            "not on this checklist",
        ),
        (lambda i: {"ticket_reference": "call 020 7946 0958"}, "phone number"),
        (lambda i: {"interaction": "999999"}, "Choose one of the interactions you can see."),
        (lambda i: {"interaction": str(i["theirs"].pk)}, "Choose one of the interactions"),
        (
            lambda i: {
                f"note_{_item('interaction-ethics', 'Respect').id}": "Called back on 020 7946 0958"
            },
            "phone number",
        ),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(
    login, agent, other_agent, alices_interaction, overrides, message
):
    theirs = make_interaction(other_agent, reference="ZD-THEIRS")
    data = run_data(interaction=alices_interaction.pk)
    data.update(overrides({"theirs": theirs}))
    response = login(agent).post(INTERACTION_URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert row_counts() == (0, 0)


def test_policy_run_needs_a_named_change(login, supervisor):
    response = login(supervisor).post(POLICY_URL, run_data("policy-and-complex-requests"))
    assert "Name the policy change or request" in response.content.decode()
    assert row_counts() == (0, 0)


def test_the_service_refuses_what_the_form_would(agent, other_agent, alices_interaction):
    theirs = make_interaction(other_agent, reference="ZD-THEIRS")
    foreign = _item("policy-and-complex-requests", "Integrity")
    cases = [
        dict(answers=answers(Accuracy=("no", " ")), interaction=alices_interaction),
        dict(answers={**answers(), foreign.id: ("yes", "")}, interaction=alices_interaction),
        dict(answers=answers(), interaction=theirs),
        dict(answers=answers(), interaction=None, ticket_reference="jo@example.com"),
    ]
    for case in cases:
        with pytest.raises(ValidationError):
            checklist_run_create(checklist=checklist(), runner=agent, **case)
    with pytest.raises(ValidationError, match="Only supervisors and admins"):
        checklist_run_create(
            checklist=checklist("policy-and-complex-requests"),
            runner=agent,
            answers=answers("policy-and-complex-requests"),
            policy_change="A change",
        )
    assert row_counts() == (0, 0)


def test_a_failure_while_saving_answers_leaves_no_run(agent, alices_interaction):
    with (
        mock.patch.object(
            ChecklistAnswer.objects, "bulk_create", side_effect=RuntimeError("disk full")
        ),
        pytest.raises(RuntimeError),
    ):
        checklist_run_create(
            checklist=checklist(), runner=agent, interaction=alices_interaction, answers=answers()
        )
    assert row_counts() == (0, 0)


# --- Past runs keep their wording -----------------------------------------------------------


def test_a_past_run_shows_the_wording_that_was_answered(login, agent, alices_run):
    fairness = ChecklistItem.objects.get(checklist__slug="interaction-ethics", title="Fairness")
    old_question = fairness.question
    fairness.title = "Equal treatment"
    fairness.question = "Did everyone get the same offer?"
    fairness.save()
    ChecklistItem.objects.filter(checklist__slug="interaction-ethics", title="Respect").delete()

    body = login(agent).get(f"/checklists/runs/{alices_run.pk}/").content.decode()
    assert "Fairness" in body and old_question in body
    assert "Equal treatment" not in body and "Did everyone get the same offer?" not in body
    assert "Respect" in body  # the deleted item's answer keeps its own copy
    assert alices_run.answers.count() == 10


def test_new_runs_use_the_current_wording_and_skip_inactive_items(login, agent, alices_interaction):
    items = checklist().items
    items.filter(title="Respect").update(is_active=False)
    items.filter(title="Fairness").update(question="Did everyone get the same offer?")
    client = login(agent)
    assert "Did everyone get the same offer?" in client.get(INTERACTION_URL).content.decode()
    client.post(INTERACTION_URL, run_data(interaction=alices_interaction.pk))
    run = ChecklistRun.objects.get()
    titles = list(run.answers.values_list("item_title", flat=True))
    assert len(titles) == 9 and "Respect" not in titles
    assert (
        run.answers.get(item_title="Fairness").item_question == "Did everyone get the same offer?"
    )


# --- Lists ----------------------------------------------------------------------------------


def test_agent_lists_only_her_own_runs(login, agent, other_agent, alices_run):
    oscars = checklist_run_create(
        checklist=checklist(),
        runner=other_agent,
        interaction=make_interaction(other_agent, reference="ZD-OSCAR"),
        answers=answers(),
    )
    body = login(agent).get("/checklists/runs/").content.decode()
    assert f"/checklists/runs/{alices_run.pk}/" in body
    assert f"/checklists/runs/{oscars.pk}/" not in body


def test_supervisor_sees_the_team_runs_with_no_answers_highlighted(
    login, supervisor, agent, other_agent, alices_run, django_assert_max_num_queries
):
    clean = checklist_run_create(
        checklist=checklist(),
        runner=agent,
        interaction=make_interaction(agent, reference="ZD-CLEAN"),
        answers=answers(),
    )
    oscars = checklist_run_create(
        checklist=checklist(),
        runner=other_agent,
        interaction=make_interaction(other_agent, reference="ZD-OSCAR"),
        answers=answers(Accuracy=("no", "Quoted an old price.")),
    )
    client = login(supervisor)
    with django_assert_max_num_queries(8):
        body = client.get("/checklists/runs/").content.decode()
    assert f"/checklists/runs/{alices_run.pk}/" in body and "ZD-100" in body
    assert f"/checklists/runs/{clean.pk}/" in body
    assert f"/checklists/runs/{oscars.pk}/" not in body
    assert body.count('class="table-warning"') == 1
    assert "1 of 10" in body

    only_no = client.get("/checklists/runs/?only=no").content.decode()
    assert f"/checklists/runs/{alices_run.pk}/" in only_no
    assert f"/checklists/runs/{clean.pk}/" not in only_no


def test_the_runs_list_stays_within_its_query_budget(
    login, admin_user, agent, django_assert_max_num_queries
):
    for number in range(30):
        checklist_run_create(
            checklist=checklist(),
            runner=agent,
            interaction=make_interaction(agent, reference=f"ZD-{number}"),
            answers=answers(Fairness=("no", "Needs work.")),
        )
    client = login(admin_user)
    with django_assert_max_num_queries(8):
        response = client.get("/checklists/runs/")
    assert response.content.decode().count('class="table-warning"') == 25


def test_the_detail_page_highlights_no_answers(login, supervisor, alices_run):
    body = login(supervisor).get(f"/checklists/runs/{alices_run.pk}/").content.decode()
    assert body.count('class="table-warning"') == 1
    assert "Offered the loyalty discount to one caller only." in body


# --- The count of "no" answers for the team dashboard ---------------------------------------


def test_no_counts_per_team_and_person_in_a_window(agent, other_agent, north, south, alices_run):
    oscars = checklist_run_create(
        checklist=checklist(),
        runner=other_agent,
        interaction=make_interaction(other_agent, reference="ZD-OSCAR"),
        answers=answers(Accuracy=("no", "a"), Respect=("no", "b")),
    )
    old = checklist_run_create(
        checklist=checklist(),
        runner=agent,
        interaction=make_interaction(agent, reference="ZD-OLD"),
        answers=answers(Accuracy=("no", "c")),
    )
    ChecklistRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    now = timezone.now()
    counts = checklist_no_counts([north, south], now - timedelta(days=30), now + timedelta(days=1))
    assert counts["by_team"] == {
        north.id: {"runs": 1, "no_answers": 1},
        south.id: {"runs": 1, "no_answers": 2},
    }
    assert [(row["runner__username"], row["no_answers"]) for row in counts["by_person"]] == [
        ("oscar", 2),
        ("alice", 1),
    ]
    only_north = checklist_no_counts([north], now - timedelta(days=60), now + timedelta(days=1))
    assert only_north["by_team"] == {north.id: {"runs": 2, "no_answers": 2}}
    assert oscars.team == south


def test_the_index_counts_active_questions_only(login, agent, django_assert_max_num_queries):
    checklist().items.filter(title="Respect").update(is_active=False)
    client = login(agent)
    with django_assert_max_num_queries(8):
        body = client.get("/checklists/").content.decode()
    assert "9 questions" in body


def test_admin_edits_items_in_the_django_admin_and_past_runs_keep_their_wording(
    login, admin_user, agent, alices_run
):
    interaction_checklist = checklist()
    items = list(interaction_checklist.items.order_by("position"))
    data = {
        "slug": interaction_checklist.slug,
        "title": interaction_checklist.title,
        "kind": interaction_checklist.kind,
        "audience": interaction_checklist.audience,
        "purpose": interaction_checklist.purpose,
        "is_active": "on",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        data |= {
            f"items-{index}-id": str(item.id),
            f"items-{index}-checklist": str(interaction_checklist.id),
            f"items-{index}-position": str(item.position),
            f"items-{index}-title": item.title,
            f"items-{index}-question": item.question,
            f"items-{index}-why_it_matters": item.why_it_matters,
            f"items-{index}-is_active": "on",
        }
    fairness = items.index(next(item for item in items if item.title == "Fairness"))
    data[f"items-{fairness}-question"] = "Was every customer offered the same options?"
    data[f"items-{fairness}-position"] = "0"
    del data[f"items-{fairness + 1}-is_active"]

    client = login(admin_user)
    response = client.post(f"/admin/checklists/checklist/{interaction_checklist.id}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = list(interaction_checklist.items.filter(is_active=True))
    assert fresh[0].question == "Was every customer offered the same options?"
    assert len(fresh) == 9

    page = client.get(f"/checklists/runs/{alices_run.pk}/").content.decode()
    assert "Was every customer offered the same options?" not in page
    assert escape(items[fairness].question) in page
    assert alices_run.answers.count() == 10
    run_page = login(agent).get(INTERACTION_URL).content.decode()
    assert run_page.index("1. Fairness") < run_page.index("Data privacy")


# --- The interaction picker: labels, newest first, search (issue 29, point 6a) -------------------


def _options(body):
    """(value, label, selected) for each option of the interaction picker, in page order."""
    import re

    select = re.search(r'<select[^>]*name="interaction".*?</select>', body, re.S).group(0)
    return [
        (value, label.strip(), bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>(.*?)</option>', select, re.S
        )
        if value
    ]


def _dated_interaction(agent, reference, topic, when):
    return Interaction.objects.create(
        agent=agent,
        team=agent.membership.team,
        occurred_at=when,
        channel="phone",
        reference=reference,
        topic=topic,
    )


def _many_interactions(agent, count=60):
    now = timezone.now()
    for number in range(count):
        _dated_interaction(agent, f"ZD-{5000 + number}", "Billing", now - timedelta(hours=number))


def test_the_picker_shows_reference_topic_and_call_date_newest_first(login, agent):
    from datetime import UTC, datetime

    _dated_interaction(agent, "ZD-4821", "Refund delay", datetime(2025, 12, 5, 10, tzinfo=UTC))
    _dated_interaction(agent, "ZD-4900", "Warranty claim", datetime(2026, 1, 9, 10, tzinfo=UTC))
    _dated_interaction(agent, "ZD-4700", "Address change", datetime(2025, 11, 2, 10, tzinfo=UTC))
    body = login(agent).get(INTERACTION_URL).content.decode()
    assert [label for _, label, _ in _options(body)] == [
        "ZD-4900 · Warranty claim · 9 Jan 2026",
        "ZD-4821 · Refund delay · 5 Dec 2025",
        "ZD-4700 · Address change · 2 Nov 2025",
    ]
    assert "search to find older ones" not in body


def test_the_picker_says_when_it_shows_only_the_most_recent(login, agent):
    _many_interactions(agent)
    body = login(agent).get(INTERACTION_URL).content.decode()
    options = _options(body)
    assert len(options) == 50
    assert options[0][1].startswith("ZD-5000 · Billing · ")
    assert "ZD-5050" not in body
    assert "Showing the 50 most recent; search to find older ones." in body


def test_the_picker_search_finds_older_ones_by_reference_or_topic(login, agent, other_agent):
    _many_interactions(agent)
    old = make_interaction(agent, reference="ZD-OLD-1", days_ago=90)
    Interaction.objects.filter(pk=old.pk).update(topic="Warranty Claim")
    make_interaction(other_agent, reference="ZD-THEIRS", days_ago=90)
    Interaction.objects.filter(reference="ZD-THEIRS").update(topic="Warranty claim")
    client = login(agent)

    for query in ["warranty", "WARRANTY claim", "zd-old", " ZD-OLD-1 "]:
        body = client.get(INTERACTION_URL, {"q": query}).content.decode()
        assert [value for value, _, _ in _options(body)] == [str(old.pk)], query
        assert "ZD-THEIRS" not in body
    body = client.get(INTERACTION_URL, {"q": "billing"}).content.decode()
    assert len(_options(body)) == 50
    assert "ZD-OLD-1" not in body
    assert "Showing the 50 most recent matching “billing”" in body

    body = client.get(INTERACTION_URL, {"q": "nothing like this"}).content.decode()
    assert _options(body) == []
    assert "No interaction matches “nothing like this”." in body

    # What the search found can be saved, though the unsearched list does not offer it.
    client.post(f"{INTERACTION_URL}?q=warranty", run_data(interaction=old.pk))
    assert ChecklistRun.objects.get().interaction == old


def test_the_picker_search_keeps_the_access_rule(login, supervisor, agent, other_agent):
    make_interaction(agent, reference="ZD-NORTH")
    make_interaction(other_agent, reference="ZD-SOUTH")
    body = login(supervisor).get(INTERACTION_URL, {"q": "zd-"}).content.decode()
    assert "ZD-NORTH" in body and "ZD-SOUTH" not in body


def test_a_search_keeps_the_preselected_interaction(login, agent):
    _many_interactions(agent)
    old = make_interaction(agent, reference="ZD-OLD-1", days_ago=90)
    client = login(agent)
    body = client.get(INTERACTION_URL, {"interaction": old.pk}).content.decode()
    assert (str(old.pk), f"ZD-OLD-1 · Refund question · {_day(old)}", True) in _options(body)
    # The search form carries the selection along, and the searched list still selects it.
    assert f'<input type="hidden" name="interaction" value="{old.pk}"' in body
    body = client.get(INTERACTION_URL, {"interaction": old.pk, "q": "billing"}).content.decode()
    options = _options(body)
    assert options[0] == (str(old.pk), f"ZD-OLD-1 · Refund question · {_day(old)}", True)
    assert sum(selected for _, _, selected in options) == 1


def _day(interaction):
    return f"{timezone.localtime(interaction.occurred_at):%-d %b %Y}"


def test_a_refused_run_keeps_the_older_interaction_it_was_about(login, agent):
    _many_interactions(agent)
    old = make_interaction(agent, reference="ZD-OLD-1", days_ago=90)
    data = run_data(interaction=old.pk)
    del data[f"answer_{_item('interaction-ethics', 'Respect').id}"]
    response = login(agent).post(INTERACTION_URL, data)
    assert "Answer “Respect”" in response.content.decode()
    assert (str(old.pk), f"ZD-OLD-1 · Refund question · {_day(old)}", True) in _options(
        response.content.decode()
    )
    assert row_counts() == (0, 0)


@pytest.mark.parametrize("query", ["refund\x00", "x" * 500])
def test_a_search_the_picker_cannot_use_is_refused_politely(
    login, agent, alices_interaction, query
):
    response = login(agent).get(INTERACTION_URL, {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="invalid-feedback"' in body
    # The unfiltered list is still there to choose from.
    assert [value for value, _, _ in _options(body)] == [str(alices_interaction.pk)]


def test_the_picker_takes_the_same_queries_however_many_interactions(login, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(agent)

    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INTERACTION_URL, params).status_code == 200
        return len(captured)

    old = make_interaction(agent, reference="ZD-OLD-1", days_ago=90)
    few = [queries({}), queries({"q": "billing"}), queries({"interaction": old.pk})]
    _many_interactions(agent)
    many = [queries({}), queries({"q": "billing"}), queries({"interaction": old.pk})]
    assert few == many
