"""The audit log: each kind of change is recorded with who, when and before/after; rolled-back
changes leave nothing; only admins read and export it; the CSV is the database's rows."""

import csv
import io
import json
import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from checklists.models import Checklist, ChecklistAnswer
from checklists.services import checklist_run_create
from rubrics.disputes import dispute_raise, dispute_resolve
from rubrics.models import Criterion, Evaluation, Interaction, Rating, Rubric
from rubrics.services import coaching_comment_add, review_acknowledge
from scripts_library.models import FaqCategory, FaqEntry, Script
from teams.audit import audit_context
from teams.models import ApiToken, AuditEntry, Membership, Role, Team
from tests.conftest import RATINGS, review, self_score

pytestmark = pytest.mark.django_db


def entries(model: str, **filters):
    return AuditEntry.objects.filter(model=model, **filters).order_by("at", "object_id")


def only(model: str, **filters) -> AuditEntry:
    found = list(entries(model, **filters))
    assert len(found) == 1, found
    return found[0]


def score_form(**overrides):
    data = {
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "channel": "phone",
        "reference": "ZD-4821",
        "topic": "Refund request",
        "summary": "Asked why a refund took two weeks.",
        "rubric_version": str(Rubric.objects.current().version),
        "submission_token": str(uuid.uuid4()),
    }
    for key, value in RATINGS.items():
        data[f"rating_{key}"] = str(value)
        data[f"comment_{key}"] = ""
    data.update(overrides)
    return data


# --- Each audited kind of change ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "recorded"), [(0, "127.0.0.1"), (1, "203.0.113.60"), (2, "127.0.0.1")]
)
def test_the_address_is_the_clients_behind_the_trusted_proxies(
    login, agent, settings, proxies, recorded
):
    """The left part of X-Forwarded-For is the client's own claim: only the proxies' count."""
    settings.TRUSTED_PROXY_COUNT = proxies
    response = login(agent).post(
        "/score/", score_form(), HTTP_X_FORWARDED_FOR="not-an-address, 203.0.113.60"
    )
    assert response.status_code == 302
    assert only("rubrics.Interaction", action="create").ip_address == recorded


def test_a_self_score_through_the_web_records_the_interaction_evaluation_and_ratings(login, agent):
    response = login(agent).post("/score/", score_form())
    assert response.status_code == 302
    interaction = Interaction.objects.get()
    evaluation = Evaluation.objects.get()

    created = only("rubrics.Interaction", action="create")
    assert (created.actor, created.actor_name) == (agent, "alice")
    assert created.source == "POST /score/" and created.ip_address == "127.0.0.1"
    assert created.object_id == str(interaction.pk)
    assert created.changes["reference"] == [None, "ZD-4821"]
    assert created.changes["agent"] == [None, agent.pk]
    assert "submission_token" not in created.changes

    scored = only("rubrics.Evaluation", action="create")
    assert scored.changes["score"] == [None, str(evaluation.score)]
    assert scored.changes["kind"] == [None, "self"] and scored.actor == agent

    # The ratings are saved with bulk_create, which sends no signals: logged by the service.
    ratings = entries("rubrics.Rating", action="create")
    assert ratings.count() == Rating.objects.count() == len(RATINGS)
    logged = {entry.changes["criterion"][1]: entry.changes["value"][1] for entry in ratings}
    assert logged == {
        rating.criterion_id: rating.value for rating in Rating.objects.select_related("criterion")
    }
    assert {entry.actor for entry in ratings} == {agent}


def test_the_api_token_user_is_the_actor(agent):
    _, key = ApiToken.issue(user=agent, name="Helpdesk")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = {
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "channel": "chat",
        "reference": "ZD-77",
        "topic": "Billing",
        "summary": "",
        "self_evaluation": {"ratings": dict(RATINGS), "comments": {}},
    }
    assert client.post("/api/v1/interactions/", body, format="json").status_code == 201
    entry = only("rubrics.Interaction", action="create")
    assert (entry.actor, entry.source) == (agent, "POST /api/v1/interactions/")


