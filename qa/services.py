"""Writes of the quality programme: rules, drawing assignments, reassigning, skipping,
reminders. Drawing for a team holds a PostgreSQL lock on that team for the transaction, so
two workers (or a worker and a person sampling) never draw for one team at once, and an
interaction is assigned at most once (a unique constraint behind it)."""

from collections import Counter
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Window
from django.db.models.functions import Random, RowNumber
from django.utils import timezone

from notifications.models import Kind
from notifications.services import notify
from qa import selectors
from qa.models import (
    PER_AGENT_MAX,
    PER_AGENT_MIN,
    Assignment,
    AssignmentRule,
    Period,
    period_bounds,
)
from rubrics.models import Evaluation, Interaction

PER_AGENT_ERROR = f"Choose from {PER_AGENT_MIN} to {PER_AGENT_MAX} reviews per agent."
SAMPLE_DAYS = 7
SAMPLE_MAX = 20


def _lock_team(team_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('qa.assignments'), %s)", [team_id])


def assignment_rule_set(
    *, team, per_agent, period: str, reviewers=(), active: bool = True
) -> AssignmentRule:
    """Create or change `team`'s rule (one per team). Named `reviewers` must be able to
    review the team; none means all its supervisors."""
    if type(per_agent) is not int or not PER_AGENT_MIN <= per_agent <= PER_AGENT_MAX:
        raise ValidationError({"per_agent": PER_AGENT_ERROR})
    if period not in Period.values:
        raise ValidationError({"period": "Choose a week or a month."})
    eligible = set(selectors.eligible_reviewers(team).values_list("pk", flat=True))
    chosen = {getattr(person, "pk", person) for person in reviewers}
    if chosen - eligible:
        raise ValidationError(
            {"reviewers": "Reviewers must be supervisors of this team, who may review it."}
        )
    with transaction.atomic():
        rule, _ = AssignmentRule.objects.select_for_update().update_or_create(
            team=team, defaults={"per_agent": per_agent, "period": period, "active": active}
        )
        rule.reviewers.set(chosen)
    return rule


def _reviewed():
    return Evaluation.objects.filter(interaction=OuterRef("pk"), kind=Evaluation.Kind.REVIEW)


def _assigned():
    return Assignment.objects.filter(interaction=OuterRef("pk"))


def _draw(candidates, wanted: dict[int, int]) -> list[Interaction]:
    """At random per agent, the agent's "please review" requests first: up to `wanted[agent]`
    of each agent's `candidates` that are neither assigned nor reviewed."""
    if not wanted:
        return []
    ranked = (
        candidates.filter(agent_id__in=list(wanted))
        .exclude(Exists(_assigned()))
        .exclude(Exists(_reviewed()))
        .annotate(
            pick=Window(
                RowNumber(),
                partition_by=[F("agent_id")],
                order_by=[F("review_requested").desc(), Random()],
            )
        )
        .filter(pick__lte=max(wanted.values()))
        .only("pk", "agent_id", "team_id", "occurred_at")
    )
    return [
        interaction for interaction in ranked if interaction.pick <= wanted[interaction.agent_id]
    ]


def _spread(picked, reviewers: list, load: Counter) -> list[tuple[Interaction, object]]:
    """Each interaction to the reviewer with the fewest this period (never its own agent)."""
    pairs = []
    for interaction in sorted(picked, key=lambda i: (i.agent_id, i.pk)):
        choices = [person for person in reviewers if person.pk != interaction.agent_id]
        if not choices:
            continue
        reviewer = min(choices, key=lambda person: (load[person.pk], person.username))
        load[reviewer.pk] += 1
        pairs.append((interaction, reviewer))
    return pairs


def _create(pairs, *, period: str, period_start: date, due_on: date, source: str) -> int:
    made = Assignment.objects.bulk_create(
        [
            Assignment(
                interaction_id=interaction.pk,
                reviewer=reviewer,
                team_id=interaction.team_id,
                agent_id=interaction.agent_id,
                period=period,
                period_start=period_start,
                due_on=due_on,
                source=source,
            )
            for interaction, reviewer in pairs
        ],
        ignore_conflicts=True,
    )
    return len(made)


