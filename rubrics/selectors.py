"""Reads for the scoring pages that are more than a filter."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Abs, Cast, Coalesce, Floor, Least, TruncWeek
from django.utils import timezone

from rubrics.models import Dispute, Evaluation, Interaction, Rating, ReviewSample
from teams.models import Team

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


def _weekly_trend(evaluations) -> list[dict]:
    """Average self and review score per week; weeks without scores are kept, empty, so the
    chart's time axis stays true."""
    rows = (
        evaluations.annotate(week=TruncWeek("interaction__occurred_at"))
        .values("week")
        .annotate(
            self_avg=Avg("score", filter=Q(kind=Evaluation.Kind.SELF)),
            review_avg=Avg("score", filter=Q(kind=Evaluation.Kind.REVIEW)),
        )
        .order_by("week")
    )
    by_week = {row["week"].date(): row for row in rows}
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


def my_scores(agent, start: datetime, end: datetime) -> dict:
    """Everything the My scores page shows, in a fixed number of queries."""
    interactions = Interaction.objects.filter(
        agent=agent, occurred_at__gte=start, occurred_at__lt=end
    )
    evaluations = Evaluation.objects.filter(
        is_current=True,
        interaction__agent=agent,
        interaction__occurred_at__gte=start,
        interaction__occurred_at__lt=end,
    )
    totals = evaluations.aggregate(
        self_avg=Avg("score", filter=Q(kind=Evaluation.Kind.SELF)),
        self_pct=Avg("percent", filter=Q(kind=Evaluation.Kind.SELF)),
        review_avg=Avg("score", filter=Q(kind=Evaluation.Kind.REVIEW)),
        review_pct=Avg("percent", filter=Q(kind=Evaluation.Kind.REVIEW)),
        scored=Count("id", filter=Q(kind=Evaluation.Kind.SELF)),
        reviewed=Count("id", filter=Q(kind=Evaluation.Kind.REVIEW)),
    )
    criteria = (
        Rating.objects.filter(evaluation__in=evaluations, value__isnull=False)
        .values("criterion__key", "criterion__name", "criterion__position")
        .annotate(
            self_avg=Avg("value", filter=Q(evaluation__kind=Evaluation.Kind.SELF)),
            review_avg=Avg("value", filter=Q(evaluation__kind=Evaluation.Kind.REVIEW)),
        )
        .order_by("criterion__position", "criterion__key")
    )
    membership = getattr(agent, "membership", None)
    team_totals = {}
    if membership is not None:
        team_totals = Evaluation.objects.filter(
            is_current=True,
            interaction__team=membership.team,
            interaction__occurred_at__gte=start,
            interaction__occurred_at__lt=end,
        ).aggregate(
            self_avg=Avg("score", filter=Q(kind=Evaluation.Kind.SELF)),
            review_avg=Avg("score", filter=Q(kind=Evaluation.Kind.REVIEW)),
        )
    return {
        "interactions": interactions_with_scores(interactions).order_by("-occurred_at", "-id"),
        "totals": totals,
        "criteria": list(criteria),
        "trend": _weekly_trend(evaluations),
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


def dashboard(
    *,
    teams: list[Team],
    agent_id: int | None = None,
    start: datetime,
    end: datetime,
    threshold: Decimal = DEFAULT_THRESHOLD,
    list_all_agents: bool = True,
) -> dict:
    """The team (or organisation) dashboard, aggregated in PostgreSQL in 8 queries.

    `teams` is the scope the viewer may see and has chosen; `agent_id` narrows every figure
    but the agent table to one person.
    """
    window = Q(
        interaction__team__in=teams,
        interaction__occurred_at__gte=start,
        interaction__occurred_at__lt=end,
    )
    if agent_id is not None:
        window &= Q(interaction__agent_id=agent_id)
    # Imported here: the checklists' evidence page imports this module's my_scores.
    from checklists.selectors import checklist_no_counts

    evaluations = Evaluation.objects.filter(window, is_current=True)
    SELF, REVIEW = Evaluation.Kind.SELF, Evaluation.Kind.REVIEW
    open_dispute = Q(interaction__dispute__status=OPEN)

    totals = evaluations.aggregate(
        self_avg=Avg("score", filter=Q(kind=SELF)),
        self_pct=Avg("percent", filter=Q(kind=SELF)),
        review_avg=Avg("score", filter=Q(kind=REVIEW)),
        review_pct=Avg("percent", filter=Q(kind=REVIEW)),
        scored=Count("id", filter=Q(kind=SELF)),
        reviewed=Count("id", filter=Q(kind=REVIEW)),
        open_disputes=Count("id", filter=Q(kind=REVIEW) & open_dispute),
        unacknowledged=Count(
            "id", filter=Q(kind=REVIEW, acknowledged_at__isnull=True) & ~open_dispute
        ),
    )
    totals["percent_reviewed"] = (
        Decimal(100 * totals["reviewed"]) / totals["scored"] if totals["scored"] else None
    )

    return {
        "totals": totals,
        "criteria": _criterion_averages(evaluations),
        "trend": _weekly_trend(evaluations),
        "distribution": _score_distribution(evaluations),
        "agents": _agent_averages(teams, start, end, threshold, list_all_agents),
        "gaps": _largest_gaps(evaluations),
        "waiting": _waiting_on_someone(evaluations),
        "checklists": checklist_no_counts(teams, start, end, runner_id=agent_id),
        "threshold": threshold,
    }


def _criterion_averages(evaluations) -> list[dict]:
    """Average rating per criterion key, beside its weight (newest rubric version in range)."""
    rows = (
        Rating.objects.filter(evaluation__in=evaluations, value__isnull=False)
        .values("criterion__key", "criterion__name", "criterion__weight", "criterion__position")
        .annotate(
            version=F("criterion__rubric__version"),
            self_avg=Avg("value", filter=Q(evaluation__kind=Evaluation.Kind.SELF)),
            self_n=Count("id", filter=Q(evaluation__kind=Evaluation.Kind.SELF)),
            review_avg=Avg("value", filter=Q(evaluation__kind=Evaluation.Kind.REVIEW)),
            review_n=Count("id", filter=Q(evaluation__kind=Evaluation.Kind.REVIEW)),
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
                "self_sum": Decimal(0),
                "self_n": 0,
                "review_sum": Decimal(0),
                "review_n": 0,
            },
        )
        for kind in ("self", "review"):
            if row[f"{kind}_n"]:
                entry[f"{kind}_sum"] += Decimal(row[f"{kind}_avg"]) * row[f"{kind}_n"]
                entry[f"{kind}_n"] += row[f"{kind}_n"]
    result = []
    for entry in sorted(merged.values(), key=lambda e: (e["position"], e["key"])):
        for kind in ("self", "review"):
            n = entry.pop(f"{kind}_n")
            total = entry.pop(f"{kind}_sum")
            entry[f"{kind}_avg"] = total / n if n else None
            entry[f"{kind}_count"] = n
        entry["gap"] = (
            entry["self_avg"] - entry["review_avg"]
            if entry["self_avg"] is not None and entry["review_avg"] is not None
            else None
        )
        result.append(entry)
    return result


DISTRIBUTION_BUCKETS = [f"{low}–{low + 9}%" if low < 90 else "90–100%" for low in range(0, 100, 10)]


def _score_distribution(evaluations) -> dict:
    """How many evaluations fall in each 10-point percent band, self and reviewed."""
    rows = (
        evaluations.annotate(band=Least(Cast(Floor(F("percent") / Decimal(10)), IntegerField()), 9))
        .values("band", "kind")
        .annotate(n=Count("id"))
    )
    counts = {"self": [0] * 10, "review": [0] * 10}
    for row in rows:
        counts[row["kind"]][int(row["band"])] = row["n"]
    return {"labels": DISTRIBUTION_BUCKETS, **counts}


def _agent_averages(teams, start, end, threshold, list_all_agents) -> list:
    """Each agent's averages; with `list_all_agents` off, only those under the threshold."""
    scope = Q(
        interactions__team__in=teams,
        interactions__occurred_at__gte=start,
        interactions__occurred_at__lt=end,
        interactions__evaluations__is_current=True,
    )
    kind = "interactions__evaluations__kind"
    pct = "interactions__evaluations__percent"
    people = (
        get_user_model()
        .objects.filter(membership__team__in=teams)
        .annotate(
            self_pct=Avg(pct, filter=scope & Q(**{kind: Evaluation.Kind.SELF})),
            review_pct=Avg(pct, filter=scope & Q(**{kind: Evaluation.Kind.REVIEW})),
            scored=Count("interactions__evaluations", filter=scope & Q(**{kind: "self"})),
            reviewed=Count("interactions__evaluations", filter=scope & Q(**{kind: "review"})),
            team_name=F("membership__team__name"),
        )
        .order_by("first_name", "last_name", "username")
    )
    if not list_all_agents:
        # Across all teams only those under the threshold are listed, the lowest first.
        people = (
            people.filter(
                Q(review_pct__lt=threshold) | Q(review_pct__isnull=True, self_pct__lt=threshold)
            )
            .annotate(basis_pct=Coalesce("review_pct", "self_pct"))
            .order_by("basis_pct", "username")[:DASHBOARD_LIST_LIMIT]
        )
    result = []
    for person in people:
        basis = person.review_pct if person.review_pct is not None else person.self_pct
        person.basis = "reviewed" if person.review_pct is not None else "self"
        person.below_threshold = basis is not None and basis < threshold
        result.append(person)
    return result


def _largest_gaps(evaluations) -> list[dict]:
    """Where agents rate themselves furthest from their reviews, per agent and criterion, over
    the interactions that have both (positive: the agent rated themselves higher).

    One grouped scan: the average self-rating minus the average review rating, both over the
    reviewed interactions only. (With every criterion rated, that equals the average gap.)
    """
    reviewed = Evaluation.objects.filter(
        interaction=OuterRef("evaluation__interaction"),
        kind=Evaluation.Kind.REVIEW,
        is_current=True,
    )
    SELF, REVIEW = Evaluation.Kind.SELF, Evaluation.Kind.REVIEW
    return list(
        Rating.objects.filter(evaluation__in=evaluations, value__isnull=False)
        .filter(Exists(reviewed))
        .values(
            "evaluation__interaction__agent_id",
            "evaluation__interaction__agent__username",
            "evaluation__interaction__agent__first_name",
            "evaluation__interaction__agent__last_name",
            "criterion__key",
            "criterion__name",
        )
        .annotate(
            self_avg=Avg("value", filter=Q(evaluation__kind=SELF)),
            review_avg=Avg("value", filter=Q(evaluation__kind=REVIEW)),
            pairs=Count("id", filter=Q(evaluation__kind=REVIEW)),
        )
        .annotate(gap=F("self_avg") - F("review_avg"))
        .filter(self_avg__isnull=False, review_avg__isnull=False)
        .exclude(gap=0)
        .order_by(Abs("gap").desc(), "evaluation__interaction__agent__username")[:10]
    )


def _waiting_on_someone(evaluations) -> dict:
    """Open disputes (waiting on the reviewer) and reviews the agent has not acknowledged,
    each list limited on its own, in one query."""
    reviews = evaluations.filter(kind=Evaluation.Kind.REVIEW).select_related(
        "interaction__agent", "interaction__dispute", "author"
    )
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
    """Per-team figures side by side; also serves as the dashboard's team picker."""
    scope = Q(
        interactions__occurred_at__gte=start,
        interactions__occurred_at__lt=end,
        interactions__evaluations__is_current=True,
    )
    kind = "interactions__evaluations__kind"
    pct = "interactions__evaluations__percent"
    score = "interactions__evaluations__score"
    rows = list(
        Team.objects.filter(pk__in=teams.values("pk"))
        .annotate(
            self_avg=Avg(score, filter=scope & Q(**{kind: "self"})),
            self_pct=Avg(pct, filter=scope & Q(**{kind: "self"})),
            review_avg=Avg(score, filter=scope & Q(**{kind: "review"})),
            review_pct=Avg(pct, filter=scope & Q(**{kind: "review"})),
            scored=Count("interactions__evaluations", filter=scope & Q(**{kind: "self"})),
            reviewed=Count("interactions__evaluations", filter=scope & Q(**{kind: "review"})),
        )
        .order_by("name")
    )
    for team in rows:
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
    evaluations = Evaluation.objects.filter(
        is_current=True,
        interaction__team=team,
        interaction__occurred_at__gte=start,
        interaction__occurred_at__lt=end,
    )
    SELF, REVIEW = Evaluation.Kind.SELF, Evaluation.Kind.REVIEW
    totals = evaluations.aggregate(
        count=Count("id", filter=Q(kind=SELF)),
        reviewed=Count("id", filter=Q(kind=REVIEW)),
        self_score=Avg("score", filter=Q(kind=SELF)),
        self_percent=Avg("percent", filter=Q(kind=SELF)),
        review_score=Avg("score", filter=Q(kind=REVIEW)),
        review_percent=Avg("percent", filter=Q(kind=REVIEW)),
    )
    return {"team": team, **totals, "criteria": _criterion_averages(evaluations)}