def test_reviews_their_receipt_and_corrections_are_recorded(login, agent, supervisor):
    interaction = self_score(agent).interaction
    with audit_context(source="test", actor=supervisor):
        written = review(interaction, supervisor, {**RATINGS, "fairness": 2})
    entry = only("rubrics.Evaluation", action="create", object_id=str(written.pk))
    assert entry.changes["kind"] == [None, "review"] and entry.actor == supervisor
    assert entry.changes["flagged"] == [None, True]

    # The agent marks the review read: seen_at is set with QuerySet.update().
    login(agent).post(f"/interactions/{interaction.pk}/read/")
    written.refresh_from_db()
    seen = only("rubrics.Evaluation", action="update", object_id=str(written.pk))
    assert seen.changes == {"seen_at": [None, written.seen_at.isoformat()]}
    assert seen.actor == agent and seen.source == f"POST /interactions/{interaction.pk}/read/"
    login(agent).post(f"/interactions/{interaction.pk}/read/")  # already read: nothing new
    assert entries("rubrics.Evaluation", action="update").count() == 1

    with audit_context(source="test", actor=agent):
        review_acknowledge(interaction=interaction, agent=agent)
    written.refresh_from_db()
    acknowledged = entries("rubrics.Evaluation", action="update").last()
    assert acknowledged.changes == {"acknowledged_at": [None, written.acknowledged_at.isoformat()]}
    assert acknowledged.actor == agent


def test_a_correction_records_the_superseded_row_and_the_new_revision(login, agent):
    evaluation = self_score(agent)
    data = score_form(reason="Misread the empathy level.", rating_empathy="3")
    response = login(agent).post(f"/interactions/{evaluation.interaction_id}/correct/", data)
    assert response.status_code == 302
    retired = only("rubrics.Evaluation", action="update", object_id=str(evaluation.pk))
    assert retired.changes == {"is_current": [True, False]} and retired.actor == agent
    revision = Evaluation.objects.get(revision=2)
    new = only("rubrics.Evaluation", action="create", object_id=str(revision.pk))
    assert new.changes["revision_reason"] == [None, "Misread the empathy level."]
    assert new.changes["supersedes"] == [None, evaluation.pk]


def test_disputes_their_items_and_coaching_are_recorded(agent, supervisor):
    interaction = self_score(agent).interaction
    written = review(interaction, supervisor, {**RATINGS, "fairness": 2})
    with audit_context(source="test", actor=agent):
        dispute = dispute_raise(
            interaction=interaction, agent=agent, reason="I checked.", proposed={"fairness": 4}
        )
    raised = only("rubrics.Dispute", action="create")
    assert raised.changes["reason"] == [None, "I checked."] and raised.actor == agent
    item = only("rubrics.DisputeItem", action="create")
    assert item.changes["original_value"] == [None, 2]
    assert item.changes["proposed_value"] == [None, 4]

    with audit_context(source="test", actor=supervisor):
        dispute_resolve(
            dispute=dispute,
            resolver=supervisor,
            decision="partly_accepted",
            reason="Partly.",
            ratings={"fairness": 3},
        )
    settled = only("rubrics.DisputeItem", action="update")
    assert settled.changes == {"final_value": [None, 3]} and settled.actor == supervisor
    resolved = only("rubrics.Dispute", action="update")
    assert resolved.changes["status"] == ["open", "partly_accepted"]
    assert resolved.changes["resolution_reason"] == ["", "Partly."]
    assert resolved.changes["resolved_by"] == [None, supervisor.pk]
    retired = only("rubrics.Evaluation", action="update", object_id=str(written.pk))
    assert retired.changes == {"is_current": [True, False]}

    with audit_context(source="test", actor=supervisor):
        comment = coaching_comment_add(
            interaction=interaction, author=supervisor, body="Say what you checked."
        )
    coached = only("rubrics.CoachingComment", action="create")
    assert coached.object_id == str(comment.pk)
    assert coached.changes["body"] == [None, "Say what you checked."]


