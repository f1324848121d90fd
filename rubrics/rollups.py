"""The dashboards' rollups: their tables, and the writes that keep them. They hold sums of the
current evaluations per day, week, month, quarter and year, for each agent in a team and for
the team as a whole (agent NULL). Reading them is `reports.rollups`' job.

One SQL statement per table says what a set of interactions contributes to the rollups. The
rebuild runs it over every interaction; a write runs it over the interactions it touches
before and after the change, and adds the difference (`tracking`). The stored rows equal a
rebuild as long as every write that changes a contribution runs inside `tracking`; comparing
`stored()` with `expected()` checks that, and nothing more: both come from the same SQL, so
a wrong sum, band or day in it is wrong in both. Whether the figures themselves are right is
checked against plain Python computed from the inputs, in tests/test_oracles.py and
tests/test_oracles_pages.py.

Days are calendar days in the site's time zone (settings.TIME_ZONE); weeks start on Monday,
months on the 1st, quarters in January, April, July and October, years on 1 January.
"""

import threading
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.db import connection, models, transaction

from core.replica import primary_reads


class Period(models.TextChoices):
    DAY = "D", "Day"
    WEEK = "W", "Week (from Monday)"
    MONTH = "M", "Month"
    QUARTER = "Q", "Quarter"
    YEAR = "Y", "Year"


class Rollup(models.Model):
    """What every rollup row is keyed by: a period (day to year) and its first day, a
    team, and an agent (NULL for the whole team's sums)."""

    period = models.CharField(max_length=1, choices=Period.choices)
    starts_on = models.DateField()
    # Indexed by the subclasses' composite indexes, which lead with them.
    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="%(class)ss", db_index=False
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="%(class)ss",
        db_index=False,
        null=True,
    )

    class Meta:
        abstract = True

    def __str__(self):
        who = f"agent {self.agent_id}" if self.agent_id else f"team {self.team_id}"
        return f"{self._meta.verbose_name} of {who}, {self.period} {self.starts_on}"


class ScoreRollup(Rollup):
    """Sums of the current evaluations of one kind (self, review, or paired: self-scores of
    reviewed interactions) for one agent in one team (or the whole team), for one period."""

    kind = models.CharField(max_length=10)
    n = models.IntegerField(default=0)
    score_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    percent_sum = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # How many evaluations fall in each 10-point percent band (90-100 in the last).
    band_0 = models.IntegerField(default=0)
    band_1 = models.IntegerField(default=0)
    band_2 = models.IntegerField(default=0)
    band_3 = models.IntegerField(default=0)
    band_4 = models.IntegerField(default=0)
    band_5 = models.IntegerField(default=0)
    band_6 = models.IntegerField(default=0)
    band_7 = models.IntegerField(default=0)
    band_8 = models.IntegerField(default=0)
    band_9 = models.IntegerField(default=0)
    # Reviews only: not yet acknowledged (and not disputed), and under an open dispute.
    awaiting_ack = models.IntegerField(default=0)
    open_disputes = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "starts_on", "team", "agent", "kind"],
                name="one_score_rollup_per_bucket",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(fields=["team", "period", "starts_on"], name="score_rollup_team"),
            models.Index(fields=["agent", "period", "starts_on"], name="score_rollup_agent"),
        ]


class CriterionRollup(Rollup):
    """Sums of one criterion's ratings for one agent in one team (or the whole team), for one
    period (a day, week, month, quarter or year).

    `paired_self_*` count only self-ratings of interactions that have a current review, and
    `paired_review_*` only review ratings of interactions that have a current self-score, so
    the self-versus-review gap compares the same interactions (a supervisor may review an
    interaction the agent never self-scored).
    """

    criterion = models.ForeignKey("rubrics.Criterion", on_delete=models.CASCADE, related_name="+")
    self_n = models.IntegerField(default=0)
    self_sum = models.IntegerField(default=0)
    review_n = models.IntegerField(default=0)
    review_sum = models.IntegerField(default=0)
    paired_self_n = models.IntegerField(default=0)
    paired_self_sum = models.IntegerField(default=0)
    paired_review_n = models.IntegerField(default=0)
    paired_review_sum = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "starts_on", "team", "agent", "criterion"],
                name="one_criterion_rollup_per_bucket",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(fields=["team", "period", "starts_on"], name="criterion_rollup_team"),
            models.Index(fields=["agent", "period", "starts_on"], name="criterion_rollup_agent"),
        ]


