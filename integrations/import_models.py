"""File imports of helpdesk tickets: the column mapping kept per connection, each import with
its progress and totals, and a row per interaction it touched so that it can be undone."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# How long after it finished an import can be undone as a whole.
UNDO_WINDOW = timedelta(days=1)


class ColumnMapping(models.Model):
    """Which column of a connection's export holds each kept field; the last one confirmed."""

    connection = models.OneToOneField(
        "integrations.Connection", on_delete=models.CASCADE, related_name="column_mapping"
    )
    ticket_id = models.CharField(max_length=100)
    agent = models.CharField(max_length=100)
    channel = models.CharField(max_length=100)
    solved_at = models.CharField(max_length=100)
    topic = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    FIELDS = ("ticket_id", "agent", "channel", "solved_at", "topic")

    def __str__(self):
        return f"Columns of {self.connection}"

    def as_dict(self) -> dict[str, str]:
        return {field: getattr(self, field) for field in self.FIELDS}


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see every import; a supervisor the imports they started."""
        from teams.access import is_admin

        if is_admin(user):
            return self
        return self.filter(created_by=user)


class ImportJob(models.Model):
    """One uploaded file: previewed, then imported in the background in batches, perhaps undone.

    `rows` holds only the kept, checked fields of the rows that will be imported (ticket id,
    agent's user and team, channel, solved at, topic); nothing else of the file is stored."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Previewed, not imported"
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Stopped by an error"
        UNDONE = "undone", "Undone"

    connection = models.ForeignKey(
        "integrations.Connection", on_delete=models.PROTECT, related_name="imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ticket_imports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PREVIEW)
    rows = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    rows_in_file = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def rows_to_import(self) -> int:
        return len(self.rows) if self.status == self.Status.PREVIEW else self.rows_done

    @property
    def percent_done(self) -> int:
        total = self.preview.get("valid", 0)
        if self.status == self.Status.DONE or not total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.rows_done * 100 // total)

    @property
    def undo_until(self):
        return self.finished_at + UNDO_WINDOW if self.finished_at else None

    @property
    def can_undo(self) -> bool:
        return self.status == self.Status.DONE and timezone.now() < self.undo_until

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class ImportedRow(models.Model):
    """An interaction an import created or changed, with what it was before a change."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="imported_rows")
    interaction = models.ForeignKey(
        "rubrics.Interaction", on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(max_length=7, choices=Action.choices)
    previous = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["job", "action"], name="importedrow_job_action")]

    def __str__(self):
        return f"{self.get_action_display()} {self.interaction_id}"
