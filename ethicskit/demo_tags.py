"""Demo data for root causes and the discount playbook, written by `seed_demo`.

Only once: a database that already has tagged reviews or discount triage requests gets none.
"""

from datetime import timedelta

from django.utils import timezone

from cases.models import Case
from checklists.models import TriageRequest
from checklists.services import triage_request_log, triage_request_resolve
from rubrics.models import LOW_RATING, Evaluation, RootCause

# Requests logged in the demo: (days ago, how each was handled; "" still open).
DISCOUNT_REQUESTS = [
    (120, "declined"),
    (110, "escalated"),
    (100, "declined"),
    (95, "declined"),
    (30, "declined"),
    (12, "escalated"),
    (3, "declined"),
    (1, ""),
]


def tag_reviews() -> int:
    """Each demo review with a rating of 1 or 2 gets one root cause, picked by its id, so the
    dashboards' top root causes and trend have something to show."""
    causes = list(RootCause.objects.active().order_by("position"))
    through = Evaluation.root_causes.through
    if not causes or through.objects.exists():
        return 0
    reviews = (
        Evaluation.objects.filter(
            kind=Evaluation.Kind.REVIEW, is_current=True, ratings__value__lte=LOW_RATING
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    # Uneven on purpose: the first causes are met more often than the last.
    weights = [cause for index, cause in enumerate(causes) for _ in range(len(causes) - index)]
    rows = [through(evaluation_id=pk, rootcause_id=weights[pk % len(weights)].pk) for pk in reviews]
    through.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def tag_cases() -> None:
    gift = Case.objects.filter(concern__category="gift").first()
    cause = RootCause.objects.filter(slug="overpromising").first()
    if gift and cause:
        gift.root_causes.add(cause)


def discount_requests(agents) -> None:
    """Discount requests over this quarter and the last, some declined with the script and
    some escalated, for the playbook page's counts."""
    if TriageRequest.objects.filter(topic=TriageRequest.Topic.DISCOUNT).exists() or not agents:
        return
    now = timezone.now()
    for index, (days_ago, handling) in enumerate(DISCOUNT_REQUESTS):
        agent, (_, supervisor, _) = agents[index % len(agents)]
        triaged = triage_request_log(
            logged_by=agent,
            description="Asks for a loyalty discount the account does not qualify for.",
            ethical_risk="high",
            business_impact="low",
            topic=TriageRequest.Topic.DISCOUNT,
        )
        if handling:
            triage_request_resolve(
                request=triaged,
                resolved_by=supervisor,
                outcome="Explained the eligibility rules and offered what the policy allows.",
                handling=handling,
            )
        TriageRequest.objects.filter(pk=triaged.pk).update(
            created_at=now - timedelta(days=days_ago),
            due_on=(now - timedelta(days=days_ago)).date()
            + timedelta(days=triaged.rule.due_in_days),
        )
