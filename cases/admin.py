from django.contrib import admin

from cases.models import Case, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Where each category of concern goes. A case about a supervisor always goes to compliance."""

    list_display = ["category", "route"]
    list_editable = ["route"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Cases are worked on /cases/; here they can only be read."""

    list_display = ["id", "status", "route", "owner", "opened_on"]
    list_filter = ["status", "route"]
    exclude = ["receipt_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