class RollupRebuild(models.Model):
    """A row while `rebuild_rollups` builds new tables aside; writes then also record the
    interactions they changed (`RollupTouched`), for the swap to bring the new tables up to
    date (rubrics/rollup_rebuild.py)."""

    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Rollup rebuild started {self.started_at}"


class RollupTouched(models.Model):
    """An interaction whose contribution changed while a rebuild was under way."""

    interaction_id = models.BigIntegerField(primary_key=True)

    def __str__(self):
        return f"Interaction {self.interaction_id}, changed during a rebuild"


_BUCKET = """
    CROSS JOIN LATERAL (SELECT (i.occurred_at AT TIME ZONE %(tz)s)::date AS day) AS d
    CROSS JOIN (VALUES ('D'), ('W'), ('M'), ('Q'), ('Y')) AS p(period)
"""
_STARTS_ON = """
    CASE p.period
        WHEN 'D' THEN d.day
        WHEN 'W' THEN date_trunc('week', d.day)::date
        WHEN 'M' THEN date_trunc('month', d.day)::date
        WHEN 'Q' THEN date_trunc('quarter', d.day)::date
        ELSE date_trunc('year', d.day)::date
    END
"""


def _grouped(keys: list[str]) -> str:
    """Each bucket once per agent, and once for the whole team (agent NULL)."""
    team_keys = [key for key in keys if key != "agent_id"]
    return f"GROUP BY GROUPING SETS (({', '.join(keys)}), ({', '.join(team_keys)}))"


# Score rows per kind: "self", "review", and PAIRED, the self-scores of interactions that have
# a current review (what a viewer under blind review may see of self-scores).
PAIRED = "paired"
SCORE_KEYS = ["period", "starts_on", "team_id", "agent_id", "kind"]
SCORE_SUMS = ["n", "score_sum", "percent_sum"] + [f"band_{band}" for band in range(10)]
SCORE_SUMS += ["awaiting_ack", "open_disputes"]
SCORE_SQL = f"""
    SELECT {", ".join(SCORE_KEYS)}, count(*), sum(score), sum(percent),
           {", ".join(f"count(*) FILTER (WHERE band = {band})" for band in range(10))},
           count(*) FILTER (WHERE kind = 'review' AND unacknowledged AND NOT disputed),
           count(*) FILTER (WHERE kind = 'review' AND disputed)
    FROM (
        SELECT p.period, {_STARTS_ON} AS starts_on, i.team_id, i.agent_id, k.kind,
               e.score, e.percent, least(floor(e.percent / 10), 9) AS band,
               e.acknowledged_at IS NULL AS unacknowledged, dispute.id IS NOT NULL AS disputed
        FROM rubrics_evaluation e
        JOIN rubrics_interaction i ON i.id = e.interaction_id
        LEFT JOIN rubrics_dispute dispute
            ON dispute.interaction_id = i.id AND dispute.status = 'open'
        CROSS JOIN LATERAL (
            SELECT e.kind
            UNION ALL
            SELECT '{PAIRED}' WHERE e.kind = 'self' AND EXISTS (
                SELECT 1 FROM rubrics_evaluation rv
                WHERE rv.interaction_id = i.id AND rv.kind = 'review' AND rv.is_current
            )
        ) AS k
        {_BUCKET}
        WHERE e.is_current {{where}}
    ) AS evaluations
    {_grouped(SCORE_KEYS)}
"""

