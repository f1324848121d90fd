"""Reads for assignments: who may review a team, what is whose, progress and coverage."""

from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qa.models import Assignment, AssignmentRule, Period, period_bounds
from rubrics.models import Evaluation, Interaction, ScoreRollup
from rubrics.rollups import Period as RollupPeriod
from teams.access import teams_led_by
from teams.models import Membership, Role, Team

QUEUE_PART = 50
ROLLUP_PERIODS = {Period.WEEK: RollupPeriod.WEEK, Period.MONTH: RollupPeriod.MONTH}


def eligible_reviewers(team):
    """Who may review `team`'s interactions: its supervisors who hold the supervisor role
    (the rule of `Interaction.objects.reviewable_by`)."""
    return (
        get_user_model()
        .objects.filter(led_teams=team, groups__name=Role.SUPERVISOR, is_active=True)
        .distinct()
        .order_by("username")
    )


def rule_reviewers(rule: AssignmentRule) -> list:
    """The reviewers a rule spreads over: its named ones still able to review, else all."""
    eligible = eligible_reviewers(rule.team)
    named = list(eligible.filter(pk__in=rule.reviewers.values("pk")))
    return named or list(eligible)


def get_team_for_rule(user, pk) -> Team:
    """A team whose rule `user` sets: one they lead (any for admins); others 404."""
    return get_object_or_404(teams_led_by(user), pk=pk)


def get_assignment_for_user(user, pk) -> Assignment:
    """An assignment of a team `user` leads (any for admins); anyone else's is not found."""
    return get_object_or_404(
        Assignment.objects.filter(team__in=teams_led_by(user)).select_related(
            "team", "reviewer", "agent", "interaction"
        ),
        pk=pk,
    )


def assignments_for_reviewer(user, *, status: str | None = None):
    queryset = Assignment.objects.filter(reviewer=user).select_related(
        "interaction", "agent", "team"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def my_assignments(user, *, today: date) -> dict:
    """The reviewer's page: open ones (overdue first, then by due date), this week's and this
    month's done and skipped ones, and the progress of the current periods per agent."""
    week_start, _ = period_bounds(Period.WEEK, today)
    month_start, _ = period_bounds(Period.MONTH, today)
    mine = assignments_for_reviewer(user)
    open_ones = list(mine.open().order_by("due_on", "id")[:200])
    current = Q(period=Period.WEEK, period_start=week_start) | Q(
        period=Period.MONTH, period_start=month_start
    )
    closed = list(
        mine.filter(current)
        .exclude(status=Assignment.Status.OPEN)
        .order_by("-done_at", "-id")[:200]
    )
    progress = list(
        Assignment.objects.filter(current, reviewer=user)
        .exclude(status=Assignment.Status.SKIPPED)
        .values("agent__username", "agent__first_name", "agent__last_name", "team__name")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=Assignment.Status.DONE)),
        )
        .order_by("team__name", "agent__username")
    )
    for row in progress:
        full_name = f"{row['agent__first_name']} {row['agent__last_name']}".strip()
        row["agent"] = full_name or row["agent__username"]
    total = sum(row["total"] for row in progress)
    done = sum(row["done"] for row in progress)
    return {
        "overdue": [a for a in open_ones if a.due_on < today],
        "due": [a for a in open_ones if a.due_on >= today],
        "closed": closed,
        "progress": progress,
        "total": total,
        "done": done,
        "percent": round(100 * done / total) if total else None,
    }


QUEUE_ORDER = ("-review_requested", "-occurred_at", "-id")