def assignments_top_up(*, now=None, teams=None) -> int:
    """Bring each agent of each team with an active rule up to the rule's quota for the
    current period, from the period's interactions so far. Safe to run as often as wanted and
    from several workers at once. Returns how many assignments it made."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = AssignmentRule.objects.filter(active=True).select_related("team")
    if teams is not None:
        rules = rules.filter(team__in=teams)
    made = 0
    for rule in rules:
        with transaction.atomic():
            _lock_team(rule.team_id)
            made += _top_up_team(rule, now=now, today=today)
    return made


def _top_up_team(rule: AssignmentRule, *, now, today: date) -> int:
    start, end = period_bounds(rule.period, today)
    reviewers = selectors.rule_reviewers(rule)
    if not reviewers:
        return 0
    this_period = Assignment.objects.filter(
        team=rule.team, period=rule.period, period_start=start
    ).exclude(status=Assignment.Status.SKIPPED)
    taken = Counter(
        dict(
            this_period.filter(source=Assignment.Source.RULE)
            .values_list("agent")
            .annotate(count=Count("id"))
        )
    )
    candidates = Interaction.objects.filter(
        team=rule.team,
        occurred_at__gte=selectors.period_start_at(start),
        occurred_at__lte=now,
    )
    agents = set(candidates.values_list("agent_id", flat=True).distinct())
    wanted = {
        agent: rule.per_agent - taken[agent] for agent in agents if taken[agent] < rule.per_agent
    }
    load = Counter(dict(this_period.values_list("reviewer").annotate(count=Count("id"))))
    pairs = _spread(_draw(candidates, wanted), reviewers, load)
    return _create(
        pairs, period=rule.period, period_start=start, due_on=end, source=Assignment.Source.RULE
    )


def assignments_sample(
    *, teams, per_agent: int, reviewer=None, due_on: date | None = None, now=None
) -> int:
    """Ad-hoc assignments: up to `per_agent` random unassigned, unreviewed interactions per
    agent of the last 7 days, self-scored or not, "please review" requests first. They go to
    `reviewer` (never their own work), or spread over each team's supervisors. Due by
    `due_on`, or the end of this week. Returns how many were assigned."""
    if type(per_agent) is not int or not 1 <= per_agent <= SAMPLE_MAX:
        raise ValidationError({"per_agent": f"Pick from 1 to {SAMPLE_MAX} per agent."})
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = period_bounds(Period.WEEK, today)
    if due_on is not None and due_on < today:
        raise ValidationError({"due_on": "That due date has passed: choose today or later."})
    made = 0
    for team in teams:
        reviewers = [reviewer] if reviewer is not None else list(selectors.eligible_reviewers(team))
        if not reviewers:
            continue
        with transaction.atomic():
            _lock_team(team.pk)
            candidates = Interaction.objects.filter(
                team=team, occurred_at__gte=now - timedelta(days=SAMPLE_DAYS), occurred_at__lte=now
            )
            if reviewer is not None:
                candidates = candidates.exclude(agent=reviewer)
            agents = set(candidates.values_list("agent_id", flat=True).distinct())
            load = Counter(
                dict(
                    Assignment.objects.filter(team=team, period_start=start)
                    .values_list("reviewer")
                    .annotate(count=Count("id"))
                )
            )
            picked = _draw(candidates, dict.fromkeys(agents, per_agent))
            made += _create(
                _spread(picked, reviewers, load),
                period=Period.WEEK,
                period_start=start,
                due_on=due_on or end,
                source=Assignment.Source.SAMPLE,
            )
    return made


def assignment_reassign(*, assignment: Assignment, reviewer, by=None) -> Assignment:
    """Give an open assignment to another person able to review its team (audited); the new
    reviewer is told, unless they gave it to themselves. (Assignments the periodic top-up
    creates tell nobody: the due and overdue reminders do.)"""
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status != Assignment.Status.OPEN:
            raise ValidationError("Only an open assignment can be reassigned.")
        if (
            reviewer is None
            or not selectors.eligible_reviewers(locked.team).filter(pk=reviewer.pk).exists()
        ):
            raise ValidationError(
                {"reviewer": "Choose a supervisor of this team: only they may review it."}
            )
        if reviewer.pk == locked.agent_id:
            raise ValidationError({"reviewer": "Nobody reviews their own interactions."})
        given = locked.reviewer_id != reviewer.pk
        locked.reviewer = reviewer
        locked.save(update_fields=["reviewer"])
        if given and (by is None or by.pk != reviewer.pk):
            _tell_new_reviewer(locked)
    return locked


def _interaction_named(assignment: Assignment) -> str:
    """An interaction in a notification: its agent, channel and day; never its reference,
    which may come from a customer's words."""
    interaction = assignment.interaction
    agent = interaction.agent
    day = timezone.localtime(interaction.occurred_at)
    return (
        f"{agent.get_full_name() or agent.get_username()}'s "
        f"{interaction.get_channel_display().lower()} interaction of {day:%-d %b %Y}"
    )


