"""What each role's home page shows: the work waiting for the person, in a fixed number of
queries whatever the amount of data (each list is cut to a few rows, each count is one query)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Case
from checklists.models import ChecklistRun
from checklists.selectors import runnable_checklists
from core.dates import date_window
from qa import selectors as qa_selectors
from qa.models import Assignment
from reports.selectors import DEFAULT_THRESHOLD, agents_under_threshold
from rubrics.models import Dispute, Evaluation, Interaction, self_scores_blind_for
from rubrics.selectors import interactions_with_scores, unread_review_count
from scripts_library.models import Script, ScriptUse
from teams.access import has_role, is_admin, teams_led_by
from teams.models import Role, Team
from training.selectors import module_statuses

# How many rows each list on a home page shows; its count says how many more there are.
SHORT_LIST = 5
# The days over which "the scripts used most by your team" are counted.
SCRIPT_USE_DAYS = 30


def _open_disputes_for(user):
    """The open disputes `user` settles: an admin any, a supervisor those on their own reviews
    (see `Dispute.may_be_resolved_by`)."""
    disputes = Dispute.objects.open()
    return disputes if is_admin(user) else disputes.filter(review__author=user)


def most_used_scripts(team, today) -> list[Script]:
    """The published scripts the team opened or filled in most over the last SCRIPT_USE_DAYS
    days (`used` set on each), topped up in the library's order: one query."""
    uses = (
        ScriptUse.objects.filter(
            script=OuterRef("pk"), team=team, day__gt=today - timedelta(days=SCRIPT_USE_DAYS)
        )
        .values("script")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return list(
        Script.objects.published()
        .only("title", "slug")
        .annotate(used=Coalesce(Subquery(uses, output_field=IntegerField()), 0))
        .order_by("-used", "category__position", "title")[:SHORT_LIST]
    )


def agent_work(user) -> dict:
    """An agent's page: reviews to read or acknowledge, must-read scripts, training due, the
    library's quick links and their last interactions."""
    today = timezone.localdate()
    to_answer = (
        Evaluation.objects.filter(
            interaction__agent=user,
            kind=Evaluation.Kind.REVIEW,
            is_current=True,
            acknowledged_at__isnull=True,
        )
        # A review under an open dispute waits on the supervisor, not on the agent.
        .exclude(interaction__dispute__status=Dispute.Status.OPEN)
        .select_related("interaction")
        .order_by("seen_at", "created_at", "id")
    )
    reviews = list(to_answer[: SHORT_LIST + 1])
    must_read = list(
        Script.objects.awaiting_acknowledgement_by(user)
        .only("title", "slug", "version", "change_note")
        .order_by("title")[: SHORT_LIST + 1]
    )
    # Checklists run before acting that wait to be attached to the scored call.
    unfinished = list(
        ChecklistRun.objects.filter(runner=user)
        .unattached()
        .select_related("checklist")
        .only("checklist__title", "ticket_reference", "created_at")
        .order_by("-created_at", "-id")[: SHORT_LIST + 1]
    )
    membership = getattr(user, "membership", None)
    training = [status for status in module_statuses(user) if not status.is_passed]
    for status in training:
        status.overdue = status.is_overdue(today)
    return {
        "unread_reviews": unread_review_count(user),
        "reviews_to_answer": reviews[:SHORT_LIST],
        "more_reviews": len(reviews) > SHORT_LIST,
        "awaiting_acknowledgement": must_read[:SHORT_LIST],
        "more_must_read": len(must_read) > SHORT_LIST,
        "training_due": training[:SHORT_LIST],
        "unfinished_runs": unfinished[:SHORT_LIST],
        "more_unfinished_runs": len(unfinished) > SHORT_LIST,
        "quick_checklists": list(runnable_checklists(user).only("title", "slug", "kind")),
        "quick_scripts": most_used_scripts(membership.team_id if membership else None, today),
        "recent_interactions": list(
            interactions_with_scores(Interaction.objects.filter(agent=user)).order_by(
                "-occurred_at", "-id"
            )[:SHORT_LIST]
        ),
    }


def supervisor_work(user) -> dict:
    """A supervisor's page: assignments due, disputes to settle, reviews they gave that wait
    for acknowledgement, agents under the threshold and the cases they own."""
    today = timezone.localdate()
    assignments = Assignment.objects.filter(reviewer=user).open()
    waiting = Evaluation.objects.filter(
        author=user, kind=Evaluation.Kind.REVIEW, is_current=True, acknowledged_at__isnull=True
    ).exclude(interaction__dispute__status=Dispute.Status.OPEN)
    disputes = _open_disputes_for(user)
    teams = list(teams_led_by(user).order_by("name"))
    start, end = date_window(None, None)
    cases = Case.objects.filter(owner=user).exclude(status=Case.Status.CLOSED)
    return {
        "assignments_due": list(
            assignments.select_related("agent", "interaction").order_by("due_on", "id")[:SHORT_LIST]
        ),
        "assignments_count": assignments.count(),
        "assignments_overdue": assignments.filter(due_on__lt=today).count(),
        "disputes": list(
            disputes.select_related("interaction__agent").order_by("created_at", "id")[:SHORT_LIST]
        ),
        "disputes_to_settle": disputes.count(),
        "awaiting_ack": list(
            waiting.select_related("interaction__agent").order_by("created_at", "id")[:SHORT_LIST]
        ),
        "awaiting_ack_count": waiting.count(),
        "under_threshold": agents_under_threshold(
            teams,
            start,
            end,
            DEFAULT_THRESHOLD,
            blind=self_scores_blind_for(user, teams),
        )[:SHORT_LIST],
        "threshold": DEFAULT_THRESHOLD,
        "led_teams": user.led_teams.annotate(agent_count=Count("memberships")).order_by("name"),
        "owned_cases": list(
            cases.select_related("concern").order_by("feedback_by", "id")[:SHORT_LIST]
        ),
        "owned_cases_count": cases.count(),
        "today": today,
    }


def admin_health() -> dict:
    """The organisation's health: review coverage of this period, open disputes, overdue
    cases and library content that waits for agents' confirmation or for publishing."""
    today = timezone.localdate()
    teams = list(Team.objects.order_by("name"))
    covered = qa_selectors.coverage(teams, today=today)
    agents = sum(row["agents"] for row in covered.values())
    reviewed = sum(row["reviewed"] for row in covered.values())
    agent_count = (
        get_user_model().objects.filter(is_active=True, groups__name=Role.AGENT).distinct().count()
    )
    confirmations = Script.objects.published().filter(acknowledgement_version__isnull=False)
    confirmations = confirmations.annotate(
        confirmed=Count(
            "acknowledgements__user",
            filter=Q(
                acknowledgements__version__gte=F("acknowledgement_version"),
                acknowledgements__user__is_active=True,
                acknowledgements__user__groups__name=Role.AGENT,
            ),
            distinct=True,
        )
    ).filter(confirmed__lt=agent_count)
    return {
        "coverage": {
            "agents": agents,
            "reviewed": reviewed,
            "percent": round(100 * reviewed / agents) if agents else None,
            "overdue_assignments": sum(row["overdue"] for row in covered.values()),
        },
        "open_disputes": Dispute.objects.open().count(),
        "overdue_case_count": Case.objects.overdue(today).count(),
        "unconfirmed_scripts": confirmations.count(),
        "draft_scripts": Script.objects.filter(status=Script.Status.DRAFT).count(),
        "admin_counts": {
            "teams": len(teams),
            "people": get_user_model().objects.filter(is_active=True).count(),
        },
    }


def home_context(user) -> dict:
    context = {}
    if has_role(user, Role.AGENT):
        membership = getattr(user, "membership", None)
        context["team"] = membership.team if membership else None
        if membership:
            context["team_supervisors"] = membership.team.supervisors.order_by("username")
        context.update(agent_work(user))
    if has_role(user, Role.SUPERVISOR):
        context.update(supervisor_work(user))
    if is_admin(user):
        context.update(admin_health())
        if "disputes_to_settle" not in context:
            context["disputes_to_settle"] = context["open_disputes"]
    return context