def test_rubric_and_criterion_changes_are_recorded(admin_user):
    criterion = Criterion.objects.get(key="empathy")
    old = criterion.description
    with audit_context(source="test", actor=admin_user):
        criterion.description = "Listens and acknowledges feelings."
        criterion.save()
        rubric = Rubric.objects.current()
        rubric.notes = "Clarified empathy."
        rubric.save(update_fields=["notes"])
    entry = only("rubrics.Criterion", action="update")
    assert entry.changes == {"description": [old, "Listens and acknowledges feelings."]}
    assert (entry.actor, entry.actor_name, entry.source) == (admin_user, "ada", "test")
    assert only("rubrics.Rubric", action="update").changes["notes"][1] == "Clarified empathy."


def test_a_large_bulk_write_is_logged_like_a_small_one(admin_user, agent):
    """From audit.COPY_FROM entries on they are written with COPY: the same values as the
    INSERT that writes a few."""
    from teams import audit

    def made(count, reference):
        rows = Interaction.objects.bulk_create(
            Interaction(
                agent=agent,
                team_id=agent.membership.team_id,
                occurred_at=timezone.now() - timedelta(hours=1),
                channel="chat",
                reference=f"{reference}-{number}",
                topic="Refund",
            )
            for number in range(count)
        )
        with audit_context(source="bulk test", actor=admin_user):
            audit.log_created(rows)
        return entries("rubrics.Interaction", object_id=str(rows[0].pk)).get()

    small, large = made(2, "small"), made(audit.COPY_FROM, "large")
    assert AuditEntry.objects.filter(object_repr__startswith="large-").count() == audit.COPY_FROM
    for entry in (small, large):
        assert (entry.action, entry.actor, entry.actor_name, entry.source) == (
            "create",
            admin_user,
            "ada",
            "bulk test",
        )
        assert entry.changes["topic"] == [None, "Refund"] and entry.at is not None
    assert large.changes.keys() == small.changes.keys() and large.pk != small.pk


def test_library_edits_including_links_are_recorded(admin_user):
    script = Script.objects.filter(status="published").first()
    old_body, old_version = script.body, script.version
    item = Checklist.objects.get(slug="interaction-ethics").items.exclude(scripts=script).first()
    with audit_context(source="test", actor=admin_user):
        script.body = "New words for [Customer Name]."
        script.save()
        script.checklist_items.add(item)
    changed, linked = entries("scripts_library.Script", action="update")
    assert changed.changes["body"] == [old_body, "New words for [Customer Name]."]
    assert changed.changes["version"] == [old_version, old_version + 1]
    before, after = linked.changes["checklist_items"]
    assert str(item) in after and str(item) not in before

    with audit_context(source="test", actor=admin_user):
        entry = FaqEntry.objects.create(
            category=FaqCategory.objects.first(), question="Can I accept a gift?", answer="No."
        )
        entry.answer = "No, politely decline it."
        entry.save()
        entry_pk = entry.pk
        entry.delete()
    assert only("scripts_library.FaqEntry", action="create").changes["answer"] == [None, "No."]
    assert only("scripts_library.FaqEntry", action="update").changes["answer"] == [
        "No.",
        "No, politely decline it.",
    ]
    deleted = only("scripts_library.FaqEntry", action="delete")
    assert deleted.object_id == str(entry_pk)
    assert deleted.changes["question"] == ["Can I accept a gift?", None]


