"""The worker's side of helpdesk connections: file imports run here, batch by batch."""

from procrastinate.contrib.django import app

from integrations import importing


@app.task(queue="default")
def import_run(job_id: int) -> None:
    """Import a queued file (integrations.importing.import_run); a retry resumes after the last
    batch that committed."""
    importing.import_run(job_id=job_id)
