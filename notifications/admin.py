from django.contrib import admin

from notifications.models import JobError


@admin.register(JobError)
class JobErrorAdmin(admin.ModelAdmin):
    """Read-only: each failed attempt of a background job and its traceback."""

    list_display = ["at", "task_name", "job_id", "attempt", "first_line"]
    list_filter = ["task_name"]
    search_fields = ["task_name", "error"]
    readonly_fields = ["job_id", "task_name", "attempt", "error", "at"]

    @admin.display(description="Error")
    def first_line(self, obj):
        lines = obj.error.strip().splitlines()
        return lines[-1] if lines else ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