def test_checklists_items_and_runs_are_recorded(admin_user, agent):
    checklist = Checklist.objects.get(slug="interaction-ethics")
    item = checklist.items.first()
    with audit_context(source="test", actor=admin_user):
        item.question = "Did you treat the customer fairly?"
        item.save()
        checklist.is_active = False
        checklist.save()
        checklist.is_active = True
        checklist.save()
    assert only("checklists.ChecklistItem", action="update").changes["question"][1] == (
        "Did you treat the customer fairly?"
    )
    assert [e.changes for e in entries("checklists.Checklist", action="update")] == [
        {"is_active": [True, False]},
        {"is_active": [False, True]},
    ]

    answers = {i.id: ("yes", "") for i in checklist.items.filter(is_active=True)}
    interaction = self_score(agent).interaction
    with audit_context(source="test", actor=agent):
        run = checklist_run_create(
            checklist=checklist, runner=agent, interaction=interaction, answers=answers
        )
    assert only("checklists.ChecklistRun", action="create").object_id == str(run.pk)
    logged = entries("checklists.ChecklistAnswer", action="create")
    assert logged.count() == ChecklistAnswer.objects.count() == len(answers)
    assert {e.object_id for e in logged} == {
        str(pk) for pk in ChecklistAnswer.objects.values_list("pk", flat=True)
    }


def test_role_and_team_changes_are_recorded(admin_user, agent, north, south):
    with audit_context(source="test", actor=admin_user):
        agent.groups.add(Group.objects.get(name=Role.SUPERVISOR))
        Group.objects.get(name=Role.AGENT).user_set.remove(agent)
        agent.is_staff = True
        agent.save()
        south.supervisors.add(agent)
        membership = agent.membership
        membership.team = south
        membership.save()
        membership.delete()
    roles = [
        e.changes
        for e in entries("auth.User", action="update", object_id=str(agent.pk), source="test")
    ]
    assert roles == [
        {"groups": [["Agent"], ["Agent", "Supervisor"]]},
        {"groups": [["Agent", "Supervisor"], ["Supervisor"]]},
        {"is_staff": [False, True]},
    ]
    led = only("teams.Team", action="update", object_id=str(south.pk))
    assert led.changes == {"supervisors": [[], ["alice"]]}
    moved = only("teams.Membership", action="update")
    assert moved.changes == {"team": [north.pk, south.pk]} and moved.actor == admin_user
    assert only("teams.Membership", action="delete").changes["user"] == [agent.pk, None]


def test_a_password_change_is_one_entry_without_the_hash_and_a_sign_in_none(client, agent):
    before = AuditEntry.objects.count()
    agent.set_password("another-long-passphrase")
    agent.save()
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.get(changes__has_key="password")
    assert entry.model == "auth.User" and entry.changes == {"password": ["…", "changed"]}
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "another-long-passphrase"}
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert AuditEntry.objects.count() == before + 1


def test_api_tokens_are_recorded_without_their_hash(login, agent):
    login(agent).post("/profile/", {"name": "Zendesk app"})
    token = ApiToken.objects.get()
    entry = only("teams.ApiToken", action="create")
    assert entry.changes["name"] == [None, "Zendesk app"] and "key_hash" not in entry.changes
    assert token.key_hash not in json.dumps(entry.changes)
    login(agent).post(f"/profile/tokens/{token.pk}/revoke/")
    assert only("teams.ApiToken", action="delete").actor == agent


# --- Transactions -------------------------------------------------------------------------------


def test_a_rolled_back_change_leaves_no_entry(agent):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        Team.objects.create(name="West")
        Membership.objects.filter(user=agent).get().delete()
        raise RuntimeError("power cut")
    assert AuditEntry.objects.count() == before


def test_a_refused_self_score_leaves_no_entry(login, agent):
    # The interaction is saved before the ratings are checked; the whole service rolls back.
    before = AuditEntry.objects.count()
    response = login(agent).post("/score/", score_form(rating_fairness="1"))
    assert response.status_code == 200 and Interaction.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_an_entry_that_cannot_be_written_undoes_the_change(agent, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr("teams.audit._write", broken)
    with pytest.raises(RuntimeError):
        self_score(agent)
    assert Interaction.objects.count() == 0


# --- Who may read it ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client):
    for url in ["/audit/", "/audit/export.csv"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent", 403),
        ("other_agent", 403),
        ("supervisor", 403),
        ("other_supervisor", 403),
        ("admin", 200),
    ],
)
def test_only_admins_read_and_export_the_log(login, personas, persona, status):
    client = login(personas[persona])
    assert client.get("/audit/").status_code == status
    assert client.get("/audit/export.csv").status_code == status


