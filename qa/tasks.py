"""The quality programme's periodic jobs, run by the Procrastinate worker.

The top-up runs every hour, not once at the start of a period: at the start of a week there
are no interactions of that week yet, so each run fills each agent's quota from the period's
interactions so far. Runs are idempotent and lock each team, so overlapping runs on several
workers create nothing twice. Reminders go once per assignment (stored on the assignment).
"""

from procrastinate.contrib.django import app

from qa.services import assignment_reminders_send, assignments_top_up


@app.periodic(cron="5 * * * *")
@app.task(name="qa.assignments_top_up", queueing_lock="qa.assignments_top_up")
def assignments_top_up_job(timestamp: int) -> int:
    return assignments_top_up()


@app.periodic(cron="15 * * * *")
@app.task(name="qa.assignment_reminders", queueing_lock="qa.assignment_reminders")
def assignment_reminders_job(timestamp: int) -> dict:
    return assignment_reminders_send()
