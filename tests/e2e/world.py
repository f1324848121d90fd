"""The browser suite's full world: every state a page can be in, made through the services.

- North: Alice (a long history: lists of more than one page, flagged and critical-fail
  interactions, open and settled disputes), Carl (reviewed low, under the default threshold)
  and Bea (nothing yet: every list of hers is empty), led by Sue.
- East: a team with no agents, led by Sam, whose queue and dashboard are empty.
- Ada, an admin: an audit log of more than one page, concerns (one a possible data breach),
  acknowledgements, every tool's records.

The rubric in force is a version whose accuracy criterion is critical; Alice's older
interactions were scored on the version before it, so the dashboards merge two versions.
"""

from datetime import timedelta

from django.utils import timezone

from tests.conftest import RATINGS, make_user

# Reviewed scores: Alice's (4,4,3,4,4) are 76%, under a threshold of 90 but not the default 70;
# Carl's (2,3,2,3,3) are 50%, under both.
ALICE_REVIEW = {"empathy": 4, "accuracy": 4, "fairness": 3, "transparency": 4, "respect": 4}
CARL_RATINGS = {"empathy": 2, "accuracy": 3, "fairness": 2, "transparency": 3, "respect": 3}
# A 1 on the critical criterion: the whole evaluation fails (0%).
CRITICAL_FAIL = {**RATINGS, "accuracy": 1}
# A 2 on a criterion that is not critical: flagged for its low rating, not failed.
FLAGGED = {**RATINGS, "fairness": 2}
# One page of the review queue, My scores and My reviews holds 25; of the checklist runs 25;
# of the audit log 50.
LONG = 27


def comments_for(ratings):
    return {key: "Needs work here." for key, value in ratings.items() if value and value <= 2}


def critical_version():
    """The next rubric version, made through the versioning service, with accuracy critical."""
    from rubrics.versions import CRITERION_CONTENT, Rubric, rubric_version_create

    current = Rubric.objects.current()
    criteria = [
        {field: getattr(criterion, field) for field in CRITERION_CONTENT}
        | {"critical": criterion.key == "accuracy"}
        for criterion in current.criteria.all()
    ]
    return rubric_version_create(
        name=current.name, notes="Accuracy is critical.", criteria=criteria, based_on=current
    )


def scored(agent, rubric, reference, ratings, *, days_ago, requested=False):
    from rubrics.services import interaction_self_score

    return interaction_self_score(
        agent=agent,
        rubric=rubric,
        interaction_fields={
            "occurred_at": timezone.now() - timedelta(days=days_ago, hours=1),
            "channel": "phone",
            "reference": reference,
            "topic": "Refund request",
            "summary": "",
            "review_requested": requested,
        },
        ratings=ratings,
        comments=comments_for(ratings),
    ).interaction


def reviewed(interaction, reviewer, ratings, comment=""):
    from rubrics.services import review_submit

    review_submit(
        interaction=interaction,
        reviewer=reviewer,
        ratings=ratings,
        comments=comments_for(ratings),
        comment=comment,
    )
    return interaction


def training_world(*, alice, carl, sue, north) -> dict:
    """North must pass "Honest and fair dealing" next week; Carl is overdue on "Pressure and hard
    conversations" and got two dilemmas wrong; Alice passed "Data and privacy"."""
    from training.models import Assignment, Dilemma, Module
    from training.services import assignment_create, attempt_record, module_submit

    due = timezone.localdate() + timedelta(days=7)
    assignment_create(
        assigned_by=sue,
        module=Module.objects.get(slug="honest-and-fair-dealing"),
        team=north,
        due_on=due,
    )
    [overdue] = assignment_create(
        assigned_by=sue,
        module=Module.objects.get(slug="pressure-and-hard-conversations"),
        agents=[carl],
        due_on=timezone.localdate(),
    )
    Assignment.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    for dilemma in Dilemma.objects.published().order_by("title")[:2]:
        attempt_record(
            user=carl,
            dilemma=dilemma,
            option_id=dilemma.options.filter(verdict="harmful").first().pk,
        )
    privacy = Module.objects.get(slug="data-and-privacy")
    _, certificate = module_submit(
        user=alice,
        module=privacy,
        answers={d.pk: d.options.get(verdict="best").pk for d in privacy.dilemmas.all()},
    )
    return {
        "dilemma": Dilemma.objects.published().order_by("title").first().pk,
        "module": "honest-and-fair-dealing",
        "certificate": certificate.code,
    }


