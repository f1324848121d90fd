"""Background jobs of cases."""

from procrastinate.contrib.django import app

from cases.services import pending_reports_deliver


@app.periodic(cron="0 * * * *")
@app.task(queue="cases", name="cases.deliver_anonymous_reports")
def deliver_anonymous_reports(timestamp: int) -> int:
    """Every hour on the hour: waiting anonymous reports become cases, in one shuffled batch."""
    return pending_reports_deliver()
