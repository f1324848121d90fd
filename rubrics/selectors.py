"""Reads for the scoring pages that are more than a filter."""

import operator
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import reduce

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Abs, Cast, Coalesce, NullIf, Trunc
from django.utils import timezone

from rubrics.models import (
    FUTURE_SLACK,
    CriterionRollup,
    Dispute,
    Evaluation,
    Interaction,
    Period,
    ReviewSample,
    ScoreRollup,
)
from teams.models import Membership, Team

DEFAULT_RANGE_DAYS = 90


def date_window(date_from: date | None, date_to: date | None) -> tuple[datetime, datetime]:
    """Inclusive calendar dates -> [start, end) datetimes; the default is the last 90 days
    (today and the 89 before it). Dates beyond the calendar's ends are clamped, never an error."""
    today = timezone.localdate()
    date_to = min(date_to or today, date.max - timedelta(days=1))
    date_from = date_from or max(date_to - timedelta(days=DEFAULT_RANGE_DAYS - 1), date.min)
    tz = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def _current(kind: str):
    return Evaluation.objects.filter(interaction=OuterRef("pk"), kind=kind, is_current=True)


def interactions_with_scores(queryset):
    """Annotate each interaction with its current self and review score, percent and flag."""
    self_eval, review = _current(Evaluation.Kind.SELF), _current(Evaluation.Kind.REVIEW)
    return queryset.annotate(
        self_score=Subquery(self_eval.values("score")[:1]),
        self_percent=Subquery(self_eval.values("percent")[:1]),
        self_critical=Subquery(self_eval.values("critical_fail")[:1]),
        self_revision=Subquery(self_eval.values("revision")[:1]),
        review_score=Subquery(review.values("score")[:1]),
        review_percent=Subquery(review.values("percent")[:1]),
        review_critical=Subquery(review.values("critical_fail")[:1]),
    )


def my_scores(agent, start: datetime, end: datetime) -> dict:
    """Everything the My scores page shows, in a fixed number of queries."""
    interactions = Interaction.objects.filter(
        agent=agent, occurred_at__gte=start, occurred_at__lt=end
    )
    mine = rollup_window(ScoreRollup, start, end, agent_id=agent.pk)
    totals = _score_averages(_sums_by_kind(mine)[None])
    criteria = criterion_averages(rollup_window(CriterionRollup, start, end, agent_id=agent.pk))
    membership = getattr(agent, "membership", None)
    team_totals = {}
    if membership is not None:
        team = rollup_window(ScoreRollup, start, end, teams=[membership.team_id])
        team_totals = _score_averages(_sums_by_kind(team)[None])
    return {
        "interactions": interactions_with_scores(interactions).order_by("-occurred_at", "-id"),
        "totals": totals,
        "criteria": criteria,
        "trend": weekly_trend(
            rollup_window(ScoreRollup, start, end, agent_id=agent.pk, months=False)
        ),
        "team": team_totals,
    }


QUEUE_SORTS = {
    "flagged": ("-self_flagged", "occurred_at", "id"),
    "lowest": ("self_score", "occurred_at", "id"),
    "oldest": ("occurred_at", "id"),
}


def review_queue(user, *, teams=None, sort: str = "flagged", sampled_only: bool = False):
    """Self-scored interactions of the teams the user leads that nobody has reviewed yet.

    The self-score is annotated for sorting only: the queue page never shows it, so the
    supervisor's review stays blind.
    """
    self_eval = _current(Evaluation.Kind.SELF)
    queryset = (
        Interaction.objects.reviewable_by(user)
        .filter(Exists(self_eval))
        .exclude(Exists(Evaluation.objects.filter(interaction=OuterRef("pk"), kind="review")))
        .annotate(
            self_score=Subquery(self_eval.values("score")[:1]),
            self_flagged=Subquery(self_eval.values("flagged")[:1]),
            sampled=Exists(ReviewSample.objects.filter(interaction=OuterRef("pk"))),
        )
        .select_related("agent", "team")
    )
    if teams is not None:
        queryset = queryset.filter(team__in=teams)
    if sampled_only:
        queryset = queryset.filter(sampled=True)
    return queryset.order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS["flagged"]))


