from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from teams import access, audit

        # A person's choices are theirs to change; the log shows who changed them and when.
        audit.register("notifications.Preference")

        # The job queue's tables (Procrastinate's read-only admin pages): admins only, since a
        # job's arguments name people's records.
        access.register_content(self.label, records=["joberror", "notification", "preference"])
        access.register_content(
            "procrastinate",
            records=[
                "procrastinatejob",
                "procrastinateevent",
                "procrastinateperiodicdefer",
                "procrastinateworker",
            ],
        )
