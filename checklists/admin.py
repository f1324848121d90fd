from django.contrib import admin

from checklists.models import Checklist, ChecklistItem, DecisionStep, ProofPlanTask, TriageRule


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["position", "title", "question", "why_it_matters", "is_active"]


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "audience", "is_active"]
    list_filter = ["kind", "audience", "is_active"]
    search_fields = ["title", "items__title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ChecklistItemInline]


@admin.register(TriageRule)
class TriageRuleAdmin(admin.ModelAdmin):
    list_display = ["rank", "ethical_risk", "business_impact", "priority"]


@admin.register(DecisionStep)
class DecisionStepAdmin(admin.ModelAdmin):
    list_display = ["position", "title", "prompt"]


@admin.register(ProofPlanTask)
class ProofPlanTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "position", "expected_output"]
    list_filter = ["plan"]
