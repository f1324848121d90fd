"""A playbook's counts over a period: the triage requests of its topic, against its target."""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.db.models import Count, Q
from django.utils import timezone

from checklists.models import TriageRequest
from core.dates import date_window
from core.forms import DateRangeForm


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    start = quarter_start(day)
    return date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """Inclusive days counted, and the inclusive days they are compared with: for a calendar
    quarter (whole, or so far) the whole quarter before it, otherwise as many days just before."""

    start: date
    end: date

    @property
    def is_quarter(self) -> bool:
        return self.start == quarter_start(self.start) and self.end in {
            quarter_end(self.start),
            min(timezone.localdate(), quarter_end(self.start)),
        }

    @property
    def previous(self) -> tuple[date, date]:
        before = self.start - timedelta(days=1)
        if self.is_quarter:
            return quarter_start(before), before
        return self.start - timedelta(days=(self.end - self.start).days + 1), before


def default_period(today: date) -> Period:
    """This quarter so far."""
    return Period(quarter_start(today), today)


class PlaybookPeriodForm(DateRangeForm):
    """From and to days of the counts; a missing from is the to day's quarter start, a missing
    to is today. Anything that does not pass leaves the default period and says why."""

    def clean(self):
        cleaned = forms.Form.clean(self)
        if self.errors:
            return cleaned
        today = timezone.localdate()
        end = cleaned.get("date_to") or today
        start = cleaned.get("date_from") or quarter_start(end)
        if start > end:
            raise forms.ValidationError("The start date is after the end date.")
        cleaned["date_from"], cleaned["date_to"] = start, end
        return cleaned

    def period(self, today: date) -> Period:
        if self.is_bound and self.is_valid():
            return Period(self.cleaned_data["date_from"], self.cleaned_data["date_to"])
        return default_period(today)


def playbook_metrics(playbook, user, *, period: Period) -> dict | None:
    """The playbook's triage requests in `period` (triaged, declined with the script, escalated)
    against the period it is compared with and the target, among the requests `user` may see
    (their own; leaders their teams'; admins all). One query. None without a triage topic."""
    if not playbook.triage_topic:
        return None
    previous_start, previous_end = period.previous
    window = date_window(period.start, period.end)
    previous_window = date_window(previous_start, previous_end)
    chosen = Q(created_at__gte=window[0], created_at__lt=window[1])
    Handling = TriageRequest.Handling
    counts = (
        TriageRequest.objects.visible_to(user)
        .filter(topic=playbook.triage_topic)
        .aggregate(
            triaged=Count("pk", filter=chosen),
            declined=Count("pk", filter=chosen & Q(handling=Handling.DECLINED_WITH_SCRIPT)),
            escalated=Count("pk", filter=chosen & Q(handling=Handling.ESCALATED)),
            previous=Count(
                "pk",
                filter=Q(created_at__gte=previous_window[0], created_at__lt=previous_window[1]),
            ),
        )
    )
    target = None
    if playbook.target_change_percent is not None and counts["previous"]:
        # Whole requests: "10% fewer than 25" allows at most 22.
        target = math.floor(counts["previous"] * (100 + playbook.target_change_percent) / 100)
    return {
        **counts,
        "period": period,
        "previous_start": previous_start,
        "previous_end": previous_end,
        "target": target,
        "on_track": None if target is None else counts["triaged"] <= target,
    }