def _tell_new_reviewer(assignment: Assignment) -> None:
    notify(
        [assignment.reviewer_id],
        Kind.ASSIGNMENT_GIVEN,
        f"You were assigned the review of {_interaction_named(assignment)} "
        f"({assignment.team}), due by {assignment.due_on:%a %d %b}.",
        f"/interactions/{assignment.interaction_id}/review/",
    )


def assignment_skip(*, assignment: Assignment, reason: str) -> Assignment:
    """Close an open assignment without a review, saying why (audited). A skipped rule
    assignment leaves room in the quota: the next top-up draws another interaction."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this one is skipped."})
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status != Assignment.Status.OPEN:
            raise ValidationError("Only an open assignment can be skipped.")
        locked.status = Assignment.Status.SKIPPED
        locked.skip_reason = reason
        locked.full_clean(exclude=["interaction", "reviewer", "team", "agent"])
        locked.save(update_fields=["status", "skip_reason"])
    return locked


def assignments_mark_done(*, interaction_id: int) -> int:
    """A review of the interaction was saved: its open assignment is done."""
    return Assignment.objects.filter(
        interaction_id=interaction_id, status=Assignment.Status.OPEN
    ).update(status=Assignment.Status.DONE, done_at=timezone.now())


def assignment_reminders_send(*, now=None) -> dict[str, int]:
    """ "Due tomorrow" and "overdue" notices, each at most once per assignment. Rows another
    worker is reminding right now are skipped, not waited for."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = {}
    pending = Assignment.objects.open().select_related("team", "interaction__agent")
    for name, rows, field, kind, wording in (
        (
            "due",
            pending.filter(due_on=today + timedelta(days=1), reminded_due_at__isnull=True),
            "reminded_due_at",
            Kind.ASSIGNMENT_DUE,
            "is due tomorrow, {day}",
        ),
        (
            "overdue",
            pending.filter(due_on__lt=today, reminded_overdue_at__isnull=True),
            "reminded_overdue_at",
            Kind.ASSIGNMENT_OVERDUE,
            "is overdue: it was due by {day}",
        ),
    ):
        with transaction.atomic():
            batch = list(rows.select_for_update(skip_locked=True, of=("self",)).order_by("id"))
            for assignment in batch:
                day = f"{assignment.due_on:%a %d %b}"
                notify(
                    [assignment.reviewer_id],
                    kind,
                    f"Your review of {_interaction_named(assignment)} "
                    f"({assignment.team}) {wording.format(day=day)}.",
                    f"/interactions/{assignment.interaction_id}/review/",
                )
            Assignment.objects.filter(pk__in=[a.pk for a in batch]).update(**{field: now})
        sent[name] = len(batch)
    return sent