def test_the_django_admin_log_is_read_only_and_admins_only(login, personas, agent):
    self_score(agent)
    entry = AuditEntry.objects.first()
    admin = login(personas["admin"])
    assert admin.get("/admin/teams/auditentry/").status_code == 200
    assert admin.get(f"/admin/teams/auditentry/{entry.pk}/change/").status_code == 200
    assert admin.get("/admin/teams/auditentry/add/").status_code == 403
    assert admin.post(f"/admin/teams/auditentry/{entry.pk}/delete/").status_code == 403
    page = admin.get(
        "/admin/teams/auditentry/", {"model": "rubrics.Interaction", "action": "create"}
    )
    assert page.status_code == 200 and "ZD-1" in page.content.decode()
    for persona in ["agent", "supervisor"]:
        response = login(personas[persona]).get("/admin/teams/auditentry/")
        assert response.status_code == 302  # not staff: the admin's own login page
    assert not personas["supervisor"].has_perm("teams.view_auditentry")


def test_wrong_methods(login, admin_user):
    client = login(admin_user)
    assert client.post("/audit/").status_code == 405
    assert client.post("/audit/export.csv").status_code == 405


# --- The page and its filters -------------------------------------------------------------------


@pytest.fixture
def history(agent, other_agent, supervisor, admin_user):
    """Changes by several people to several kinds of record."""
    with audit_context(source="test", actor=agent):
        alices = self_score(agent, reference="ZD-1").interaction
    with audit_context(source="test", actor=other_agent):
        self_score(other_agent, reference="ZD-2")
    with audit_context(source="test", actor=supervisor):
        review(alices, supervisor)
    with audit_context(source="test", actor=admin_user):
        FaqEntry.objects.create(
            category=FaqCategory.objects.first(), question='=HYPERLINK("x")', answer="-1+1"
        )
    return alices


def test_the_page_lists_entries_newest_first_with_their_changes(login, admin_user, history):
    response = login(admin_user).get("/audit/")
    body = response.content.decode()
    assert body.count('data-testid="audit-row"') == min(AuditEntry.objects.count(), 50)
    shown = [entry.at for entry in response.context["page"]]
    assert shown == sorted(shown, reverse=True)
    assert shown[0] == AuditEntry.objects.order_by("-at").first().at
    assert "ZD-1" in body and "sue" in body
    assert "=HYPERLINK(&quot;x&quot;)" in body  # escaped, never raw


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"model": "rubrics.Interaction"}, lambda q: q.filter(model="rubrics.Interaction")),
        ({"action": "update"}, lambda q: q.filter(action="update")),
        ({"actor": "SUE"}, lambda q: q.filter(actor_name="sue")),
        ({"q": "ZD-2"}, lambda q: q.filter(object_repr__icontains="ZD-2")),
        (
            {"model": "rubrics.Rating", "actor": "oscar"},
            lambda q: q.filter(model="rubrics.Rating", actor_name="oscar"),
        ),
    ],
)
def test_filters(login, admin_user, history, params, expected):
    response = login(admin_user).get("/audit/", params)
    wanted = expected(AuditEntry.objects.all())
    assert wanted.exists()
    assert response.context["page"].paginator.count == wanted.count()
    assert {e.pk for e in response.context["page"]} == set(wanted.values_list("pk", flat=True))