CRITERION_KEYS = ["period", "starts_on", "team_id", "agent_id", "criterion_id"]
CRITERION_SUMS = [
    "self_n",
    "self_sum",
    "review_n",
    "review_sum",
    "paired_self_n",
    "paired_self_sum",
    "paired_review_n",
    "paired_review_sum",
]
CRITERION_SQL = f"""
    SELECT {", ".join(CRITERION_KEYS)},
           count(*) FILTER (WHERE kind = 'self'),
           coalesce(sum(value) FILTER (WHERE kind = 'self'), 0),
           count(*) FILTER (WHERE kind = 'review'),
           coalesce(sum(value) FILTER (WHERE kind = 'review'), 0),
           count(*) FILTER (WHERE kind = 'self' AND reviewed),
           coalesce(sum(value) FILTER (WHERE kind = 'self' AND reviewed), 0),
           count(*) FILTER (WHERE kind = 'review' AND self_scored),
           coalesce(sum(value) FILTER (WHERE kind = 'review' AND self_scored), 0)
    FROM (
        SELECT p.period, {_STARTS_ON} AS starts_on, i.team_id, i.agent_id, r.criterion_id,
               e.kind, r.value, rv.id IS NOT NULL AS reviewed, sv.id IS NOT NULL AS self_scored
        FROM rubrics_rating r
        JOIN rubrics_evaluation e ON e.id = r.evaluation_id
        JOIN rubrics_interaction i ON i.id = e.interaction_id
        LEFT JOIN rubrics_evaluation rv
            ON rv.interaction_id = i.id AND rv.kind = 'review' AND rv.is_current
        LEFT JOIN rubrics_evaluation sv
            ON sv.interaction_id = i.id AND sv.kind = 'self' AND sv.is_current
        {_BUCKET}
        WHERE e.is_current AND r.value IS NOT NULL {{where}}
    ) AS ratings
    {_grouped(CRITERION_KEYS)}
"""

# (model, contribution SQL, key columns, summed columns, when a bucket is empty)
TABLES = [
    (ScoreRollup, SCORE_SQL, SCORE_KEYS, SCORE_SUMS, "n = 0"),
    (CriterionRollup, CRITERION_SQL, CRITERION_KEYS, CRITERION_SUMS, "self_n = 0 AND review_n = 0"),
]


def _contributions(sql: str, keys: list[str], interaction_ids=None) -> dict[tuple, tuple]:
    where, params = "", {"tz": settings.TIME_ZONE}
    if interaction_ids is not None:
        where, params["ids"] = "AND i.id = ANY(%(ids)s)", list(interaction_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(where=where), params)
        return {tuple(row[: len(keys)]): tuple(row[len(keys) :]) for row in cursor.fetchall()}


def _apply(model, keys, sums, empty: str, deltas: dict[tuple, tuple], touched=(), table=None):
    """Add the deltas to the stored sums, in key order (so concurrent writers lock rows in the
    same order), and drop buckets that are left empty. While a rebuild is under way, the same
    statement records the `touched` interactions for it."""
    if not deltas:
        return
    table = table or model._meta.db_table
    columns = keys + sums
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(deltas))
    ordered = sorted(deltas, key=lambda key: tuple(-1 if part is None else part for part in key))
    params = [value for key in ordered for value in (*key, *deltas[key])]
    updates = ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name in sums)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH upserted AS (INSERT INTO {table} ({', '.join(columns)}) VALUES {placeholders} "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates} "
            f"RETURNING id, {empty} AS is_empty), "
            "touched AS (INSERT INTO rubrics_rolluptouched (interaction_id) "
            "SELECT unnest(%s::bigint[]) WHERE EXISTS (SELECT 1 FROM rubrics_rolluprebuild) "
            "ON CONFLICT DO NOTHING) "
            "SELECT id, is_empty FROM upserted",
            [*params, list(touched)],
        )
        empty = [row_id for row_id, is_empty in cursor.fetchall() if is_empty]
        if empty:
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [empty])


def _difference(before: dict, after: dict) -> dict[tuple, tuple]:
    deltas = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        old, new = old or (0,) * len(new), new or (0,) * len(old)
        delta = tuple(b - a for a, b in zip(old, new, strict=True))
        if any(delta):
            deltas[key] = delta
    return deltas


_tracked = threading.local()


def _tracking(*interaction_ids: int, new: bool = False):
    """Wrap a write to these interactions' evaluations, acknowledgements or disputes (after
    taking its locks): the rollups follow it, in the same transaction. Nested calls for the
    same interaction leave it to the outermost. `new`: the interactions were created in this
    transaction and have no evaluations yet, so they contribute nothing before the write."""
    active = getattr(_tracked, "ids", frozenset())
    fresh = set(interaction_ids) - active
    if not fresh:
        yield
        return
    _tracked.ids = active | fresh
    try:
        with transaction.atomic():
            before = [
                {} if new else _contributions(sql, keys, fresh) for _, sql, keys, *_ in TABLES
            ]
            yield
            for (model, sql, keys, sums, empty), old in zip(TABLES, before, strict=True):
                after = _contributions(sql, keys, fresh)
                _apply(model, keys, sums, empty, _difference(old, after), touched=fresh)
    finally:
        _tracked.ids = active