def review_queue(user, *, teams, today: date) -> dict:
    """The review queue in two bounded parts, each read through an index:

    1. `assigned`: the user's open assignments they may still review, soonest due first
       (`assignment_open_by_reviewer`);
    2. `rest`: the other unreviewed interactions of `teams`, self-scored or not, those the
       agent asked to have reviewed first, then newest first: the first few of each team by
       `interaction_team_queue`, merged, so no team's interactions are ever sorted in full.

    Blind review: nothing here is read from the self-score.
    """
    reviewable = Interaction.objects.reviewable_by(user)
    assigned = list(
        Assignment.objects.open()
        .filter(reviewer=user, team__in=teams, interaction__in=reviewable)
        .select_related("interaction__agent", "interaction__team")
        .order_by("due_on", "id")[:QUEUE_PART]
    )
    reviewed = Evaluation.objects.filter(interaction=OuterRef("pk"), kind=Evaluation.Kind.REVIEW)
    mine = Assignment.objects.filter(
        interaction=OuterRef("pk"), reviewer=user, status=Assignment.Status.OPEN
    )
    waiting = reviewable.exclude(Exists(reviewed)).exclude(Exists(mine))
    per_team = [waiting.filter(team=team).order_by(*QUEUE_ORDER)[:QUEUE_PART] for team in teams]
    if len(per_team) > 1:
        rest = list(per_team[0].union(*per_team[1:], all=True).order_by(*QUEUE_ORDER)[:QUEUE_PART])
    else:
        rest = list(per_team[0]) if per_team else []
    prefetch_related_objects(rest, "agent", "team")
    # Those someone else must review say who: anyone may still review them.
    holders = {}
    if rest:
        held = Assignment.objects.open().filter(interaction__in=[i.pk for i in rest])
        holders = {a.interaction_id: a.reviewer for a in held.select_related("reviewer")}
    for interaction in rest:
        interaction.assigned_to = holders.get(interaction.pk)
    return {"assigned": assigned, "rest": rest, "part_size": QUEUE_PART}


def period_start_at(day: date) -> datetime:
    """Midnight at the start of `day`, in the server's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def coverage(teams, *, today: date) -> dict[int, dict]:
    """Per team: its period (the active rule's, or else the week), its agents, how many of
    them have an interaction of this period reviewed, and open assignments past due.
    Four queries, whatever the number of teams or interactions."""
    rules = {
        rule.team_id: rule.period
        for rule in AssignmentRule.objects.filter(team__in=teams, active=True)
    }
    result, window = {}, Q()
    for team in teams:
        period = rules.get(team.pk, Period.WEEK)
        start, end = period_bounds(period, today)
        result[team.pk] = {
            "period": Period(period).label,
            "start": start,
            "end": end,
            "agents": 0,
            "reviewed": 0,
            "overdue": 0,
        }
        window |= Q(team_id=team.pk, period=ROLLUP_PERIODS[period], starts_on=start)
    if not result:
        return result
    members = (
        Membership.objects.filter(team__in=list(result), user__groups__name=Role.AGENT)
        .values("team")
        .annotate(count=Count("user", distinct=True))
    )
    for row in members:
        result[row["team"]]["agents"] = row["count"]
    # The dashboards' rollups count the current reviews per agent and period (by when the
    # interaction happened): one indexed row per agent, however many interactions.
    covered = (
        ScoreRollup.objects.filter(window, kind="review", agent__isnull=False, n__gt=0)
        .values("team")
        .annotate(count=Count("agent", distinct=True))
    )
    for row in covered:
        result[row["team"]]["reviewed"] = row["count"]
    overdue = (
        Assignment.objects.overdue(today)
        .filter(team__in=list(result))
        .values("team")
        .annotate(count=Count("id"))
    )
    for row in overdue:
        result[row["team"]]["overdue"] = row["count"]
    return result


def reviewers_by_team(team_ids) -> dict[int, list]:
    """Each team's eligible reviewers, in one query."""
    rows = (
        get_user_model()
        .objects.filter(led_teams__in=list(team_ids), groups__name=Role.SUPERVISOR, is_active=True)
        .annotate(team_id=F("led_teams"))
        .order_by("username")
    )
    found = {}
    for person in rows:
        found.setdefault(person.team_id, []).append(person)
    return found
