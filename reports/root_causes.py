"""Root-cause counts for the dashboards: top root causes over the period and their weekly trend.

A tag counts once per thing tagged: a current review (by the day it was written, under the
interaction's team), a checklist "no" (by the run's day, under the runner's team then) and a
case (by the day it was opened, under the team it was routed to). Cases come in only where the
viewer works them: the team's cases on a team's figures (never one about a supervisor, which
goes to compliance), and on the whole organisation's figures every case, routed to a team or not.
Cases are not an agent's figures, so a chosen agent leaves them out.
"""

from collections import Counter, defaultdict
from datetime import timedelta

from django.db.models import Count, DateField
from django.db.models.functions import Trunc

from cases.models import Case
from checklists.models import Answer, ChecklistAnswer
from core.dates import last_day
from rubrics.models import Evaluation

TOP = 10
TREND_LINES = 3


def _grouped(through, day_field: str, **filters):
    return (
        through.objects.filter(**filters)
        .annotate(week=Trunc(day_field, "week", output_field=DateField()))
        .values("rootcause__slug", "rootcause__name", "week")
        .annotate(tagged=Count("pk"))
        .order_by()
    )


def root_cause_rows(*, teams, start, end, agent_id=None, every_case=False):
    """(slug, name, week, count) rows, one query: each source grouped, then UNION ALL."""
    reviews = _grouped(
        Evaluation.root_causes.through,
        "evaluation__created_at",
        evaluation__kind=Evaluation.Kind.REVIEW,
        evaluation__is_current=True,
        evaluation__created_at__gte=start,
        evaluation__created_at__lt=end,
        evaluation__interaction__team__in=teams,
    )
    answers = _grouped(
        ChecklistAnswer.root_causes.through,
        "checklistanswer__run__created_at",
        checklistanswer__answer=Answer.NO,
        checklistanswer__run__created_at__gte=start,
        checklistanswer__run__created_at__lt=end,
        checklistanswer__run__team__in=teams,
    )
    if agent_id is not None:
        reviews = reviews.filter(evaluation__interaction__agent_id=agent_id)
        answers = answers.filter(checklistanswer__run__runner_id=agent_id)
        return list(reviews.union(answers, all=True))
    case_filters = {"case__team__in": teams, "case__about_supervisor": False}
    cases = _grouped(
        Case.root_causes.through,
        "case__opened_on",
        case__opened_on__gte=start.date(),
        case__opened_on__lte=last_day(end),
        **({} if every_case else case_filters),
    )
    return list(reviews.union(answers, cases, all=True))


def root_cause_summary(rows) -> dict:
    """The top root causes with their counts, and week by week the top few and the total.

    Weeks run from the first to the last with a tag, empty weeks kept so the trend stays true."""
    totals, names = Counter(), {}
    by_week = defaultdict(Counter)
    for row in rows:
        slug = row["rootcause__slug"]
        names[slug] = row["rootcause__name"]
        totals[slug] += row["tagged"]
        by_week[row["week"]][slug] += row["tagged"]
    top = sorted(totals, key=lambda slug: (-totals[slug], names[slug]))
    lines = top[:TREND_LINES]
    trend = []
    if by_week:
        week = min(by_week)
        while week <= max(by_week):
            counts = by_week.get(week, Counter())
            trend.append(
                {
                    "week": week,
                    "counts": [counts[slug] for slug in lines],
                    "total": sum(counts.values()),
                }
            )
            week += timedelta(days=7)
    return {
        "top": [{"slug": s, "name": names[s], "count": totals[s]} for s in top[:TOP]],
        "trend_lines": [{"slug": s, "name": names[s]} for s in lines],
        "trend": trend,
        "total": sum(totals.values()),
    }
