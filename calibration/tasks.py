"""Background work of calibration: the reveal at the deadline, for sessions nobody opens."""

from procrastinate.contrib.django import app

from calibration.services import calibration_reveal_due


@app.periodic(cron="*/5 * * * *")
@app.task(queueing_lock="calibration_reveal_due", pass_context=False)
def reveal_due_sessions(timestamp: int) -> int:
    return calibration_reveal_due()


@app.periodic(cron="30 2 * * *")
@app.task(queueing_lock="fairness_refresh", pass_context=False)
def refresh_fairness_audit(timestamp: int) -> int:
    from calibration.fairness_job import fairness_refresh

    return fairness_refresh()
