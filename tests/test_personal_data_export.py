"""/profile/export.json: each person downloads their own data, and nobody else's."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from checklists.models import Checklist, ProofPlanTask
from checklists.services import (
    checklist_run_create,
    concern_report,
    decision_record_create,
    proof_plan_task_update,
    service_change_decide,
    service_change_review_create,
    triage_request_log,
)
from rubrics.disputes import dispute_raise, dispute_resolve
from rubrics.services import coaching_comment_add
from scripts_library.models import Script
from scripts_library.services import script_acknowledge
from teams import audit
from teams.models import ApiToken
from tests.conftest import PASSWORD, RATINGS, review, self_score

pytestmark = pytest.mark.django_db


def service_change_items():
    checklist = Checklist.objects.get(kind=Checklist.Kind.SERVICE_CHANGE)
    return checklist.items.filter(is_active=True)


URL = "/profile/export.json"


def download(client) -> dict:
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


@pytest.fixture
def alices_records(agent, supervisor, other_agent):
    """Alice's records with every tool, plus Oscar's, which must stay out of her download."""
    interaction = self_score(agent, {**RATINGS, "fairness": 2}, reference="ZD-ALICE").interaction
    review(interaction, supervisor, {**RATINGS, "fairness": 2}, comment="Check the policy.")
    coaching_comment_add(interaction=interaction, author=supervisor, body="Quote the policy.")
    dispute_raise(
        interaction=interaction, agent=agent, reason="I did quote it.", proposed={"fairness": 4}
    )
    checklist = Checklist.objects.get(slug="interaction-ethics")
    checklist_run_create(
        checklist=checklist,
        runner=agent,
        interaction=interaction,
        answers={item.id: ("yes", "") for item in checklist.items.filter(is_active=True)},
    )
    triage_request_log(
        logged_by=agent,
        description="Refund outside policy",
        ethical_risk="high",
        business_impact="low",
        reference="ZD-TRIAGE",
    )
    decision_record_create(
        author=agent,
        fields={
            "issue": "Alice's decision issue",
            "values_at_stake": "Fairness",
            "facts": "Facts",
            "policies": "Refund policy",
            "alternatives": "Two",
            "consequences": "Some",
            "decision": "Decline kindly",
            "actions": "Explain",
            "follow_up_on": timezone.localdate() + timedelta(days=7),
        },
    )
    concern_report(
        reporter=agent, category="gift", description="Named gift report", anonymous=False
    )
    concern_report(
        reporter=agent, category="breach", description="Secret anonymous report", anonymous=True
    )
    task = ProofPlanTask.objects.first()
    proof_plan_task_update(user=agent, task=task, done=True, notes="Alice's proof notes")
    script = Script.objects.filter(status="published").first()
    script_acknowledge(script=script, user=agent, version=script.version)
    token, _ = ApiToken.issue(user=agent, name="Zendesk app")

    oscars = self_score(other_agent, reference="ZD-OSCAR").interaction
    concern_report(
        reporter=other_agent, category="gift", description="Oscar's report", anonymous=False
    )
    return {"interaction": interaction, "token": token, "oscars": oscars, "task": task}


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "persona", ["agent", "other_agent", "supervisor", "other_supervisor", "admin"]
)
def test_everyone_downloads_their_own_account(login, personas, persona):
    user = personas[persona]
    data = download(login(user))
    assert data["account"]["username"] == user.username
    assert data["roles"] == sorted(group.name for group in user.groups.all())


def test_wrong_method(login, agent):
    assert login(agent).post(URL).status_code == 405


def test_the_profile_page_links_the_download(login, agent):
    assert f'href="{URL}"' in login(agent).get("/profile/").content.decode()


def test_the_download_holds_the_persons_records(login, agent, alices_records):
    data = download(login(agent))
    assert data["team"]["name"] == "North"
    [interaction] = data["interactions"]
    assert interaction["reference"] == "ZD-ALICE" and interaction["team"] == "North"
    kinds = {(e["kind"], e["author"]) for e in interaction["evaluations"]}
    assert kinds == {("self", "alice"), ("review", "sue")}
    reviewed = next(e for e in interaction["evaluations"] if e["kind"] == "review")
    assert reviewed["comment"] == "Check the policy."
    assert {r["criterion"]: r["value"] for r in reviewed["ratings"]} == {
        **RATINGS,
        "fairness": 2,
    }
    stored = alices_records["interaction"].evaluations.get(kind="review")
    assert (reviewed["score"], reviewed["percent"]) == (str(stored.score), str(stored.percent))
    assert interaction["coaching"][0]["body"] == "Quote the policy."
    [dispute] = data["disputes_raised"]
    assert dispute["reason"] == "I did quote it." and dispute["status"] == "open"
    assert dispute["items"] == [
        {"criterion": "fairness", "original_value": 2, "proposed_value": 4, "final_value": None}
    ]
    [run] = data["checklist_runs"]
    assert run["checklist"] == Checklist.objects.get(slug="interaction-ethics").title
    assert run["interaction_id"] == alices_records["interaction"].pk
    assert {answer["answer"] for answer in run["answers"]} == {"yes"}
    assert data["triage_requests"][0]["reference"] == "ZD-TRIAGE"
    assert data["decision_records"][0]["issue"] == "Alice's decision issue"
    assert [c["description"] for c in data["concerns"]] == ["Named gift report"]
    assert data["proof_plan"][0]["notes"] == "Alice's proof notes"
    assert len(data["script_acknowledgements"]) == 1
    assert data["api_tokens"] == [
        {
            "name": "Zendesk app",
            "prefix": alices_records["token"].prefix,
            "created_at": data["api_tokens"][0]["created_at"],
            "expires_at": data["api_tokens"][0]["expires_at"],
            "read_only": False,
            "last_used_at": None,
        }
    ]


def test_nobody_elses_data_and_no_anonymous_report_or_key_hash(login, agent, alices_records):
    text = login(agent).get(URL).content.decode()
    assert "Secret anonymous report" not in text
    assert "ZD-OSCAR" not in text and "Oscar's report" not in text and "oscar" not in text
    assert alices_records["token"].key_hash not in text and "key_hash" not in text
    assert "password" not in text


def test_the_supervisor_gets_their_own_records_not_their_teams(login, supervisor, alices_records):
    data = download(login(supervisor))
    assert data["interactions"] == [] and data["disputes_raised"] == []
    assert data["teams_led"] == ["North"]
    assert "ZD-ALICE" not in json.dumps(data)


def test_a_constant_number_of_queries(login, agent, supervisor):
    client = login(agent)
    first = self_score(agent, reference="ZD-0").interaction
    review(first, supervisor)
    client.get(URL)  # warm the session

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    few = queries()
    for number in range(1, 12):
        interaction = self_score(agent, reference=f"ZD-{number}").interaction
        review(interaction, supervisor)
        coaching_comment_add(interaction=interaction, author=supervisor, body="Good.")
    assert queries() == few
    assert few <= 34


def test_sign_ins_and_audit_entries_by_and_about_the_person(client, agent, admin_user):
    client.post(
        "/accounts/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="198.51.100.4"
    )
    client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="198.51.100.5"
    )
    with audit.audit_context(source="admin", actor=admin_user):
        agent.first_name = "Alicia"
        agent.save()
    client.post("/profile/", {"name": "BI export", "read_only": "on"}, REMOTE_ADDR="198.51.100.5")
    ApiToken.issue(user=admin_user, name="Ada's own")

    data = download(client)
    [sign_in] = data["sign_ins"]
    assert sign_in["ip_address"] == "198.51.100.5" and sign_in["logout_time"] is None
    # The failure from .4 is still counted: a success forgives only its own address.
    [failed] = data["failed_sign_ins"]
    assert failed["failures_since_start"] == 1
    # Whoever typed her username there may be someone else: no address or browser.
    assert set(failed) == {"attempt_time", "failures_since_start"}
    assert "198.51.100.4" not in json.dumps(data)
    by_me = data["audit_entries_by_me"]
    assert {entry["model"] for entry in by_me} == {"teams.ApiToken"}
    assert all(
        set(entry) == {"at", "action", "model", "object_id", "source", "ip_address"}
        for entry in by_me
    )
    about = data["audit_entries_about_me"]
    renamed = [e for e in about if e["model"] == "auth.User" and "first_name" in e["changes"]]
    assert renamed[-1]["changes"]["first_name"] == ["Alice", "Alicia"]
    assert {"teams.Membership", "teams.ApiToken"} <= {entry["model"] for entry in about}
    text = json.dumps(data)
    # Who changed her account, and other people's records, are not hers to download.
    assert '"ada"' not in text and "actor" not in text and "Ada's own" not in text
    assert data["api_tokens"][0]["read_only"] is True and data["api_tokens"][0]["expires_at"]


def test_what_a_supervisor_wrote_is_in_their_download(
    login, agent, supervisor, other_supervisor, alices_records
):
    interaction = alices_records["interaction"]
    dispute = interaction.dispute
    dispute_resolve(dispute=dispute, resolver=supervisor, decision="rejected", reason="It stands.")
    change = service_change_review_create(
        proposed_by=other_supervisor,
        title="Callback window",
        description="Offer callbacks within two hours.",
        answers={item.id: ("low", "Checked.") for item in service_change_items()},
    )
    service_change_decide(review=change, decided_by=supervisor, decision="revise", note="Say who.")
    from qa.models import Assignment

    Assignment.objects.create(
        interaction=interaction,
        reviewer=supervisor,
        team=interaction.team,
        agent=agent,
        period_start=interaction.occurred_at.date(),
        due_on=interaction.occurred_at.date(),
        status="skipped",
        skip_reason="Already discussed.",
    )

    data = download(login(supervisor))
    [assigned] = data["review_assignments"]
    assert (assigned["interaction_id"], assigned["status"], assigned["skip_reason"]) == (
        interaction.pk,
        "skipped",
        "Already discussed.",
    )
    [written] = data["reviews_written"]
    assert written["interaction_id"] == interaction.pk and written["comment"] == "Check the policy."
    assert {r["criterion"]: r["value"] for r in written["ratings"]}["fairness"] == 2
    assert data["coaching_written"] == [
        {
            "interaction_id": interaction.pk,
            "body": "Quote the policy.",
            "created_at": data["coaching_written"][0]["created_at"],
        }
    ]
    [resolved] = data["disputes_resolved"]
    assert (resolved["status"], resolved["resolution_reason"]) == ("rejected", "It stands.")
    [decided] = data["service_change_decisions"]
    assert (decided["decision"], decided["decision_note"]) == ("revise", "Say who.")
    # Whose interactions they reviewed stays out: the id is all.
    text = json.dumps(data)
    assert "ZD-ALICE" not in text and "alice" not in text.lower() and "I did quote it." not in text
