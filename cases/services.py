"""Writes on cases: raising a concern, delivering anonymous reports, and working a case."""

import random

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Case,
    CaseMessage,
    PendingReport,
    Route,
    RoutingRule,
    receipt_code_new,
    receipt_hash,
)
from checklists.models import Concern, DecisionRecord
from checklists.services import concern_report
from notifications.models import Kind
from notifications.services import notify
from teams.audit import audit_context
from teams.models import COMPLIANCE_GROUP, Role


def _first_active(users):
    return users.filter(is_active=True).order_by("username").first()


def _admins():
    from django.db.models import Q

    return get_user_model().objects.filter(Q(groups__name=Role.ADMIN) | Q(is_superuser=True))


def case_route(*, category: str, team, about_supervisor: bool, to_compliance: bool):
    """(route, team, owner) for a new case. A case about a supervisor, or one whose reporter
    has no team with a supervisor, goes to compliance: never to the team's supervisors."""
    route = RoutingRule.route_for(category)
    if about_supervisor or to_compliance:
        route = Route.COMPLIANCE
    if route == Route.TEAM:
        owner = _first_active(team.supervisors.all()) if team else None
        if owner is not None:
            return Route.TEAM, team, owner
        route = Route.COMPLIANCE
    if route == Route.COMPLIANCE:
        users = get_user_model().objects.filter(groups__name=COMPLIANCE_GROUP)
        owner = _first_active(users) or _first_active(_admins())
        return Route.COMPLIANCE, None, owner
    return Route.ADMINS, None, _first_active(_admins())


def _reporter_team(reporter):
    membership = getattr(reporter, "membership", None)
    return membership.team if membership else None


def _open_case(
    *,
    concern: Concern,
    route: str,
    team,
    owner,
    about_supervisor: bool,
    code_hash=None,
    checklist_run=None,
    interaction=None,
):
    acknowledge_by, feedback_by = Case.deadlines(concern.reported_on)
    case = Case(
        concern=concern,
        route=route,
        team=team,
        owner=owner,
        about_supervisor=about_supervisor,
        opened_on=concern.reported_on,
        acknowledge_by=acknowledge_by,
        feedback_by=feedback_by,
        receipt_hash=code_hash,
        checklist_run=checklist_run,
        interaction=interaction,
    )
    case.full_clean(exclude=["concern", "team", "owner", "checklist_run", "interaction"])
    case.save()
    if owner is not None:
        notify(
            [owner],
            Kind.CASE_ASSIGNED,
            f"A case was routed to you: {concern.get_category_display()}.",
            reverse("case_detail", args=[case.pk]),
        )
    return case


def concern_raise(
    *,
    reporter,
    category: str,
    description: str,
    anonymous: bool,
    about_supervisor: bool = False,
    to_compliance: bool = False,
) -> tuple[Case | None, str | None]:
    """A named concern becomes a case at once; an anonymous one waits, without its reporter,
    for the next delivery. Returns the case (named) or the receipt code (anonymous), shown once."""
    team = _reporter_team(reporter)
    route, team, owner = case_route(
        category=category, team=team, about_supervisor=about_supervisor, to_compliance=to_compliance
    )
    if anonymous:
        code = receipt_code_new()
        pending = PendingReport(
            category=category,
            description=(description or "").strip(),
            route=route,
            team=team,
            about_supervisor=about_supervisor,
            receipt_hash=receipt_hash(code),
        )
        pending.full_clean(exclude=["team"])
        with transaction.atomic():
            pending.save()
        return None, code
    with transaction.atomic():
        concern = concern_report(
            reporter=reporter, category=category, description=description, anonymous=False
        )
        case = _open_case(
            concern=concern, route=route, team=team, owner=owner, about_supervisor=about_supervisor
        )
    return case, None