def test_date_filters(login, admin_user, history):
    AuditEntry.objects.filter(model="rubrics.Rating").update(at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()
    client = login(admin_user)
    recent = client.get("/audit/", {"date_from": today.isoformat()}).context["page"]
    assert recent.paginator.count == AuditEntry.objects.exclude(model="rubrics.Rating").count()
    old = client.get("/audit/", {"date_to": (today - timedelta(days=5)).isoformat()})
    assert (
        old.context["page"].paginator.count
        == AuditEntry.objects.filter(model="rubrics.Rating").count()
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "not a date"}, "Enter a valid date."),
        ({"date_from": "1066-10-14"}, "Pick a date between"),
        ({"date_from": "2024-05-02", "date_to": "2024-05-01"}, "The start date is after"),
        ({"action": "explode"}, "Select a valid choice"),
        ({"model": "auth.Permission"}, "Select a valid choice"),
        ({"q": "x" * 101}, "at most 100 characters"),
    ],
)
def test_bad_filters_get_a_message_and_no_csv(login, admin_user, history, params, message):
    client = login(admin_user)
    page = client.get("/audit/", params)
    assert page.status_code == 200 and message in page.content.decode()
    # A bad filter is ignored on the page, never half-applied.
    assert page.context["page"].paginator.count == AuditEntry.objects.count()
    export = client.get("/audit/export.csv", params)
    assert export.status_code == 400 and message in export.content.decode()


def test_the_list_makes_a_constant_number_of_queries(
    login, admin_user, agent, django_assert_max_num_queries
):
    client = login(admin_user)
    self_score(agent, reference="ZD-0")
    client.get("/audit/")  # warm the session and roles
    with django_assert_max_num_queries(6):
        few = client.get("/audit/")
    for number in range(1, 15):
        self_score(agent, reference=f"ZD-{number}", days_ago=number % 5 + 1)
    assert AuditEntry.objects.count() > 100
    with django_assert_max_num_queries(6):
        many = client.get("/audit/")
    with django_assert_max_num_queries(6):
        client.get("/audit/", {"model": "rubrics.Rating", "page": "2"})
    assert few.status_code == many.status_code == 200


# --- The CSV ------------------------------------------------------------------------------------


