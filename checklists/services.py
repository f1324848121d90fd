"""Writes for the checklists and decision tools: each saves everything it is given, or nothing."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from checklists import signals
from checklists.models import (
    Answer,
    Checklist,
    ChecklistAnswer,
    ChecklistRun,
    Concern,
    DecisionRecord,
    ProofPlanProgress,
    ProofPlanTask,
    RiskLevel,
    ServiceChangeAnswer,
    ServiceChangeReview,
    TriageRequest,
    TriageRule,
)
from notifications.models import Kind
from notifications.services import notify
from rubrics.models import Evaluation, Interaction
from teams import audit
from teams.access import has_role
from teams.models import Role

FOREIGN_ANSWERS = (
    "Some answers are for questions that are not on this checklist. Reload the page and "
    "answer the questions shown."
)


def _team_of(user):
    membership = getattr(user, "membership", None)
    return membership.team if membership else None


def _full_clean_all(rows, exclude):
    for row in rows:
        row.full_clean(exclude=exclude, validate_constraints=False)


def _check_item_keys(items, given_ids) -> None:
    """Every active item answered, and nothing answered that is not one of them."""
    item_ids = {item.id for item in items}
    if set(given_ids) - item_ids:
        raise ValidationError(FOREIGN_ANSWERS)
    missing = [item for item in items if item.id not in given_ids]
    if missing:
        raise ValidationError({f"answer_{item.id}": f"Answer “{item.title}”." for item in missing})


def checklist_run_create(
    *,
    checklist: Checklist,
    runner,
    answers: dict[int, tuple[str, str]],
    interaction: Interaction | None = None,
    policy_change: str = "",
    ticket_reference: str = "",
) -> ChecklistRun:
    """Save a run of the interaction or policy checklist: answers keyed by item id -> (answer, note).

    A "no" needs a note saying what went wrong or what will be done about it. An interaction
    checklist may be run before acting, about no interaction yet (optionally naming the ticket);
    its runner attaches it later (`checklist_run_attach`).
    """
    if not checklist.is_active or checklist.kind == Checklist.Kind.SERVICE_CHANGE:
        raise ValidationError("This checklist cannot be run here.")
    if checklist.audience == Checklist.Audience.LEADERS and not has_role(
        runner, Role.SUPERVISOR, Role.ADMIN
    ):
        raise ValidationError("Only supervisors and admins run this checklist.")
    policy_change = (policy_change or "").strip()
    ticket_reference = (ticket_reference or "").strip()
    if checklist.kind == Checklist.Kind.INTERACTION:
        if (
            interaction is not None
            and not Interaction.objects.visible_to(runner).filter(pk=interaction.pk).exists()
        ):
            raise ValidationError({"interaction": "Choose one of the interactions you can see."})
        policy_change = ""
    else:
        if not policy_change:
            raise ValidationError(
                {"policy_change": "Name the policy change or request this run is about."}
            )
        interaction = None
        ticket_reference = ""

    items = list(checklist.items.filter(is_active=True))
    _check_item_keys(items, answers.keys())
    errors = {}
    for item in items:
        answer, note = answers[item.id]
        if answer not in Answer.values:
            errors[f"answer_{item.id}"] = f"Answer “{item.title}” with yes, no or not applicable."
        elif answer == Answer.NO and not (note or "").strip():
            errors[f"note_{item.id}"] = (
                f"You answered no to “{item.title}”: add a note on what happened or what you "
                "will do about it."
            )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        run = ChecklistRun(
            checklist=checklist,
            runner=runner,
            team=_team_of(runner),
            interaction=interaction,
            policy_change=policy_change,
            ticket_reference=ticket_reference,
        )
        run.full_clean(exclude=["checklist", "runner", "team", "interaction"])
        run.save()
        rows = [
            ChecklistAnswer(
                run=run,
                item=item,
                position=position,
                item_title=item.title,
                item_question=item.question,
                answer=answers[item.id][0],
                note=(answers[item.id][1] or "").strip(),
            )
            for position, item in enumerate(items, start=1)
        ]
        _full_clean_all(rows, exclude=["run", "item"])
        ChecklistAnswer.objects.bulk_create(rows)
        audit.log_created(rows)
        breaches = [
            row
            for row, item in zip(rows, items, strict=True)
            if item.breach_when_no and row.answer == Answer.NO
        ]
        if breaches:
            signals.breach_answered.send(sender=ChecklistRun, run=run, answers=breaches)
    return run


ONLY_OWN_RUNS = "Only the person who ran a checklist attaches it or takes it off."
ONLY_OWN_INTERACTIONS = "Attach your checklist runs to your own interactions only."


def _lock_own_interaction_run(run: ChecklistRun, user) -> ChecklistRun:
    locked = ChecklistRun.objects.select_for_update().select_related("checklist").get(pk=run.pk)
    if locked.runner_id != user.pk:
        raise ValidationError(ONLY_OWN_RUNS, code="not_runner")
    if locked.checklist.kind != Checklist.Kind.INTERACTION:
        raise ValidationError("Only interaction checklist runs are attached to interactions.")
    return locked


def checklist_runs_attach(*, runs: list[ChecklistRun], interaction: Interaction, user) -> int:
    """Attach the user's own interaction-checklist runs to their own interaction, all or none.

    A run attaches to one interaction at most: one attached elsewhere is refused (take it off
    there first); one already attached here is left as it is. Returns how many were attached.
    """
    if interaction.agent_id != user.pk:
        raise ValidationError({"interaction": ONLY_OWN_INTERACTIONS}, code="not_agent")
    attached = 0
    with transaction.atomic():
        for run in sorted(runs, key=lambda run: run.pk):
            locked = _lock_own_interaction_run(run, user)
            if locked.interaction_id == interaction.pk:
                continue
            if locked.interaction_id is not None:
                raise ValidationError(
                    f"Your run of {locked.created_at:%d %b %Y} is already attached to another "
                    "interaction: take it off there first.",
                    code="attached_elsewhere",
                )
            locked.interaction = interaction
            locked.save(update_fields=["interaction"])
            attached += 1
    return attached


def checklist_run_attach(*, run: ChecklistRun, interaction: Interaction, user) -> ChecklistRun:
    checklist_runs_attach(runs=[run], interaction=interaction, user=user)
    run.refresh_from_db()
    return run


def checklist_run_detach(*, run: ChecklistRun, user) -> ChecklistRun:
    """Take a run off its interaction, while the interaction has not been reviewed: a reviewer
    may have read the run beside the call, so after the review it stays where it was."""
    with transaction.atomic():
        locked = _lock_own_interaction_run(run, user)
        if locked.interaction_id is None:
            raise ValidationError("This run is not attached to an interaction.")
        if Evaluation.objects.filter(
            interaction_id=locked.interaction_id, kind=Evaluation.Kind.REVIEW
        ).exists():
            raise ValidationError(
                "That interaction has been reviewed with this run beside it, so the run stays "
                "attached.",
                code="reviewed",
            )
        locked.interaction = None
        locked.save(update_fields=["interaction"])
    return locked


def service_change_review_create(
    *, proposed_by, title: str, description: str, answers: dict[int, tuple[str, str]]
) -> ServiceChangeReview:
    """Record a proposed change with a risk level and a note for each review question."""
    checklist = Checklist.objects.filter(kind=Checklist.Kind.SERVICE_CHANGE, is_active=True).first()
    if checklist is None:
        raise ValidationError("There is no active service-change review checklist to answer.")
    items = list(checklist.items.filter(is_active=True))
    _check_item_keys(items, answers.keys())
    errors = {}
    for item in items:
        risk, note = answers[item.id]
        if risk not in RiskLevel.values:
            errors[f"risk_{item.id}"] = f"Rate the risk for “{item.title}”: low, medium or high."
        if not (note or "").strip():
            errors[f"note_{item.id}"] = f"Add a note explaining the risk for “{item.title}”."
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        review = ServiceChangeReview(
            title=title.strip(), description=description.strip(), proposed_by=proposed_by
        )
        review.full_clean(exclude=["proposed_by", "decided_by"])
        review.save()
        rows = [
            ServiceChangeAnswer(
                review=review,
                item=item,
                position=position,
                item_title=item.title,
                item_question=item.question,
                risk=answers[item.id][0],
                note=answers[item.id][1].strip(),
            )
            for position, item in enumerate(items, start=1)
        ]
        _full_clean_all(rows, exclude=["review", "item"])
        ServiceChangeAnswer.objects.bulk_create(rows)
        audit.log_created(rows)
    return review


SELF_DECISION_REFUSED = "You proposed this change, so another leader records the decision."


def service_change_decide(
    *, review: ServiceChangeReview, decided_by, decision: str, note: str = ""
) -> ServiceChangeReview:
    """Approve, send back or reject a reviewed change; a decision, once made, stands."""
    if decision not in ServiceChangeReview.Decision.values:
        raise ValidationError({"decision": "Choose approve, revise or reject."})
    note = (note or "").strip()
    if decision != ServiceChangeReview.Decision.APPROVE and not note:
        raise ValidationError({"note": "Say what needs to change, or why the change is rejected."})
    with transaction.atomic():
        locked = ServiceChangeReview.objects.select_for_update().get(pk=review.pk)
        if locked.is_decided:
            raise ValidationError(
                f"This change was already {locked.get_decision_display().lower()} by "
                f"{locked.decided_by}; record a new review for a revised proposal."
            )
        if not locked.may_be_decided_by(decided_by):
            raise ValidationError(SELF_DECISION_REFUSED)
        locked.decision = decision
        locked.decision_note = note
        locked.decided_by = decided_by
        locked.decided_at = timezone.now()
        locked.full_clean(exclude=["proposed_by", "decided_by"])
        locked.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    return locked


def triage_request_log(
    *,
    logged_by,
    description: str,
    ethical_risk: str,
    business_impact: str,
    reference: str = "",
    topic: str = "",
) -> TriageRequest:
    """Log a request; its priority, its owner and the day it is due come from the triage
    matrix cell it falls in (`TriageRule.due_in_days`: 0, "immediately", is today)."""
    rule = TriageRule.objects.filter(
        ethical_risk=ethical_risk, business_impact=business_impact
    ).first()
    if rule is None:
        raise ValidationError("Choose the ethical risk and the business impact: high or low.")
    request = TriageRequest(
        description=description.strip(),
        reference=(reference or "").strip(),
        ethical_risk=ethical_risk,
        business_impact=business_impact,
        rule=rule,
        logged_by=logged_by,
        team=_team_of(logged_by),
        topic=topic or "",
        due_on=timezone.localdate() + timedelta(days=rule.due_in_days),
    )
    request.owner = triage_owner(logged_by, request.team)
    request.full_clean(exclude=["rule", "logged_by", "team", "resolved_by", "owner"])
    with transaction.atomic():  # the row, its audit entry and the owner's notice, or none
        request.save()
        if request.owner is not None and request.owner.pk != logged_by.pk:
            # Rank, priority and due day only: the description may name the customer.
            notify(
                [request.owner],
                Kind.TRIAGE_ASSIGNED,
                f"A triage request was given to you: rank {rule.rank}, {rule.priority.lower()}, "
                f"due {request.due_on:%-d %b %Y}.",
                reverse("triage_detail", args=[request.pk]),
            )
    return request


def triage_owner(logged_by, team):
    """Who answers for a request: a supervisor or admin owns what they log; an agent's goes to
    the first active supervisor of their team by username or, with none, the first active admin."""
    if has_role(logged_by, Role.SUPERVISOR, Role.ADMIN):
        return logged_by
    active = get_user_model().objects.filter(is_active=True).order_by("username")
    lead = active.filter(led_teams=team).first() if team is not None else None
    return lead or active.filter(Q(groups__name=Role.ADMIN) | Q(is_superuser=True)).first()


def triage_request_resolve(
    *, request: TriageRequest, resolved_by, outcome: str, handling: str = ""
) -> TriageRequest:
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "Describe the outcome before resolving the request."})
    if handling not in TriageRequest.Handling.values:
        raise ValidationError({"handling": "Choose how the request was handled from the list."})
    with transaction.atomic():
        locked = TriageRequest.objects.select_for_update().get(pk=request.pk)
        if locked.is_resolved:
            raise ValidationError("This request has already been resolved.")
        locked.outcome = outcome
        locked.resolved_by = resolved_by
        locked.resolved_at = timezone.now()
        locked.handling = handling
        locked.full_clean(exclude=["rule", "logged_by", "team", "resolved_by", "owner"])
        locked.save(update_fields=["outcome", "resolved_by", "resolved_at", "handling"])
    return locked


def decision_record_create(*, author, fields: dict) -> DecisionRecord:
    """Save all six steps of a decision together; the follow-up cannot be in the past."""
    follow_up_on = fields.get("follow_up_on")
    if isinstance(follow_up_on, date) and follow_up_on < timezone.localdate():
        raise ValidationError({"follow_up_on": "The follow-up date cannot be in the past."})
    interaction, triaged = fields.get("interaction"), fields.get("triage_request")
    if (
        interaction
        and not Interaction.objects.visible_to(author).filter(pk=interaction.pk).exists()
    ):
        raise ValidationError({"interaction": "Choose one of the interactions you can see."})
    if triaged and not TriageRequest.objects.visible_to(author).filter(pk=triaged.pk).exists():
        raise ValidationError({"triage_request": "Choose one of the triage requests you can see."})
    record = DecisionRecord(author=author, team=_team_of(author), **fields)
    record.full_clean(exclude=["author", "team", "interaction", "triage_request"])
    with transaction.atomic():  # the row and its audit entry, or neither
        record.save()
    return record


def decision_record_follow_up(*, record: DecisionRecord, note: str) -> DecisionRecord:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say how the decision turned out."})
    with transaction.atomic():
        locked = DecisionRecord.objects.select_for_update().get(pk=record.pk)
        if locked.followed_up_at is not None:
            raise ValidationError("This decision has already been followed up.")
        locked.follow_up_note = note
        locked.followed_up_at = timezone.now()
        locked.full_clean(exclude=["author", "team"])
        locked.save(update_fields=["follow_up_note", "followed_up_at"])
    return locked


def concern_report(*, reporter, category: str, description: str, anonymous: bool) -> Concern:
    """Store a concern. For an anonymous one the reporter is dropped here and never stored."""
    concern = Concern(
        category=category,
        description=(description or "").strip(),
        is_anonymous=anonymous,
        reporter=None if anonymous else reporter,
    )
    concern.full_clean(exclude=["reporter"])
    with transaction.atomic():  # the row and its audit entry, or neither
        concern.save()
    return concern


def proof_plan_task_update(
    *, user, task: ProofPlanTask, done: bool, notes: str
) -> ProofPlanProgress:
    """Tick a task done (dated today the first time) or not done, and keep the notes."""
    with transaction.atomic():
        progress, _ = ProofPlanProgress.objects.select_for_update().get_or_create(
            user=user, task=task
        )
        progress.notes = (notes or "").strip()
        if done and progress.completed_on is None:
            progress.completed_on = timezone.localdate()
        elif not done:
            progress.completed_on = None
        progress.full_clean(exclude=["user", "task"])
        progress.save()
    return progress


def run_root_causes_set(*, run: ChecklistRun, runner, chosen: dict[int, list]) -> None:
    """The runner tags the "no" answers of their run with root causes (answer id -> tags).

    Only the runner tags, only "no" answers, and tags since retired stay on the answer."""
    if run.runner_id != runner.pk:
        raise ValidationError("Only the person who ran the checklist tags its answers.")
    with transaction.atomic():
        answers = {
            answer.pk: answer
            for answer in run.answers.select_for_update(of=("self",)).filter(
                pk__in=chosen, answer=Answer.NO
            )
        }
        if set(answers) != set(chosen):
            raise ValidationError("Root causes go on this run's “no” answers only.")
        for answer_id, tags in chosen.items():
            answer = answers[answer_id]
            retired = list(answer.root_causes.filter(is_active=False))
            answer.root_causes.set([*tags, *retired])