def pending_reports_deliver() -> int:
    """Turn every waiting anonymous report into a concern and a case, in a shuffled batch.

    The route is decided again at delivery, so an owner who left meanwhile is replaced."""
    delivered = 0
    with transaction.atomic(), audit_context(source="job"):
        pending = list(PendingReport.objects.select_for_update(skip_locked=True))
        random.SystemRandom().shuffle(pending)
        for report in pending:
            route, team, owner = case_route(
                category=report.category,
                team=report.team,
                about_supervisor=report.about_supervisor or report.route == Route.COMPLIANCE,
                to_compliance=False,
            )
            concern = Concern(
                category=report.category,
                description=report.description,
                is_anonymous=True,
                reporter=None,
                reported_on=report.reported_on,
            )
            concern.full_clean(exclude=["reporter"])
            concern.save()
            _open_case(
                concern=concern,
                route=route,
                team=team,
                owner=owner,
                about_supervisor=report.about_supervisor,
                code_hash=report.receipt_hash,
            )
            report.delete()
            delivered += 1
    return delivered


def case_open_for_breach(*, run, answers) -> Case:
    """A checklist run answered "no" to a breach item: a case in the runner's name, linked to
    the run and its interaction, routed like any data breach."""
    # The notes stay on the run (the case links to it), so retention purges them in one place.
    wording = "; ".join(f"“{answer.item_title}”" for answer in answers)
    description = f"Checklist “{run.checklist.title}” answered no to {wording}."[:4000]
    route, team, owner = case_route(
        category=Concern.Category.DATA_BREACH,
        team=_reporter_team(run.runner),
        about_supervisor=False,
        to_compliance=False,
    )
    concern = concern_report(
        reporter=run.runner,
        category=Concern.Category.DATA_BREACH,
        description=description,
        anonymous=False,
    )
    return _open_case(
        concern=concern,
        route=route,
        team=team,
        owner=owner,
        about_supervisor=False,
        checklist_run=run,
        interaction=run.interaction,
    )


def case_open_for_rating(*, evaluation, ratings) -> Case:
    """A review rated 1 on a breach criterion: a case in the reviewer's name, linked to the
    interaction, routed like any ethical violation."""
    # The comments stay on the review (the case links to its interaction), so retention purges
    # them in one place.
    wording = "; ".join(f"“{rating.criterion.name}”" for rating in ratings)
    description = f"A review rated 1 on {wording}."[:4000]
    category = Concern.Category.ETHICAL_VIOLATION
    interaction = evaluation.interaction
    route, team, owner = case_route(
        category=category,
        team=interaction.team,
        about_supervisor=False,
        to_compliance=False,
    )
    concern = concern_report(
        reporter=evaluation.author, category=category, description=description, anonymous=False
    )
    return _open_case(
        concern=concern,
        route=route,
        team=team,
        owner=owner,
        about_supervisor=False,
        interaction=interaction,
    )


def breach_rated_receiver(sender, *, evaluation, ratings, **kwargs):
    case_open_for_rating(evaluation=evaluation, ratings=ratings)


def breach_answered_receiver(sender, *, run, answers, **kwargs):
    case_open_for_breach(run=run, answers=answers)


# --- Working a case --------------------------------------------------------------------------

CONCERN_STATUS = {
    Case.Status.RECEIVED: Concern.Status.NEW,
    Case.Status.ACKNOWLEDGED: Concern.Status.NEW,
    Case.Status.INVESTIGATING: Concern.Status.INVESTIGATING,
    Case.Status.CLOSED: Concern.Status.CLOSED,
}


def _locked(case: Case) -> Case:
    locked = Case.objects.select_for_update().select_related("concern").get(pk=case.pk)
    if locked.status == Case.Status.CLOSED:
        raise ValidationError("This case is closed; it can no longer be changed.")
    return locked


def _tell_reporter(case: Case) -> None:
    reporter = case.concern.reporter
    if reporter is not None:
        notify(
            [reporter],
            Kind.CONCERN_STATUS,
            f"Your report is now {case.get_status_display().lower()}.",
            reverse("concern_detail", args=[case.concern_id]),
        )


