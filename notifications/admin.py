import json

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from procrastinate.contrib.django.admin import ProcrastinateJobAdmin
from procrastinate.contrib.django.models import ProcrastinateJob

from notifications.models import JobError

UPKEEP_QUEUE = "upkeep"


class JobKindFilter(admin.SimpleListFilter):
    """Upkeep jobs (the stalled-worker check every minute, session and log clean-ups) are left
    out unless asked for, so the jobs people care about (e-mails, assignments) stay in view."""

    title = "kind of job"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("upkeep", "Upkeep only"), ("all", "All, upkeep too")]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Work (upkeep left out)",
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "upkeep":
            return queryset.filter(queue_name=UPKEEP_QUEUE)
        if self.value() == "all":
            return queryset
        return queryset.exclude(queue_name=UPKEEP_QUEUE)


class JobAdmin(ProcrastinateJobAdmin):
    """Procrastinate's job list with upkeep jobs left out by default and no inline styles (the
    Content Security Policy refuses them). Its Retry, Cancel and Abort actions are kept on
    purpose: retrying an e-mail that failed for good, once the mail server is back, is the
    admin's remedy."""

    list_filter = [JobKindFilter, *ProcrastinateJobAdmin.list_filter]

    @admin.display(description="Args")
    def pretty_args(self, instance: ProcrastinateJob) -> str:
        indent = 2 if len(instance.args) > 1 or len(str(instance.args)) > 30 else None
        pretty_json = json.dumps(instance.args, indent=indent)
        if len(pretty_json) > 2000:
            pretty_json = pretty_json[:2000] + "..."
        return format_html('<pre class="job-args">{}</pre>', pretty_json)

    @admin.display(description="Summary")
    def summary(self, instance: ProcrastinateJob) -> str:
        """The last event and how long ago, then the queue, lock and attempts."""
        events = list(instance.procrastinateevent_set.all()[:1])
        lines = []
        if events:
            lines.append((events[0].type.title(), f"{timesince(events[0].at)} ago"))
        lines += [
            (label, value)
            for label, value in (
                ("Queue", instance.queue_name),
                ("Lock", instance.lock),
                ("Queueing lock", instance.queueing_lock),
                ("Attempts", instance.attempts if instance.attempts > 1 else None),
            )
            if value
        ]
        items = format_html_join("", "<li><strong>{}:</strong> {}</li>", lines)
        return format_html('<ul class="job-summary">{}</ul>', items)


admin.site.unregister(ProcrastinateJob)
admin.site.register(ProcrastinateJob, JobAdmin)


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
