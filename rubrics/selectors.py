"""Reads for the scoring pages that are more than a filter."""

from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncWeek
from django.utils import timezone

from rubrics.models import Evaluation, Interaction, Rating

DEFAULT_RANGE_DAYS = 90


def date_window(date_from: date | None, date_to: date | None) -> tuple[datetime, datetime]:
    """Inclusive calendar dates -> [start, end) datetimes; the default is the last 90 days."""
    today = timezone.localdate()
    date_to = date_to or today
    date_from = date_from or date_to - timedelta(days=DEFAULT_RANGE_DAYS)
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
    trend = (
        evaluations.annotate(week=TruncWeek("interaction__occurred_at"))
        .values("week")
        .annotate(
            self_avg=Avg("score", filter=Q(kind=Evaluation.Kind.SELF)),
            review_avg=Avg("score", filter=Q(kind=Evaluation.Kind.REVIEW)),
        )
        .order_by("week")
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
        "trend": [
            {
                "week": row["week"].date().isoformat(),
                "self": float(row["self_avg"]) if row["self_avg"] is not None else None,
                "review": float(row["review_avg"]) if row["review_avg"] is not None else None,
            }
            for row in trend
        ],
        "team": team_totals,
    }
