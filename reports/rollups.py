"""Reading the dashboards' rollups: which rows add up to a date window, and their sums.

The rollups are written by `rubrics.rollups`; everything here only reads them. Sums come per
kind of evaluation: "self", "review", and "paired" (the self-scores of interactions that have
a review). A viewer for whom unreviewed self-scores are hidden (`blind`, see
`rubrics.models.self_scores_blind_for`) gets the paired sums as their self-score figures.
Every viewer's counts use them too: a supervisor may review an interaction the agent never
self-scored, so the interactions counted are the self-scored plus the reviewed, less those
that are both (the paired).
"""

import operator
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import reduce

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from rubrics.models import FUTURE_SLACK
from rubrics.rollups import PAIRED, Period, ScoreRollup

KINDS = ("self", "review", PAIRED)


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


def rollup_window(
    model, start, end, *, teams=None, agent_id=None, per_agent=False, months=True, blind=False
):
    """Rollup rows of [start, end): the teams' own rows, or with `agent_id` or `per_agent`
    the agents' rows. (`blind` no longer changes which rows: every viewer's counts need the
    paired kind; it is kept so that callers say whom the rows are for.)"""
    rows = model.objects.filter(rollup_buckets(start, end, months=months))
    if model is ScoreRollup:
        rows = rows.filter(kind__in=kinds_for(blind))
    if teams is not None:
        rows = rows.filter(team__in=teams)
    if agent_id is not None:
        rows = rows.filter(agent_id=agent_id)
    else:
        rows = rows.filter(agent__isnull=not per_agent)
    return rows


def kinds_for(blind: bool) -> tuple[str, ...]:
    """Every kind, for every viewer: the paired sums give the self-score figures of a blind
    viewer, and everyone's count of interactions (see `score_averages`)."""
    return KINDS


def score_aggregates(*, blind: bool = False) -> dict:
    """Sums for `score_averages`, one filtered sum per kind and figure: how many, and the
    score and percent totals. For figures the query itself must filter or sort on; to fetch
    them, `sums_by_kind` is quicker."""
    sums = {}
    for kind in kinds_for(blind):
        only = Q(kind=kind)
        sums[f"{kind}_n"] = Coalesce(Sum("n", filter=only), 0)
        sums[f"{kind}_score"] = Sum("score_sum", filter=only)
        sums[f"{kind}_percent"] = Sum("percent_sum", filter=only)
    return sums


SUMMED = {"n": "n", "score": "score_sum", "percent": "percent_sum"}
BANDS = {f"band_{band}": f"band_{band}" for band in range(10)}


def _no_sums(figures: dict) -> dict:
    """The sums of no rows: zero counts, and no score or percent totals to average."""
    empty = {f"{kind}_{name}": 0 for kind in KINDS for name in figures}
    return empty | {f"{kind}_{name}": None for kind in KINDS for name in ("score", "percent")}


def sums_by_kind(rows, key: str | None = None, *, bands: bool = False) -> dict:
    """Sum rollup rows per `key` (a field or annotation; None: all rows as one) and kind, into
    what `score_aggregates` gives: {key value: {"self_n": ..., "review_score": ..., ...}}.
    Grouping by kind, rather than one filtered sum per kind and figure, keeps the query quick
    to build and run. (The waiting counts are not summed here: see `waiting_counts`.)"""
    figures = SUMMED | (BANDS if bands else {})
    empty = _no_sums(figures)
    grouped = rows.values(*([key] if key else []), "kind").annotate(
        **{f"sum_{name}": Sum(column) for name, column in figures.items()}
    )
    result = defaultdict(lambda: dict(empty))
    for row in grouped.order_by():
        sums = result[row[key] if key else None]
        for name in figures:
            sums[f"{row['kind']}_{name}"] = row[f"sum_{name}"]
    return result


def waiting_counts(*, teams, agent_id=None) -> dict:
    """Reviews under an open dispute and reviews not yet acknowledged (the others), in `teams`
    (of `agent_id` if given), whatever the call's date: work waiting now is not history, so no
    date window applies. The yearly review rows of every year add up to all of them: one query
    over a few rows per team, whatever the number of evaluations (docs/performance.md)."""
    rows = ScoreRollup.objects.filter(period=Period.YEAR, kind="review", team__in=teams)
    if agent_id is not None:
        rows = rows.filter(agent_id=agent_id)
    else:
        rows = rows.filter(agent__isnull=True)
    return rows.aggregate(
        open_disputes=Coalesce(Sum("open_disputes"), 0),
        unacknowledged=Coalesce(Sum("awaiting_ack"), 0),
    )


def added(groups: list[dict]) -> dict:
    """Several `sums_by_kind` results added up (a total that none of them has stays None)."""
    total = _no_sums(SUMMED | BANDS)
    for sums in groups:
        for name, value in sums.items():
            if value is not None:
                total[name] = (total[name] or 0) + value
    return total


def self_kind(blind: bool) -> str:
    """Where a viewer's self-score figures come from: every self-score, or only reviewed ones."""
    return PAIRED if blind else "self"


def score_averages(sums: dict, *, blind: bool = False) -> dict:
    """Turn sums (as `sums_by_kind` or `score_aggregates` give them) into averages. `scored`
    counts every self-scored interaction: how many there are is not hidden, their scores are.
    `interaction_count` counts those self-scored or reviewed (a review needs no self-score), and
    `percent_reviewed` is the reviewed share of them. A missing self-score counts as nothing,
    never as a zero."""
    figures = {}
    for kind, source in (("self", self_kind(blind)), ("review", "review")):
        n = sums[f"{source}_n"]
        figures[f"{kind}_avg"] = sums[f"{source}_score"] / n if n else None
        figures[f"{kind}_pct"] = sums[f"{source}_percent"] / n if n else None
    figures["scored"], figures["reviewed"] = sums["self_n"], sums["review_n"]
    figures["interaction_count"] = sums["self_n"] + sums["review_n"] - sums[f"{PAIRED}_n"]
    figures["percent_reviewed"] = (
        Decimal(100 * figures["reviewed"]) / figures["interaction_count"]
        if figures["interaction_count"]
        else None
    )
    return figures
