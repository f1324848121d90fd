"""Dilemmas and modules in the Django admin, with full history (django-simple-history)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from training.models import Assignment, Certificate, Dilemma, Module, Option, Verdict


class OptionFormSet(BaseInlineFormSet):
    """At most one best response, always (the database holds the same rule); a published
    dilemma also needs 3 or 4 responses and at least one harmful one."""

    def clean(self):
        super().clean()
        verdicts = [
            form.cleaned_data.get("verdict")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if verdicts.count(Verdict.BEST) > 1:
            raise ValidationError("Only one response can be the best.")
        if self.instance.published:
            problems = []
            if not 3 <= len(verdicts) <= 4:
                problems.append(f"A published dilemma needs 3 or 4 responses, not {len(verdicts)}.")
            if verdicts.count(Verdict.BEST) != 1:
                problems.append("Mark one response as the best.")
            if Verdict.HARMFUL not in verdicts:
                problems.append("Mark at least one response as harmful.")
            if problems:
                raise ValidationError(problems + ["Or untick “published” to save a draft."])


class OptionInline(admin.TabularInline):
    model = Option
    formset = OptionFormSet
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
