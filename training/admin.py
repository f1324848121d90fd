"""Dilemmas and modules in the Django admin, with full history (django-simple-history)."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from training.models import Assignment, Certificate, Dilemma, Module, Option


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    min_num = 3
    max_num = 4
    fields = ["position", "text", "verdict", "feedback"]


@admin.register(Dilemma)
class DilemmaAdmin(SimpleHistoryAdmin):
    list_display = ["title", "channel", "published", "updated_at"]
    list_filter = ["published", "channel"]
    search_fields = ["title", "situation"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [OptionInline]
    filter_horizontal = [
        "scripts",
        "faq_entries",
        "phrases",
        "mistakes",
        "checklist_items",
        "decision_steps",
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        dilemma = form.instance
        problems = dilemma.option_problems()
        if dilemma.published and problems:
            # The options are saved with the dilemma; an unfinished one must not reach agents.
            type(dilemma).objects.filter(pk=dilemma.pk).update(published=False)
            self.message_user(
                request,
                "Saved as unpublished: " + " ".join(problems),
                level=messages.WARNING,
            )


@admin.register(Module)
class ModuleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "pass_mark", "published"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["dilemmas"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["module", "team", "agent", "due_on", "assigned_by"]
    list_select_related = ["module", "team", "agent", "assigned_by"]
    raw_id_fields = ["agent"]
    readonly_fields = ["assigned_by"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "module_title", "passed_on"]
    search_fields = ["code", "name"]
    readonly_fields = [field.name for field in Certificate._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