def case_status_change(*, case: Case, status: str, outcome: str = "") -> Case:
    """Move a case on: acknowledged, investigating, or closed with an outcome (final)."""
    if status not in Case.Status.values or status == Case.Status.RECEIVED:
        raise ValidationError({"status": "Choose acknowledged, investigating or closed."})
    with transaction.atomic():
        case = _locked(case)
        changed = case.status != status
        today = timezone.localdate()
        case.status = status
        case.acknowledged_on = case.acknowledged_on or today
        if status == Case.Status.CLOSED:
            case.outcome = (outcome or "").strip()
            case.closed_on = today
            case.feedback_on = case.feedback_on or today
        case.full_clean(exclude=["concern", "team", "owner"])
        case.save()
        concern = case.concern
        concern.status = CONCERN_STATUS[status]
        concern.outcome = case.outcome
        concern.closed_on = case.closed_on
        concern.save(update_fields=["status", "outcome", "closed_on"])
        if changed:
            _tell_reporter(case)
    return case


def case_acknowledge(*, case: Case) -> Case:
    return case_status_change(case=case, status=Case.Status.ACKNOWLEDGED)


def case_message_add(*, case: Case, author, kind: str, text: str) -> CaseMessage:
    """An owner's question or reply to the reporter, or an internal note."""
    if kind not in (CaseMessage.Kind.QUESTION, CaseMessage.Kind.REPLY, CaseMessage.Kind.NOTE):
        raise ValidationError({"kind": "Choose a question, a reply or a note."})
    with transaction.atomic():
        case = _locked(case)
        message = CaseMessage(case=case, author=author, kind=kind, text=(text or "").strip())
        message.full_clean(exclude=["case", "author"])
        message.save()
        if kind != CaseMessage.Kind.NOTE and case.feedback_on is None:
            case.feedback_on = timezone.localdate()
            case.save(update_fields=["feedback_on"])
    return message


def case_reassign(*, case: Case, owner) -> Case:
    from teams.access import is_compliance

    if owner is None or not owner.is_active:
        raise ValidationError({"owner": "Choose an active person."})
    if case.about_supervisor and not is_compliance(owner):
        raise ValidationError({"owner": "A case about a supervisor stays with compliance."})
    with transaction.atomic():
        case = _locked(case)
        case.owner = owner
        case.save(update_fields=["owner"])
        notify(
            [owner],
            Kind.CASE_ASSIGNED,
            f"A case was routed to you: {case.concern.get_category_display()}.",
            reverse("case_detail", args=[case.pk]),
        )
    return case


def case_reporter_writes(*, case: Case, kind: str, text: str) -> CaseMessage:
    """The reporter answers a question or adds information (never names a user)."""
    if kind not in CaseMessage.FROM_REPORTER:
        raise ValidationError({"kind": "Choose an answer or more information."})
    with transaction.atomic(), audit_context(source="follow-up"):
        case = _locked(case)
        message = CaseMessage(case=case, kind=kind, text=(text or "").strip())
        message.full_clean(exclude=["case", "author"])
        message.save()
    return message


def case_root_causes_set(*, case: Case, root_causes) -> Case:
    """Tag a case with the root causes chosen; tags since retired (no longer offered) stay."""
    with transaction.atomic():
        case = _locked(case)
        retired = list(case.root_causes.filter(is_active=False))
        case.root_causes.set([*root_causes, *retired])
    return case


def case_decision_link(*, case: Case, decision, user) -> Case:
    """Link a decision record the user may see to the case it decided."""
    if not DecisionRecord.objects.visible_to(user).filter(pk=decision.pk).exists():
        raise ValidationError({"decision": "Choose one of the decision records you can see."})
    with transaction.atomic():
        case = _locked(case)
        case.decisions.add(decision)
    return case