def parse(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_is_the_filtered_log_row_for_row(login, admin_user, history):
    response = login(admin_user).get("/audit/export.csv", {"actor": "ada"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = parse(response)
    stored = list(AuditEntry.objects.filter(actor_name="ada").order_by("at", "id"))
    assert len(rows) == len(stored) > 0
    for row, entry in zip(rows, stored, strict=True):
        assert row["at"] == entry.at.isoformat()
        assert (row["actor"], row["action"], row["model"]) == ("ada", entry.action, entry.model)
        assert row["object_id"] == entry.object_id
        assert row["source"] == entry.source


def test_the_whole_csv_matches_the_database(login, admin_user, history):
    rows = parse(login(admin_user).get("/audit/export.csv"))
    stored = list(AuditEntry.objects.order_by("at", "id"))
    assert [row["object_id"] for row in rows] == [entry.object_id for entry in stored]
    for row, entry in zip(rows, stored, strict=True):
        changes = row["changes"].removeprefix("'")
        assert json.loads(changes) == entry.changes
        assert row["object"].removeprefix("'") == entry.object_repr


def test_the_csv_defuses_formulas(login, admin_user, history):
    rows = parse(login(admin_user).get("/audit/export.csv", {"model": "scripts_library.FaqEntry"}))
    assert [row["object"] for row in rows] == ['\'=HYPERLINK("x")']
    for row in rows:
        for value in row.values():
            assert value[:1] not in ("=", "+", "-", "@")


# --- Line endings and long texts ----------------------------------------------------------------

TEXTAREA = re.compile(r'<textarea name="(\w+)"')


def test_an_admin_save_with_browser_line_endings_records_only_the_edited_field(login, admin_user):
    from tests.test_library_editing import VERSION, script_data

    admin_user.is_superuser = True
    admin_user.save()
    script = Script.objects.get(slug="declining-discount-outside-policy")
    guidance = script.guidance
    assert "\n" in guidance
    url = f"/admin/scripts_library/script/{script.pk}/change/"
    client = login(admin_user)
    page = client.get(url).content.decode()
    textareas = set(TEXTAREA.findall(page))
    assert {"situation", "body", "guidance"} <= textareas
    data = script_data(
        script, VERSION.search(page).group(1), body=script.body + "\nThanks for asking."
    )
    # Browsers send every textarea's line breaks as CRLF.
    for name in textareas:
        data[name] = data[name].replace("\n", "\r\n")
    assert client.post(url, data).status_code == 302

    entry = only("scripts_library.Script", action="update")
    # The version counts up on every save; the only text that changed is the body.
    assert set(entry.changes) - {"version"} == {"body"}
    assert entry.changes["body"][1] == script.body + "\nThanks for asking."
    script.refresh_from_db()
    assert script.guidance == guidance
    assert "\r" not in script.guidance + script.body + script.situation


def test_a_stored_crlf_value_saved_again_with_lf_is_no_change(admin_user):
    entry = FaqEntry.objects.create(
        category=FaqCategory.objects.first(), question="Gifts?", answer="No.\nDecline politely."
    )
    FaqEntry.objects.filter(pk=entry.pk).update(answer="No.\r\nDecline politely.")  # older rows
    entry.refresh_from_db()
    entry.answer = "No.\nDecline politely."
    entry.question = "Gifts?\rFrom customers?"
    with audit_context(source="test", actor=admin_user):
        entry.save()
    changes = only("scripts_library.FaqEntry", action="update").changes
    assert changes.pop("version") == [1, 2]  # every save counts the version up
    assert changes == {"question": ["Gifts?", "Gifts?\nFrom customers?"]}
    entry.refresh_from_db()
    assert entry.answer == "No.\nDecline politely."


def long_text(middle: str) -> str:
    opening = " ".join(f"opening{n}" for n in range(40))
    closing = " ".join(f"closing{n}" for n in range(40))
    return f"{opening} around the {middle} we changed {closing}"


def audit_row(body: str, model: str) -> str:
    rows = re.findall(r'<tr data-testid="audit-row">.*?</tr>', body, re.S)
    found = [row for row in rows if model in row]
    assert len(found) == 1, found
    return found[0]


def test_a_long_text_edit_shows_the_changed_words_in_context(login, admin_user):
    entry = FaqEntry.objects.create(
        category=FaqCategory.objects.first(), question="Gifts?", answer=long_text("word")
    )
    assert len(entry.answer) > 400
    with audit_context(source="test", actor=admin_user):
        entry.answer = long_text("sentence")
        entry.save()
    body = login(admin_user).get("/audit/", {"action": "update"}).content.decode()
    row = audit_row(body, "scripts_library.FaqEntry")
    assert "<del>word</del>" in row and "<ins>sentence</ins>" in row
    assert "around the" in row and "we changed" in row  # context either side
    assert "opening0" not in row and "closing39" not in row  # not the whole text
    assert "…" in row


def test_a_long_text_diff_escapes_html_in_the_text(login, admin_user):
    entry = FaqEntry.objects.create(
        category=FaqCategory.objects.first(), question="Gifts?", answer=long_text("<b>old</b>")
    )
    with audit_context(source="test", actor=admin_user):
        entry.answer = long_text('<script>alert("x")</script>')
        entry.save()
    body = login(admin_user).get("/audit/", {"action": "update"}).content.decode()
    row = audit_row(body, "scripts_library.FaqEntry")
    assert "<del>&lt;b&gt;old&lt;/b&gt;</del>" in row
    assert "<ins>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</ins>" in row
    assert "<script>" not in row and "<b>" not in row


def test_word_diff_keeps_context_around_each_change_and_ignores_line_breaks():
    from core.text import word_diff

    def shown(old, new, context):
        return [(segment.kind, segment.text) for segment in word_diff(old, new, context)]

    assert shown("a b c d e f g h", "a b c X e f g h", 2) == [
        ("gap", "…"),
        ("same", "b c"),
        ("removed", "d"),
        ("added", "X"),
        ("same", "e f"),
        ("gap", "…"),
    ]
    assert shown("a b c d e f g h i", "Z b c d e f g h Y", 2) == [
        ("removed", "a"),
        ("added", "Z"),
        ("same", "b c"),
        ("gap", "…"),
        ("same", "g h"),
        ("removed", "i"),
        ("added", "Y"),
    ]
    assert shown("one\r\ntwo", "one\ntwo", 8) == []
    assert shown("", "new words", 8) == [("added", "new words")]
