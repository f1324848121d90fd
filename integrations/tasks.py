"""The worker's side of helpdesk connections: file imports and the release of held tickets
run here, batch by batch."""

from procrastinate.contrib.django import app

from integrations import importing, services


@app.task(queue="default")
def import_run(job_id: int) -> None:
    """Import a queued file (integrations.importing.import_run); a retry resumes after the last
    batch that committed."""
    importing.import_run(job_id=job_id)


@app.task(queue="default")
def release_held(connection_id: int, identity: str, actor_id: int | None = None) -> None:
    """Turn the tickets held for a newly mapped identity into interactions
    (integrations.services.release_held); a retry resumes after the last batch."""
    services.release_held(connection_id=connection_id, identity=identity, actor_id=actor_id)
