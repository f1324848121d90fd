"""Assignments and rules in the Django admin: read-only. People change them on the app's
pages, where the service functions check who may review what."""

from django.contrib import admin

from qa.models import Assignment, AssignmentRule


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(ReadOnly):
    list_display = ["team", "per_agent", "period", "active", "updated_at"]
    list_filter = ["period", "active"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnly):
    list_display = ["interaction", "reviewer", "team", "agent", "due_on", "status", "source"]
    list_filter = ["status", "source", "period", "team"]
    list_select_related = ["interaction", "reviewer", "team", "agent"]
    raw_id_fields = ["interaction"]
