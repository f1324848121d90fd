"""What the dashboards, My scores, the evidence page, the CSV export and the team-summary API
read: figures from the rollups, in a fixed number of queries whatever the data's size."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
    Window,
)
from django.db.models.functions import Abs, Cast, Coalesce, NullIf, Trunc
from django.utils import timezone

from checklists.models import ChecklistRun, ProofPlanProgress
from checklists.selectors import checklist_no_counts
from reports.rollups import (
    added,
    rollup_window,
    score_aggregates,
    score_averages,
    self_kind,
    sums_by_kind,
    waiting_counts,
)
from rubrics.models import CriterionRollup, Dispute, Evaluation, Interaction, Period, ScoreRollup
from rubrics.selectors import interactions_with_scores
from teams.models import Membership, Team

DEFAULT_THRESHOLD = Decimal("70")
DASHBOARD_LIST_LIMIT = 10
OPEN = Dispute.Status.OPEN


def my_scores(agent, start: datetime, end: datetime) -> dict:
    """Everything the My scores page shows the agent, in a fixed number of queries."""
    interactions = Interaction.objects.filter(
        agent=agent, occurred_at__gte=start, occurred_at__lt=end
    )
    mine = rollup_window(ScoreRollup, start, end, agent_id=agent.pk)
    totals = score_averages(sums_by_kind(mine)[None])
    criteria = criterion_averages(rollup_window(CriterionRollup, start, end, agent_id=agent.pk))
    membership = getattr(agent, "membership", None)
    team_totals = {}
    if membership is not None:
        team = rollup_window(ScoreRollup, start, end, teams=[membership.team_id])
        team_totals = score_averages(sums_by_kind(team)[None])
    return {
        "interactions": interactions_with_scores(interactions).order_by("-occurred_at", "-id"),
        "totals": totals,
        "criteria": criteria,
        "trend": weekly_trend(
            rollup_window(ScoreRollup, start, end, agent_id=agent.pk, months=False)
        ),
        "team": team_totals,
    }


def dashboard(
    *,
    teams: list[Team],
    agent_id: int | None = None,
    start: datetime,
    end: datetime,
    threshold: Decimal = DEFAULT_THRESHOLD,
    list_all_agents: bool = True,
    blind: bool = False,
    channel: str = "",
    topic: str = "",
    interactions=None,
) -> dict:
    """The team (or organisation) dashboard, from the rollups in a fixed number of queries.

    `teams` is the scope the viewer may see and has chosen, as `team_comparison` gives them
    (with their sums); `agent_id` narrows every figure but the agent table to one person.
    With `blind`, self-score figures count reviewed interactions only (see reports.rollups).

    The window [start, end) filters the figures by the call's date. What waits on someone now
    (open disputes, reviews not yet acknowledged) is work, not history: it is counted and
    listed whatever the call's date, for the same teams and agent.

    With a `channel`, `topic` or `interactions` (a queryset of interaction ids: a helpdesk
    connection's), the rollups read must be the sliced ones (`rubrics.rollups.sliced`), and
    what waits now is counted from the evaluations of that slice.
    """
    scope = {"teams": teams, "agent_id": agent_id}
    ratings = rollup_window(CriterionRollup, start, end, **scope)
    if agent_id is None:
        # The teams' own sums, fetched with the team comparison, add up to the totals.
        sums = added([team.sums for team in teams])
    else:
        sums = sums_by_kind(
            rollup_window(ScoreRollup, start, end, **scope, blind=blind), bands=True
        )[None]
    sliced = bool(channel or topic or interactions is not None)
    awaiting = _awaiting(teams, agent_id).filter(interaction_slice(channel=channel, topic=topic))
    if interactions is not None:
        awaiting = awaiting.filter(interaction__in=interactions)
    # The rollups have no channel or topic: a slice counts its waiting work with the lists.
    waiting = _waiting_on_someone(awaiting, counted=sliced)
    totals = {
        **score_averages(sums, blind=blind),
        **(waiting.pop("counts") if sliced else waiting_counts(teams=teams, agent_id=agent_id)),
    }
    criteria = criterion_averages(ratings, blind=blind)
    self_source = self_kind(blind)
    # The lists stop at DASHBOARD_LIST_LIMIT; the counts say how many more wait.
    waiting_more = {
        "disputes": max(0, totals["open_disputes"] - len(waiting["disputes"])),
        "unacknowledged": max(0, totals["unacknowledged"] - len(waiting["unacknowledged"])),
    }
    return {
        "totals": totals,
        "criteria": criteria,
        "trend": weekly_trend(
            rollup_window(ScoreRollup, start, end, **scope, months=False, blind=blind),
            blind=blind,
        ),
        "distribution": {
            "labels": DISTRIBUTION_BUCKETS,
            "self": [sums[f"{self_source}_band_{band}"] for band in range(10)],
            "review": [sums[f"review_band_{band}"] for band in range(10)],
        },
        "agents": _agent_averages(teams, start, end, threshold, list_all_agents, blind),
        "gaps": _largest_gaps(
            rollup_window(CriterionRollup, start, end, **scope, per_agent=True),
            {row["key"]: row["name"] for row in criteria},
        ),
        "waiting": waiting,
        "waiting_more": waiting_more,
        "checklists": checklist_no_counts(teams, start, end, runner_id=agent_id),
        "threshold": threshold,
    }


def criterion_averages(ratings, *, blind: bool = False) -> list[dict]:
    """Average rating per criterion key, beside its weight (newest rubric version in range).
    With `blind`, the self-ratings are those of reviewed interactions only."""
    self_prefix = "paired_self" if blind else "self"
    rows = (
        ratings.values(
            "criterion__key", "criterion__name", "criterion__weight", "criterion__position"
        )
        .annotate(
            version=F("criterion__rubric__version"),
            self_sum=Sum(f"{self_prefix}_sum"),
            self_n=Sum(f"{self_prefix}_n"),
            review_sum=Sum("review_sum"),
            review_n=Sum("review_n"),
        )
        .order_by("criterion__key", "-criterion__rubric__version")
    )
    # Several rubric versions can fall in one window: merge them by the criterion's key.
    merged: dict[str, dict] = {}
    for row in rows:
        entry = merged.setdefault(
            row["criterion__key"],
            {
                "key": row["criterion__key"],
                "name": row["criterion__name"],
                "weight": row["criterion__weight"],
                "position": row["criterion__position"],
                "self_sum": 0,
                "self_n": 0,
                "review_sum": 0,
                "review_n": 0,
            },
        )
        for field in ("self_sum", "self_n", "review_sum", "review_n"):
            entry[field] += row[field]
    result = []
    for entry in sorted(merged.values(), key=lambda e: (e["position"], e["key"])):
        for kind in ("self", "review"):
            n = entry.pop(f"{kind}_n")
            total = entry.pop(f"{kind}_sum")
            entry[f"{kind}_avg"] = Decimal(total) / n if n else None
            entry[f"{kind}_count"] = n
        entry["gap"] = (
            entry["self_avg"] - entry["review_avg"]
            if entry["self_avg"] is not None and entry["review_avg"] is not None
            else None
        )
        result.append(entry)
    return result


def weekly_trend(scores, *, blind: bool = False) -> list[dict]:
    """Average self and review score per week (Monday first); weeks without scores are kept,
    empty, so the chart's time axis stays true."""
    # date_trunc() gives a timestamp even for a date, and CASE then gives one for both
    # branches: cast back, so weeks are dates ("2026-11-23", not "2026-11-23T00:00:00+00:00").
    week = Cast(
        Case(
            When(period=Period.WEEK, then=F("starts_on")),
            default=Trunc("starts_on", "week", output_field=DateField()),
        ),
        DateField(),
    )
    sums = sums_by_kind(scores.annotate(week=week), "week")
    by_week = {week: score_averages(row, blind=blind) for week, row in sums.items()}
    if not by_week:
        return []
    weeks, week = [], min(by_week)
    while week <= max(by_week):
        row = by_week.get(week, {})
        weeks.append(
            {
                "week": week.isoformat(),
                "self": float(row["self_avg"]) if row.get("self_avg") is not None else None,
                "review": float(row["review_avg"]) if row.get("review_avg") is not None else None,
            }
        )
        week += timedelta(days=7)
    return weeks


DISTRIBUTION_BUCKETS = [f"{low}–{low + 9}%" if low < 90 else "90–100%" for low in range(0, 100, 10)]


def _agent_averages(teams, start, end, threshold, list_all_agents, blind) -> list:
    """Each agent's averages; with `list_all_agents` off, only those under the threshold,
    the lowest first. Agents are listed with the team they are in now, and their figures
    cover only the interactions in the chosen teams.

    The figures are summed per agent id first, then the people fetched: summing over a join
    with the people would carry their every column through the grouping of ~30,000 rows.
    """
    team_ids = [team.pk for team in teams]
    members = (
        get_user_model()
        .objects.filter(membership__team_id__in=team_ids)
        .annotate(team_name=F("membership__team__name"))
    )
    rows = rollup_window(ScoreRollup, start, end, teams=team_ids, per_agent=True, blind=blind)
    if list_all_agents:
        figures = sums_by_kind(rows, "agent_id")
        people = list(members.order_by("first_name", "last_name", "username"))
    else:
        source = self_kind(blind)
        self_pct = F(f"{source}_percent") / NullIf(f"{source}_n", 0)
        review_pct = F("review_percent") / NullIf("review_n", 0)
        lowest = (
            # Members now, through a subquery: a join would pass through auth_user too.
            rows.filter(
                agent_id__in=Membership.objects.filter(team_id__in=team_ids).values("user_id")
            )
            .values("agent_id")
            .annotate(**score_aggregates(blind=blind))
            .annotate(basis_pct=Coalesce(review_pct, self_pct))
            .filter(basis_pct__lt=threshold)
            # The name through a subquery, not a join, so the sums group on the id alone.
            .order_by(
                "basis_pct",
                Subquery(
                    get_user_model().objects.filter(pk=OuterRef("agent_id")).values("username")
                ),
            )[:DASHBOARD_LIST_LIMIT]
        )
        figures = {row["agent_id"]: row for row in lowest}
        rank = {agent_id: position for position, agent_id in enumerate(figures)}
        people = sorted(members.filter(pk__in=rank), key=lambda person: rank[person.pk])
    for person in people:
        for name, value in score_averages(figures[person.pk], blind=blind).items():
            setattr(person, name, value)
        basis = person.review_pct if person.review_pct is not None else person.self_pct
        person.basis = "reviewed" if person.review_pct is not None else "self"
        person.below_threshold = basis is not None and basis < threshold
    return people


NAME_FIELDS = ("username", "first_name", "last_name")


def _largest_gaps(ratings, criterion_names: dict[str, str]) -> list[dict]:
    """Where agents rate themselves furthest from their reviews, per agent and criterion, over
    the interactions that have both (positive: the agent rated themselves higher): the paired
    sums, so a review of an interaction never self-scored stays out of it.

    The average self-rating minus the average review rating, both over the reviewed
    interactions only. (With every criterion rated, that equals the average gap.) Grouped on
    ids first; the agents' names are fetched for the ten rows shown.

    In floating point: a year of the organisation is 5,000 gaps, and numeric division took a
    third of the query's time. Each gap is one division of whole numbers,
    (self_sum × review_n − review_sum × self_n) / (self_n × review_n), so it is correctly
    rounded: equal gaps are equal floats (ties fall to the agent and criterion, as with
    numeric), none is off by a rounding in the third decimal, and zero is exactly zero.
    """
    self_sum, self_n = Sum("paired_self_sum"), Sum("paired_self_n")
    review_sum, review_n = Sum("paired_review_sum"), Sum("paired_review_n")
    rows = list(
        ratings.values("agent_id", "criterion__key")
        .annotate(
            gap=Cast(self_sum * review_n - review_sum * self_n, FloatField())
            / NullIf(self_n * review_n, 0),
            pairs=review_n,
        )
        .filter(gap__isnull=False)  # both averages exist
        .exclude(gap=0)
        .order_by(Abs("gap").desc(), "agent_id", "criterion__key")[:10]
    )
    people = get_user_model().objects.filter(pk__in=[row["agent_id"] for row in rows])
    names = {person["pk"]: person for person in people.values("pk", *NAME_FIELDS)} if rows else {}
    for row in rows:
        row["criterion__name"] = criterion_names.get(row["criterion__key"], row["criterion__key"])
        for field in NAME_FIELDS:
            row[f"agent__{field}"] = names[row["agent_id"]][field]
    return rows


def _awaiting(teams, agent_id=None):
    """The current reviews not yet acknowledged in `teams` (of `agent_id` if given), whatever
    the call's date: the rows of the partial index `evaluation_awaiting_ack`. A review under
    an open dispute is among them (it cannot be acknowledged until the dispute is settled)."""
    reviews = Evaluation.objects.filter(
        kind=Evaluation.Kind.REVIEW,
        is_current=True,
        acknowledged_at__isnull=True,
        interaction__team__in=teams,
    )
    if agent_id is not None:
        reviews = reviews.filter(interaction__agent_id=agent_id)
    return reviews


def interaction_slice(*, channel: str = "", topic: str = "", prefix: str = "interaction__") -> Q:
    """Evaluations (or, with `prefix` "", interactions) of `channel` whose topic holds `topic`
    in any case; no condition for what is not given."""
    condition = Q()
    if channel:
        condition &= Q(**{f"{prefix}channel": channel})
    if topic:
        condition &= Q(**{f"{prefix}topic__icontains": topic})
    return condition


def _waiting_on_someone(awaiting, *, counted: bool = False) -> dict:
    """Open disputes (waiting on the reviewer) and reviews the agent has not acknowledged,
    each list limited on its own, in one query. With `counted`, also how many there are in
    all (`counts`, as `waiting_counts` gives them), from the same query: each list's count
    over its rows is taken before its limit."""
    reviews = awaiting.select_related("interaction__agent", "interaction__dispute", "author")
    if counted:
        reviews = reviews.annotate(in_list=Window(Count("id")))
    disputes = reviews.filter(interaction__dispute__status=OPEN).order_by(
        "interaction__dispute__created_at", "id"
    )[:DASHBOARD_LIST_LIMIT]
    unacknowledged = reviews.exclude(interaction__dispute__status=OPEN).order_by(
        "created_at", "id"
    )[:DASHBOARD_LIST_LIMIT]
    waiting = {"disputes": [], "unacknowledged": []}
    counts = {"open_disputes": 0, "unacknowledged": 0}
    for review in disputes.union(unacknowledged, all=True):
        if counted:
            dispute = getattr(review.interaction, "dispute", None)
            open_dispute = dispute is not None and dispute.is_open
            counts["open_disputes" if open_dispute else "unacknowledged"] = review.in_list
        dispute = getattr(review.interaction, "dispute", None)
        waiting["disputes" if dispute is not None and dispute.is_open else "unacknowledged"].append(
            review
        )
    waiting["disputes"].sort(key=lambda review: (review.interaction.dispute.created_at, review.pk))
    waiting["unacknowledged"].sort(key=lambda review: (review.created_at, review.pk))
    if counted:
        waiting["counts"] = counts
    return waiting


def team_comparison(teams, start: datetime, end: datetime, *, blind: bool = False) -> list[Team]:
    """Per-team figures side by side; also serves as the dashboard's team picker. `teams`: a
    queryset, or a list of teams in name order. Each team keeps its sums (`team.sums`), from which `dashboard` adds up its totals."""
    if isinstance(teams, list):  # already fetched, in name order
        rows = teams
    else:
        rows = list(Team.objects.filter(pk__in=teams.values("pk")).order_by("name"))
    sums = sums_by_kind(
        rollup_window(ScoreRollup, start, end, teams=rows, blind=blind), "team_id", bands=True
    )
    for team in rows:
        team.sums = sums[team.pk]
        for name, value in score_averages(team.sums, blind=blind).items():
            setattr(team, name, value)
        team.gap = (
            team.self_avg - team.review_avg
            if team.self_avg is not None and team.review_avg is not None
            else None
        )
    return rows


def dashboard_evaluations(
    user,
    *,
    teams,
    agent_id=None,
    start: datetime,
    end: datetime,
    channel: str = "",
    topic: str = "",
):
    """The current evaluations behind the dashboard, for the CSV export (oldest first), less
    the self-scores hidden from `user` by blind review; of `channel` and `topic` if given."""
    evaluations = Evaluation.objects.filter(
        interaction_slice(channel=channel, topic=topic),
        is_current=True,
        interaction__team__in=teams,
        interaction__occurred_at__gte=start,
        interaction__occurred_at__lt=end,
    )
    if agent_id is not None:
        evaluations = evaluations.filter(interaction__agent_id=agent_id)
    hidden = Interaction.objects.self_score_hidden_from(user).filter(team__in=teams)
    evaluations = evaluations.exclude(Q(kind=Evaluation.Kind.SELF) & Q(interaction__in=hidden))
    return (
        evaluations.select_related("interaction__team", "interaction__agent", "author", "rubric")
        .prefetch_related("ratings__criterion")
        # Per interaction: the agent's own score first, then the review ("self" > "review").
        .order_by("interaction__occurred_at", "interaction_id", "-kind")
    )


def team_summary(team: Team, start: datetime, end: datetime, *, blind: bool = False) -> dict:
    """The API's team summary: counts, averages and per-criterion averages, in 2 queries."""
    scores = rollup_window(ScoreRollup, start, end, teams=[team], blind=blind)
    totals = score_averages(sums_by_kind(scores)[None], blind=blind)
    return {
        "team": team,
        "count": totals["interaction_count"],
        "reviewed": totals["reviewed"],
        "self_score": totals["self_avg"],
        "self_percent": totals["self_pct"],
        "review_score": totals["review_avg"],
        "review_percent": totals["review_pct"],
        "criteria": criterion_averages(
            rollup_window(CriterionRollup, start, end, teams=[team]), blind=blind
        ),
    }


def evidence_of_practice(
    agent, start: datetime, end: datetime, *, blind: bool = False, teams=None
) -> dict:
    """What the printable evidence page brings together for one agent over one period.

    With `teams`, only the runs and scores made while the agent was in one of those teams
    (each record keeps the team of its day); the proof-plan tasks are the agent's own, those
    done on a day of the period."""
    completed = (
        ProofPlanProgress.objects.filter(
            user=agent,
            completed_on__gte=timezone.localtime(start).date(),
            completed_on__lt=timezone.localtime(end).date(),
        )
        .select_related("task")
        .order_by("completed_on", "task__plan", "task__position")
    )
    runs = ChecklistRun.objects.filter(runner=agent, created_at__gte=start, created_at__lt=end)
    if teams is not None:
        runs = runs.filter(team__in=teams)
    runs = list(
        runs.with_answer_counts()
        .select_related("checklist", "interaction")
        .order_by("-created_at", "-id")
    )
    mine = rollup_window(ScoreRollup, start, end, teams=teams, agent_id=agent.pk, blind=blind)
    return {
        "completed_tasks": list(completed),
        "runs": runs,
        "run_totals": {
            "runs": len(runs),
            "answers": sum(run.answer_count for run in runs),
            "no_answers": sum(run.no_count for run in runs),
        },
        "score_totals": score_averages(sums_by_kind(mine)[None], blind=blind),
        "trend": weekly_trend(
            rollup_window(
                ScoreRollup, start, end, teams=teams, agent_id=agent.pk, months=False, blind=blind
            ),
            blind=blind,
        ),
        "criteria": criterion_averages(
            rollup_window(CriterionRollup, start, end, teams=teams, agent_id=agent.pk),
            blind=blind,
        ),
    }


def agents_under_threshold(teams, start: datetime, end: datetime, threshold, *, blind=False):
    """The agents of `teams` whose average over [start, end) is under `threshold`, the lowest
    first (at most DASHBOARD_LIST_LIMIT), as the dashboard lists them."""
    return _agent_averages(teams, start, end, threshold, False, blind)