# Wrapped here rather than decorated: mutmut (`make mutation`) leaves decorated functions alone.
tracking = contextmanager(_tracking)


def rebuild() -> dict[str, int]:
    """Recompute every rollup from the evaluations; returns the rows written per table."""
    written = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for model, sql, keys, sums, _ in TABLES:
            table = model._meta.db_table
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cursor.execute(f"DELETE FROM {table}")
            # Inserted in the order the dashboards read them (a period, a team, an agent, their
            # dates), so the rows one dashboard reads share few pages.
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(keys + sums)}) "
                + sql.format(where="")
                + " ORDER BY 1, 3, 4 NULLS FIRST, 2",
                {"tz": settings.TIME_ZONE},
            )
            written[model.__name__] = cursor.rowcount
    for model, *_ in TABLES:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return written


def _like_pattern(text: str) -> str:
    """`text` anywhere, with LIKE's own wildcards in it taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _sliced_tables(
    *, start, end, team_ids, channel: str = "", topic: str = "", interactions=None
) -> None:
    where = (
        "AND i.occurred_at >= %(start)s AND i.occurred_at < %(end)s AND i.team_id = ANY(%(teams)s)"
    )
    params = {"tz": settings.TIME_ZONE, "start": start, "end": end, "teams": list(team_ids)}
    if channel:
        where += " AND i.channel = %(channel)s"
        params["channel"] = channel
    if topic:
        where += " AND i.topic ILIKE %(topic)s"
        params["topic"] = _like_pattern(topic)
    if interactions is not None:
        # A queryset of interaction ids from a higher floor (a helpdesk connection's, say),
        # quoted into the text like the rest.
        subquery = connection.ops.compose_sql(*interactions.query.sql_with_params())
        where += f" AND i.id IN ({subquery.replace('%', '%%')})"
    # Both statements in one round trip: bound values allow only one, so they are quoted by the
    # driver (psycopg's own quoting, through Django) into the text.
    statements = [
        connection.ops.compose_sql(
            f"CREATE TEMPORARY TABLE {model._meta.db_table} AS "
            f"SELECT row_number() OVER () AS id, sliced.* "
            f"FROM ({sql.format(where=where)}) AS sliced({', '.join(keys + sums)})",
            params,
        )
        for model, sql, keys, sums, _ in TABLES
    ]
    with connection.cursor() as cursor:
        cursor.execute(";\n".join(statements))


def _sliced(*, start, end, team_ids, channel: str = "", topic: str = "", interactions=None):
    """Within the block, the rollup tables read as if only the interactions of [start, end) in
    `team_ids`, of `channel` (if given), with `topic` in their topic (if given, any case) and
    among `interactions` (a queryset of interaction ids, if given) had been scored: temporary tables of the same names, summed from those evaluations by the
    rebuild's own SQL, shadow the stored ones (PostgreSQL looks in the session's temporary
    schema first). One query makes them, one drops them; for reading only.

    The cost is one pass over the window's current evaluations of those teams that match
    (docs/performance.md, "A sliced dashboard"). Figures of other dates are not in them."""
    # The temporary tables live in the primary's session, so the block reads the primary.
    try:
        _sliced_tables(
            start=start,
            end=end,
            team_ids=team_ids,
            channel=channel,
            topic=topic,
            interactions=interactions,
        )
        with primary_reads():
            yield
    finally:
        tables = ", ".join(f"pg_temp.{model._meta.db_table}" for model, *_ in TABLES)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {tables}")


sliced = contextmanager(_sliced)


def expected() -> dict[str, dict[tuple, tuple]]:
    """What the rollups would hold if rebuilt now (for tests and `rebuild_rollups --check`)."""
    return {
        model.__name__: {
            key: tuple(_normal(value) for value in values)
            for key, values in _contributions(sql, keys).items()
        }
        for model, sql, keys, *_ in TABLES
    }


def stored() -> dict[str, dict[tuple, tuple]]:
    """What the rollups hold now, in the shape of `expected()`."""
    return {
        model.__name__: {
            tuple(row[: len(keys)]): tuple(_normal(value) for value in row[len(keys) :])
            for row in model.objects.values_list(*keys, *sums)
        }
        for model, _, keys, sums, _ in TABLES
    }


def _normal(value):
    return Decimal(value).normalize() if isinstance(value, Decimal) else value