def reviews_for_agent(agent):
    """The agent's reviews (current revisions), unread first, with any dispute."""
    return (
        Evaluation.objects.filter(
            interaction__agent=agent, kind=Evaluation.Kind.REVIEW, is_current=True
        )
        .select_related("interaction", "author", "interaction__dispute")
        .order_by(F("seen_at").asc(nulls_first=True), "-created_at")
    )


def unread_review_count(agent) -> int:
    return Evaluation.objects.filter(
        interaction__agent=agent, kind=Evaluation.Kind.REVIEW, seen_at__isnull=True
    ).count()


DEFAULT_THRESHOLD = Decimal("70")
DASHBOARD_LIST_LIMIT = 10
OPEN = Dispute.Status.OPEN
KINDS = ("self", "review")


def _period_start(period: str, day: date) -> date:
    """The first day of the `period` (week, month, quarter, year) that holds `day`."""
    if period == Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period == Period.MONTH:
        return day.replace(day=1)
    if period == Period.QUARTER:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if period == Period.YEAR:
        return day.replace(month=1, day=1)
    return day


def _next_period_start(period: str, day: date) -> date:
    """The first day of a `period` on or after `day` (the calendar's end if none is left)."""
    start = _period_start(period, day)
    if start == day:
        return day
    try:
        if period == Period.WEEK:
            return start + timedelta(days=7)
        months = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}[period]
        month = start.month - 1 + months
        return start.replace(year=start.year + month // 12, month=month % 12 + 1)
    except (OverflowError, ValueError):
        return date.max


LONG_PERIODS = [Period.YEAR, Period.QUARTER, Period.MONTH, Period.WEEK, Period.DAY]
WEEKS_AND_DAYS = [Period.WEEK, Period.DAY]


def _buckets(first: date, last: date, periods: list[str]) -> list[tuple[str, date, date]]:
    """Split the days [first, last) into the fewest rollup buckets: the whole periods of the
    longest kind that fit, then the edges left on either side with the shorter kinds."""
    if first >= last:
        return []
    period, *shorter = periods
    if not shorter:
        return [(period, first, last)]
    since, until = _next_period_start(period, first), _period_start(period, last)
    if since >= until:
        return _buckets(first, last, shorter)
    return [
        *_buckets(first, since, shorter),
        (period, since, until),
        *_buckets(until, last, shorter),
    ]


def rollup_buckets(start: datetime, end: datetime, months: bool = True) -> Q:
    """The rollup rows that add up to exactly [start, end): whole years, quarters and months
    from their rows, whole weeks from the weekly ones and the remaining days from the daily
    ones (without `months`, only weeks and days, when the figures are grouped by week)."""
    periods = LONG_PERIODS if months else WEEKS_AND_DAYS
    first = timezone.localtime(start).date()
    last = timezone.localtime(end).date()  # exclusive
    horizon = timezone.localdate(timezone.now() + FUTURE_SLACK) + timedelta(days=1)
    if last >= horizon:
        # Nothing has happened from the horizon on (no interaction is scored from the future),
        # so the window may as well end with the current year (or week): the months and days
        # of this year are then one row.
        last = max(first, _next_period_start(periods[0], horizon))
    buckets = [
        Q(period=period, starts_on__gte=since, starts_on__lt=until)
        for period, since, until in _buckets(first, last, periods)
    ]
    if not buckets:  # an empty window matches no row
        return Q(starts_on__lt=date.min)
    return reduce(operator.or_, buckets)


def rollup_window(model, start, end, *, teams=None, agent_id=None, per_agent=False, months=True):
    """Rollup rows of [start, end): the teams' own rows, or with `agent_id` or `per_agent`
    the agents' rows."""
    rows = model.objects.filter(rollup_buckets(start, end, months=months))
    if teams is not None:
        rows = rows.filter(team__in=teams)
    if agent_id is not None:
        rows = rows.filter(agent_id=agent_id)
    else:
        rows = rows.filter(agent__isnull=not per_agent)
    return rows


def _score_aggregates() -> dict:
    """Sums for `_score_averages`, one filtered sum per kind and figure: how many, and the
    score and percent totals. For figures the query itself must filter or sort on; to fetch
    them, `_sums_by_kind` is quicker."""
    sums = {}
    for kind in (Evaluation.Kind.SELF, Evaluation.Kind.REVIEW):
        only = Q(kind=kind)
        sums[f"{kind}_n"] = Coalesce(Sum("n", filter=only), 0)
        sums[f"{kind}_score"] = Sum("score_sum", filter=only)
        sums[f"{kind}_percent"] = Sum("percent_sum", filter=only)
    return sums


SUMMED = {"n": "n", "score": "score_sum", "percent": "percent_sum"}
BANDS = {f"band_{band}": f"band_{band}" for band in range(10)}
WAITING = ("open_disputes", "awaiting_ack")


def _no_sums(figures: dict, also=()) -> dict:
    """The sums of no rows: zero counts, and no score or percent totals to average."""
    empty = {f"{kind}_{name}": 0 for kind in KINDS for name in figures if name not in also}
    empty |= {f"{kind}_{name}": None for kind in KINDS for name in ("score", "percent")}
    return empty | {name: 0 for name in also}


def _sums_by_kind(rows, key: str | None = None, *, bands: bool = False, also=()) -> dict:
    """Sum rollup rows per `key` (a field or annotation; None: all rows as one) and kind, into
    what `_score_aggregates` gives: {key value: {"self_n": ..., "review_score": ..., ...}}.
    The `also` columns are summed over both kinds. Grouping by kind, rather than one filtered
    sum per kind and figure, keeps the query quick to build and to run."""
    figures = SUMMED | (BANDS if bands else {}) | {name: name for name in also}
    empty = _no_sums(figures, also)
    grouped = rows.values(*([key] if key else []), "kind").annotate(
        **{f"sum_{name}": Sum(column) for name, column in figures.items()}
    )
    result = defaultdict(lambda: dict(empty))
    for row in grouped.order_by():
        sums = result[row[key] if key else None]
        for name in figures:
            if name in also:
                sums[name] += row[f"sum_{name}"]
            else:
                sums[f"{row['kind']}_{name}"] = row[f"sum_{name}"]
    return result


def _added(groups: list[dict]) -> dict:
    """Several `_sums_by_kind` results added up (a total that none of them has stays None)."""
    total = _no_sums(SUMMED | BANDS, WAITING)
    for sums in groups:
        for name, value in sums.items():
            if value is not None:
                total[name] = (total[name] or 0) + value
    return total


def _score_averages(sums: dict) -> dict:
    """Turn sums (as `_sums_by_kind` or `_score_aggregates` give them) into averages."""
    figures = {}
    for kind in KINDS:
        n = sums[f"{kind}_n"]
        figures[f"{kind}_avg"] = sums[f"{kind}_score"] / n if n else None
        figures[f"{kind}_pct"] = sums[f"{kind}_percent"] / n if n else None
    figures["scored"], figures["reviewed"] = sums["self_n"], sums["review_n"]
    return figures


def dashboard(
    *,
    teams: list[Team],
    agent_id: int | None = None,
    start: datetime,
    end: datetime,
    threshold: Decimal = DEFAULT_THRESHOLD,
    list_all_agents: bool = True,
) -> dict:
    """The team (or organisation) dashboard, from the rollups in a fixed number of queries.

    `teams` is the scope the viewer may see and has chosen, as `team_comparison` gives them
    (with their sums); `agent_id` narrows every figure but the agent table to one person.
    """
    # Imported here: the checklists' evidence page imports this module's my_scores.
    from checklists.selectors import checklist_no_counts

    scope = {"teams": teams, "agent_id": agent_id}
    ratings = rollup_window(CriterionRollup, start, end, **scope)
    evaluations = Evaluation.objects.filter(
        is_current=True,
        interaction__team__in=teams,
        interaction__occurred_at__gte=start,
        interaction__occurred_at__lt=end,
    )
    if agent_id is not None:
        evaluations = evaluations.filter(interaction__agent_id=agent_id)
    if agent_id is None:
        # The teams' own sums, fetched with the team comparison, add up to the totals.
        sums = _added([team.sums for team in teams])
    else:
        scores = rollup_window(ScoreRollup, start, end, **scope)
        sums = _sums_by_kind(scores, bands=True, also=WAITING)[None]
    totals = {
        **_score_averages(sums),
        "open_disputes": sums["open_disputes"],
        "unacknowledged": sums["awaiting_ack"],
    }
    totals["percent_reviewed"] = (
        Decimal(100 * totals["reviewed"]) / totals["scored"] if totals["scored"] else None
    )
    criteria = criterion_averages(ratings)
    return {
        "totals": totals,
        "criteria": criteria,
        "trend": weekly_trend(rollup_window(ScoreRollup, start, end, **scope, months=False)),
        "distribution": {
            "labels": DISTRIBUTION_BUCKETS,
            **{kind: [sums[f"{kind}_band_{band}"] for band in range(10)] for kind in KINDS},
        },
        "agents": _agent_averages(teams, start, end, threshold, list_all_agents),
        "gaps": _largest_gaps(
            rollup_window(CriterionRollup, start, end, **scope, per_agent=True),
            {row["key"]: row["name"] for row in criteria},
        ),
        "waiting": _waiting_on_someone(evaluations),
        "checklists": checklist_no_counts(teams, start, end, runner_id=agent_id),
        "threshold": threshold,
    }


def criterion_averages(ratings) -> list[dict]:
    """Average rating per criterion key, beside its weight (newest rubric version in range)."""
    rows = (
        ratings.values(
            "criterion__key", "criterion__name", "criterion__weight", "criterion__position"
        )
        .annotate(
            version=F("criterion__rubric__version"),
            self_sum=Sum("self_sum"),
            self_n=Sum("self_n"),
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


def weekly_trend(scores) -> list[dict]:
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
    sums = _sums_by_kind(scores.annotate(week=week), "week")
    by_week = {week: _score_averages(row) for week, row in sums.items()}
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


def _agent_averages(teams, start, end, threshold, list_all_agents) -> list:
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
    rows = rollup_window(ScoreRollup, start, end, teams=team_ids, per_agent=True)
    if list_all_agents:
        figures = _sums_by_kind(rows, "agent_id")
        people = list(members.order_by("first_name", "last_name", "username"))
    else:
        self_pct = F("self_percent") / NullIf("self_n", 0)
        review_pct = F("review_percent") / NullIf("review_n", 0)
        lowest = (
            # Members now, through a subquery: a join would pass through auth_user too.
            rows.filter(
                agent_id__in=Membership.objects.filter(team_id__in=team_ids).values("user_id")
            )
            .values("agent_id")
            .annotate(**_score_aggregates())
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
        for name, value in _score_averages(figures[person.pk]).items():
            setattr(person, name, value)
        basis = person.review_pct if person.review_pct is not None else person.self_pct
        person.basis = "reviewed" if person.review_pct is not None else "self"
        person.below_threshold = basis is not None and basis < threshold
    return people


NAME_FIELDS = ("username", "first_name", "last_name")


def _largest_gaps(ratings, criterion_names: dict[str, str]) -> list[dict]:
    """Where agents rate themselves furthest from their reviews, per agent and criterion, over
    the interactions that have both (positive: the agent rated themselves higher).

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
    review_sum, review_n = Sum("review_sum"), Sum("review_n")
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


def _waiting_on_someone(evaluations) -> dict:
    """Open disputes (waiting on the reviewer) and reviews the agent has not acknowledged,
    each list limited on its own, in one query."""
    reviews = evaluations.filter(
        kind=Evaluation.Kind.REVIEW, acknowledged_at__isnull=True
    ).select_related("interaction__agent", "interaction__dispute", "author")
    disputes = reviews.filter(interaction__dispute__status=OPEN).order_by(
        "interaction__dispute__created_at", "id"
    )[:DASHBOARD_LIST_LIMIT]
    unacknowledged = (
        reviews.filter(acknowledged_at__isnull=True)
        .exclude(interaction__dispute__status=OPEN)
        .order_by("created_at", "id")[:DASHBOARD_LIST_LIMIT]
    )
    waiting = {"disputes": [], "unacknowledged": []}
    for review in disputes.union(unacknowledged, all=True):
        dispute = getattr(review.interaction, "dispute", None)
        waiting["disputes" if dispute is not None and dispute.is_open else "unacknowledged"].append(
            review
        )
    waiting["disputes"].sort(key=lambda review: (review.interaction.dispute.created_at, review.pk))
    waiting["unacknowledged"].sort(key=lambda review: (review.created_at, review.pk))
    return waiting


def team_comparison(teams, start: datetime, end: datetime) -> list[Team]:
    """Per-team figures side by side; also serves as the dashboard's team picker. Each team
    keeps its sums (`team.sums`), from which `dashboard` adds up its totals."""
    rows = list(Team.objects.filter(pk__in=teams.values("pk")).order_by("name"))
    sums = _sums_by_kind(
        rollup_window(ScoreRollup, start, end, teams=rows), "team_id", bands=True, also=WAITING
    )
    for team in rows:
        team.sums = sums[team.pk]
        for name, value in _score_averages(team.sums).items():
            setattr(team, name, value)
        team.percent_reviewed = Decimal(100 * team.reviewed) / team.scored if team.scored else None
        team.gap = (
            team.self_avg - team.review_avg
            if team.self_avg is not None and team.review_avg is not None
            else None
        )
    return rows


def dashboard_evaluations(*, teams, agent_id=None, start: datetime, end: datetime):
    """The current evaluations behind the dashboard, for the CSV export (oldest first)."""
    evaluations = Evaluation.objects.filter(
        is_current=True,
        interaction__team__in=teams,
        interaction__occurred_at__gte=start,
        interaction__occurred_at__lt=end,
    )
    if agent_id is not None:
        evaluations = evaluations.filter(interaction__agent_id=agent_id)
    return (
        evaluations.select_related("interaction__team", "interaction__agent", "author", "rubric")
        .prefetch_related("ratings__criterion")
        # Per interaction: the agent's own score first, then the review ("self" > "review").
        .order_by("interaction__occurred_at", "interaction_id", "-kind")
    )


def interaction_overview(interaction: Interaction) -> dict:
    """Everything recorded about one interaction: scores side by side, coaching, the dispute
    and a time-ordered history of every step. Visibility is the caller's job."""
    evaluations = list(
        interaction.evaluations.select_related("author", "rubric")
        .prefetch_related("ratings__criterion")
        .order_by("kind", "-revision")
    )
    self_history = [e for e in evaluations if e.kind == Evaluation.Kind.SELF]
    review_history = [e for e in evaluations if e.kind == Evaluation.Kind.REVIEW]
    self_evaluation = next((e for e in self_history if e.is_current), None)
    review = next((e for e in review_history if e.is_current), None)
    dispute = (
        Dispute.objects.filter(interaction=interaction)
        .select_related("raised_by", "resolved_by", "review__author")
        .prefetch_related("items__criterion")
        .first()
    )
    coaching = list(interaction.coaching_comments.select_related("author"))
    return {
        "self_evaluation": self_evaluation,
        "self_history": self_history,
        "review": review,
        "review_history": review_history,
        "comparison": _side_by_side(self_evaluation, review),
        "dispute": dispute,
        "coaching_comments": coaching,
        "history": _history(self_history, review_history, dispute, coaching),
    }


def _side_by_side(self_evaluation, review) -> list[dict]:
    if self_evaluation is None or review is None:
        return []
    self_ratings = {r.criterion.key: r for r in self_evaluation.ratings.all()}
    rows = []
    for rating in review.ratings.all():
        mine = self_ratings.get(rating.criterion.key)
        self_value = mine.value if mine else None
        rows.append(
            {
                "criterion": rating.criterion,
                "self": self_value,
                "self_comment": mine.comment if mine else "",
                "review": rating.value,
                "review_comment": rating.comment,
                "gap": self_value - rating.value
                if self_value is not None and rating.value is not None
                else None,
            }
        )
    return rows


def _history(self_history, review_history, dispute, coaching) -> list[dict]:
    """Who did what and when, oldest first."""
    events = []
    for evaluation in [*self_history, *review_history]:
        if evaluation.kind == Evaluation.Kind.SELF:
            what = "Self-scored" if evaluation.revision == 1 else "Corrected the self-score"
        else:
            what = "Reviewed" if evaluation.revision == 1 else "Corrected the review"
        events.append(
            {
                "at": evaluation.created_at,
                "who": evaluation.author,
                "what": f"{what} (revision {evaluation.revision}): "
                f"{evaluation.score} · {evaluation.percent}%"
                + ("" if evaluation.is_current else ", since superseded"),
                "detail": evaluation.revision_reason,
            }
        )
        if evaluation.kind == Evaluation.Kind.REVIEW and evaluation.acknowledged_at:
            events.append(
                {
                    "at": evaluation.acknowledged_at,
                    "who": evaluation.interaction.agent,
                    "what": f"Acknowledged the review (revision {evaluation.revision})",
                    "detail": "",
                }
            )
    for comment in coaching:
        events.append(
            {
                "at": comment.created_at,
                "who": comment.author,
                "what": "Added coaching",
                "detail": "",
            }
        )
    if dispute is not None:
        changes = "; ".join(
            f"{item.criterion.name} {item.original_value} → proposed {item.proposed_value}"
            for item in dispute.items.all()
        )
        events.append(
            {
                "at": dispute.created_at,
                "who": dispute.raised_by,
                "what": f"Disputed the review: {changes}",
                "detail": dispute.reason,
            }
        )
        if not dispute.is_open:
            outcome = "; ".join(
                f"{item.criterion.name} {item.original_value} → {item.final_value}"
                for item in dispute.items.all()
            )
            events.append(
                {
                    "at": dispute.resolved_at,
                    "who": dispute.resolved_by,
                    "what": f"{dispute.get_status_display()} the dispute: {outcome}",
                    "detail": dispute.resolution_reason,
                }
            )
    return sorted(events, key=lambda event: event["at"])


def team_summary(team: Team, start: datetime, end: datetime) -> dict:
    """The API's team summary: counts, averages and per-criterion averages, in 2 queries."""
    scores = rollup_window(ScoreRollup, start, end, teams=[team])
    totals = _score_averages(_sums_by_kind(scores)[None])
    return {
        "team": team,
        "count": totals["scored"],
        "reviewed": totals["reviewed"],
        "self_score": totals["self_avg"],
        "self_percent": totals["self_pct"],
        "review_score": totals["review_avg"],
        "review_percent": totals["review_pct"],
        "criteria": criterion_averages(rollup_window(CriterionRollup, start, end, teams=[team])),
    }
