"""Date windows: the inclusive calendar dates people pick, as the datetimes queries use."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

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


def last_day(end: datetime) -> date:
    """The last calendar day of a window that ends (exclusively) at `end`."""
    return (end - timedelta(days=1)).date()