def calibration_sessions(sue, ada, waiting):
    """A revealed calibration session (both scored; one agreed rating, a worked example) and an
    open one that Sue has scored and Ada has not."""
    from calibration.services import (
        calibration_agree,
        calibration_score_submit,
        calibration_session_open,
    )

    def session(interactions):
        return calibration_session_open(
            facilitator=sue,
            interaction_ids=[each.pk for each in interactions],
            participant_usernames=["sue", "ada"],
            deadline=timezone.now() + timedelta(days=3),
        )

    revealed = session(waiting[1:3])
    for person, fairness in ((sue, 3), (ada, 4)):
        for interaction in waiting[1:3]:
            calibration_score_submit(
                session=revealed,
                participant=person,
                interaction=interaction,
                ratings={**RATINGS, "fairness": fairness},
            )
    revealed.refresh_from_db()
    calibration_agree(
        session=revealed,
        facilitator=sue,
        interaction=waiting[1],
        criterion_key="fairness",
        value=3,
        note="The standard refund was offered; no goodwill extra was owed.",
    )
    still_open = session(waiting[3:4])
    calibration_score_submit(
        session=still_open, participant=sue, interaction=waiting[3], ratings=RATINGS
    )
    return revealed, still_open


def _ticket_import(sue, alice):
    """A previewed file import of Sue's: two good rows and one of an unknown agent."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from integrations.importing import import_preview
    from integrations.models import AgentMapping, Connection

    connection = Connection.objects.create(
        name="Acme desk",
        slug="acme-desk",
        kind="zendesk",
        ticket_url_template="https://acme.zendesk.example/agent/tickets/{id}",
        signing_secret="a-long-secret-for-the-e2e-world",
    )
    AgentMapping.objects.create(connection=connection, identity="alice@acme.example", user=alice)
    solved = (timezone.now() - timedelta(hours=3)).isoformat(timespec="seconds")
    rows = "".join(
        f"{ticket},{agent},chat,{solved},Billing\n"
        for ticket, agent in [("7001", "alice@acme.example"), ("7002", "nobody@acme.example")]
    )
    upload = SimpleUploadedFile("tickets.csv", f"id,agent,channel,solved,topic\n{rows}".encode())
    mapping = {"ticket_id": "id", "agent": "agent", "channel": "channel"}
    return import_preview(
        user=sue,
        connection=connection,
        upload=upload,
        mapping={**mapping, "solved_at": "solved", "topic": "topic"},
    )


def helpdesk_world(*, alice, north) -> dict:
    """A Zendesk connection for North: Alice mapped, one ticket of hers imported (its
    reference links to the ticket), and an identity held until someone maps it."""
    from integrations.models import AgentMapping, Connection, HeldTicket, UnmappedAgent
    from integrations.payloads import TicketEvent
    from integrations.services import receive_event

    desk = Connection.objects.create(
        name="Acme Zendesk",
        slug="acme-zendesk",
        kind=Connection.Kind.ZENDESK,
        ticket_url_template="https://acme.zendesk.example/agent/tickets/{id}",
        signing_secret="world-signing-secret-0123456789",
        team=north,
    )
    AgentMapping.objects.create(connection=desk, identity="alice@acme.example", user=alice)
    outcome = receive_event(
        desk,
        TicketEvent("35436", "alice@acme.example", "chat", None, "Refund request"),
        sent_at=timezone.now() - timedelta(hours=3),
        signature="0" * 64,
    )
    held = UnmappedAgent.objects.create(connection=desk, identity="new.agent@acme.example")
    HeldTicket.objects.create(
        unmapped_agent=held,
        ticket_id="35437",
        channel="email",
        solved_at=timezone.now() - timedelta(hours=2),
    )
    return {"helpdesk": desk.slug, "imported": outcome.interaction_id}


def build() -> dict:
    """Make the world; returns the people and the records that pages need (by name)."""
    from checklists.models import Checklist, DecisionRecord, ProofPlanTask
    from checklists.services import (
        checklist_run_create,
        concern_report,
        decision_record_create,
        proof_plan_task_update,
        service_change_review_create,
        triage_request_log,
    )
    from qa.models import Assignment
    from qa.services import assignment_rule_set, assignment_skip, assignments_sample
    from rubrics.disputes import dispute_raise, dispute_resolve
    from rubrics.models import Rubric
    from rubrics.recording import interaction_record
    from rubrics.services import coaching_comment_add, review_acknowledge
    from scripts_library.models import Script, ScriptUse
    from scripts_library.services import script_acknowledge
    from teams.models import Role, Team

    north, east = Team.objects.create(name="North"), Team.objects.create(name="East")
    alice = make_user("alice", Role.AGENT, team=north, first_name="Alice", last_name="Agent")
    carl = make_user("carl", Role.AGENT, team=north, first_name="Carl", last_name="Caller")
    bea = make_user("bea", Role.AGENT, team=north, first_name="Bea", last_name="Beginner")
    sue = make_user("sue", Role.SUPERVISOR, leads=[north], first_name="Sue", last_name="Lead")
    sam = make_user("sam", Role.SUPERVISOR, leads=[east], first_name="Sam", last_name="Spare")
    ada = make_user("ada", Role.ADMIN, is_staff=True, first_name="Ada", last_name="Admin")

    before = Rubric.objects.current()
    # Alice's older work, on the version before accuracy became critical, all reviewed.
    old = [
        reviewed(
            scored(alice, before, f"ZD-OLD-{n:02}", RATINGS, days_ago=40 + n), sue, ALICE_REVIEW
        )
        for n in range(LONG)
    ]
    rubric = critical_version()
    # Waiting for review: more than a page of the queue; one asked for, the newest.
    waiting = [
        scored(alice, rubric, f"ZD-WAIT-{n:02}", RATINGS, days_ago=2 + n % 20) for n in range(LONG)
    ]
    requested = scored(alice, rubric, "ZD-ASKED", FLAGGED, days_ago=1, requested=True)
    critical = reviewed(
        scored(alice, rubric, "ZD-CRITICAL", CRITICAL_FAIL, days_ago=3),
        sue,
        CRITICAL_FAIL,
        comment="Quoted a refund the policy does not allow.",
    )
    flagged = reviewed(scored(alice, rubric, "ZD-FLAGGED", FLAGGED, days_ago=4), sue, FLAGGED)
    coaching_comment_add(interaction=flagged, author=sue, body="Check the policy before promising.")
    acknowledged = reviewed(scored(alice, rubric, "ZD-ACKED", RATINGS, days_ago=5), sue, RATINGS)
    review_acknowledge(interaction=acknowledged, agent=alice)
    disputed = reviewed(scored(alice, rubric, "ZD-DISPUTED", RATINGS, days_ago=6), sue, FLAGGED)
    open_dispute = dispute_raise(
        interaction=disputed, agent=alice, reason="The offer was fair.", proposed={"fairness": 4}
    )
    settled = reviewed(scored(alice, rubric, "ZD-SETTLED", RATINGS, days_ago=7), sue, FLAGGED)
    settled_dispute = dispute_raise(
        interaction=settled, agent=alice, reason="I checked the policy.", proposed={"fairness": 4}
    )
    dispute_resolve(
        dispute=settled_dispute,
        resolver=sue,
        decision="partly_accepted",
        reason="Checked, but late.",
        ratings={"fairness": 3},
    )
    undisputed = reviewed(scored(alice, rubric, "ZD-FRESH", RATINGS, days_ago=8), sue, FLAGGED)
    for n in range(3):
        reviewed(
            scored(carl, rubric, f"ZD-CARL-{n}", CARL_RATINGS, days_ago=3 + n), sue, CARL_RATINGS
        )

    # Recorded by Sue and reviewed, never self-scored: the review stands alone.
    recorded = reviewed(
        interaction_record(
            recorder=sue,
            agent_username="carl",
            interaction_fields={
                "occurred_at": timezone.now() - timedelta(days=2, hours=3),
                "channel": "chat",
                "reference": "ZD-RECORDED",
                "topic": "Delivery delay",
            },
        ),
        sue,
        CARL_RATINGS,
    )

    interaction_checklist = Checklist.objects.get(kind=Checklist.Kind.INTERACTION)
    items = list(interaction_checklist.items.filter(is_active=True))
    runs = [
        checklist_run_create(
            checklist=interaction_checklist,
            runner=alice,
            interaction=old[n],
            answers={
                item.id: ("no", "Forgot to offer the options.")
                if n % 3 == 0 and i == 0
                else ("yes", "")
                for i, item in enumerate(items)
            },
        )
        for n in range(LONG)
    ]
    ticket_import = _ticket_import(sue, alice)

    # Checked before acting: one run on the call Sue is asked to review, one not attached yet;
    # each with a "no" on an item with linked scripts and on a reporting item.
    def before_acting(interaction, reference):
        return checklist_run_create(
            checklist=interaction_checklist,
            runner=alice,
            interaction=interaction,
            ticket_reference=reference,
            answers={
                item.id: ("no", "Promised a callback before checking the rota.")
                if item.title in ("Fairness", "Reporting")
                else ("yes", "")
                for item in items
            },
        )

    before_acting(requested, "")
    early_run = before_acting(None, "ZD-EARLY")
    early_reporting = early_run.answers.get(item_title="Reporting")
    service_change = Checklist.objects.get(kind=Checklist.Kind.SERVICE_CHANGE)
    change = service_change_review_create(
        proposed_by=sue,
        title="Chat only on Sundays",
        description="Phone support moves to chat on Sundays.",
        answers={
            item.id: ("low", "Checked.") for item in service_change.items.filter(is_active=True)
        },
    )
    triage = triage_request_log(
        logged_by=alice,
        description="Wants a refund outside the window.",
        ethical_risk="high",
        business_impact="low",
    )
    decision = decision_record_create(
        author=alice,
        fields={
            "issue": "Backdate a cancellation?",
            "values_at_stake": "Fairness.",
            "facts": "Ten days late.",
            "policies": "Fourteen days allowed.",
            "alternatives": "Refuse or backdate.",
            "consequences": "Trust kept.",
            "decision": "Backdate.",
            "actions": "Confirm in writing.",
            "follow_up_on": timezone.localdate() + timedelta(days=7),
        },
    )
    # Its follow-up date has passed since: overdue.
    DecisionRecord.objects.filter(pk=decision.pk).update(
        follow_up_on=timezone.localdate() - timedelta(days=1)
    )
    concern = concern_report(
        reporter=alice,
        category="violation",
        description="A refund was promised that policy does not allow.",
        anonymous=False,
    )
    breach = concern_report(
        reporter=None,
        category="breach",
        description="A ticket was sent to the wrong address.",
        anonymous=True,
    )
    # A gift Alice reported goes to Sue, North's supervisor.
    from cases.services import concern_raise

    case, _ = concern_raise(
        reporter=alice,
        category="gift",
        description="A customer offered concert tickets for a faster refund.",
        anonymous=False,
    )
    proof_plan_task_update(
        user=alice, task=ProofPlanTask.objects.order_by("pk").first(), done=True, notes="Done."
    )

    script = Script.objects.published().filter(body__contains="[").order_by("title").first()
    script.acknowledgement_version = script.version
    script.change_note = "Clearer first sentence."
    script.save()
    script_acknowledge(script=script, user=carl, version=script.version)
    # North opens this script most, so Alice's home lists the team's most used scripts.
    ScriptUse.objects.create(team=north, script=script, day=timezone.localdate(), count=3)

    training = training_world(alice=alice, carl=carl, sue=sue, north=north)
    # North's weekly rule, and a sample of Alice's waiting work assigned to Sue: one overdue,
    # one skipped, the rest due.
    assignment_rule_set(team=north, per_agent=2, period="week")
    assignments_sample(teams=[north], per_agent=4, reviewer=sue)
    assigned = list(Assignment.objects.filter(reviewer=sue).order_by("id"))
    Assignment.objects.filter(pk=assigned[0].pk).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    assignment_skip(assignment=assigned[-1], reason="A test call, not a customer.")

    revealed, still_open = calibration_sessions(sue, ada, waiting)
    helpdesk = helpdesk_world(alice=alice, north=north)

    return {
        **helpdesk,
        **training,
        "revealed_calibration": revealed.pk,
        "open_calibration": still_open.pk,
        "calibration_waiting": waiting[3].pk,
        "people": {"alice": alice, "carl": carl, "bea": bea, "sue": sue, "sam": sam, "ada": ada},
        "north": north.pk,
        "east": east.pk,
        "waiting": waiting[0].pk,
        "requested": requested.pk,
        "critical": critical.pk,
        "flagged": flagged.pk,
        "acknowledged": acknowledged.pk,
        "disputed": disputed.pk,
        "open_dispute": open_dispute.pk,
        "settled": settled.pk,
        "undisputed": undisputed.pk,
        "recorded": recorded.pk,
        "run": runs[0].pk,
        "early_run": early_run.pk,
        "early_reporting": early_reporting.pk,
        "change": change.pk,
        "ticket_import": ticket_import.pk,
        "triage": triage.pk,
        "decision": decision.pk,
        "concern": concern.pk,
        "breach": breach.pk,
        "case": case.pk,
        "script": script.slug,
    }
