from django import forms
from django.contrib import admin

from checklists.models import (
    Checklist,
    ChecklistAnswer,
    ChecklistItem,
    ChecklistRun,
    Concern,
    DecisionRecord,
    DecisionStep,
    ProofPlanProgress,
    ProofPlanTask,
    ServiceChangeAnswer,
    ServiceChangeReview,
    TriageRequest,
    TriageRule,
)


class ChecklistItemForm(forms.ModelForm):
    """A question (and why it matters) can run to 300 characters: text areas show them whole.

    css/checklist_admin.css sizes them so the items table fits a 1280 px screen.
    """

    class Meta:
        model = ChecklistItem
        fields = [
            "position",
            "title",
            "question",
            "why_it_matters",
            "breach_when_no",
            "concern_category",
            "is_active",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3, "cols": 40}),
            "why_it_matters": forms.Textarea(attrs={"rows": 3, "cols": 30}),
        }


class ChecklistItemInline(admin.TabularInline):
    """Editing an item's wording changes future runs only: each run keeps a copy of what it answered."""

    model = ChecklistItem
    form = ChecklistItemForm
    extra = 0
    fields = [
        "position",
        "title",
        "question",
        "why_it_matters",
        "breach_when_no",
        "concern_category",
        "is_active",
    ]


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "audience", "is_active"]
    list_filter = ["kind", "audience", "is_active"]
    search_fields = ["title", "items__title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ChecklistItemInline]

    class Media:
        css = {"all": ["css/checklist_admin.css"]}


@admin.register(TriageRule)
class TriageRuleAdmin(admin.ModelAdmin):
    list_display = ["rank", "ethical_risk", "business_impact", "priority", "due_in_days"]


@admin.register(DecisionStep)
class DecisionStepAdmin(admin.ModelAdmin):
    list_display = ["position", "title", "prompt"]


@admin.register(ProofPlanTask)
class ProofPlanTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "position", "expected_output"]
    list_filter = ["plan"]


# --- Records people make with the tools: read in the admin, written through the app. ----------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ChecklistAnswerInline(ReadOnlyInline):
    model = ChecklistAnswer
    fields = ["position", "item_title", "item_question", "answer", "note"]
    readonly_fields = fields


@admin.register(ChecklistRun)
class ChecklistRunAdmin(admin.ModelAdmin):
    """Runs are evidence: the admin shows them as answered and does not let anyone edit them."""

    list_display = ["created_at", "checklist", "runner", "team", "subject"]
    list_filter = ["checklist", "team", "created_at"]
    search_fields = ["runner__username", "policy_change", "interaction__reference"]
    list_select_related = ["checklist", "runner", "team", "interaction"]
    date_hierarchy = "created_at"
    inlines = [ChecklistAnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceChangeAnswerInline(ReadOnlyInline):
    model = ServiceChangeAnswer
    fields = ["position", "item_title", "item_question", "risk", "note"]
    readonly_fields = fields


@admin.register(ServiceChangeReview)
class ServiceChangeReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "proposed_by", "created_at", "decision", "decided_by", "decided_at"]
    list_filter = ["decision", "created_at"]
    search_fields = ["title", "description"]
    list_select_related = ["proposed_by", "decided_by"]
    inlines = [ServiceChangeAnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TriageRequest)
class TriageRequestAdmin(admin.ModelAdmin):
    list_display = [
        "description",
        "rule",
        "logged_by",
        "team",
        "owner",
        "due_on",
        "created_at",
        "resolved_at",
    ]
    list_filter = ["rule", "team", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["description", "reference", "outcome"]
    list_select_related = ["rule", "logged_by", "team"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DecisionRecord)
class DecisionRecordAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "team", "created_at", "follow_up_on", "followed_up_at"]
    list_filter = ["team", "follow_up_on", ("followed_up_at", admin.EmptyFieldListFilter)]
    search_fields = ["issue", "decision"]
    list_select_related = ["author", "team"]
    raw_id_fields = ["interaction", "triage_request"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    """Admins work concerns on the web queue (/concerns/queue/); here they can only be read.

    There is nothing to hide for anonymous reports, because nothing about their reporter is
    stored; named reports show their reporter, as the web queue does.
    """

    list_display = ["reported_on", "category", "status", "reporter_shown"]
    list_filter = ["status", "category", "is_anonymous"]
    search_fields = ["description", "outcome"]
    list_select_related = ["reporter"]
    fields = [
        "category",
        "reported_on",
        "reporter_shown",
        "description",
        "status",
        "outcome",
        "closed_on",
    ]
    readonly_fields = fields

    @admin.display(description="Reporter")
    def reporter_shown(self, concern):
        if concern.is_anonymous:
            return "Anonymous"
        return concern.reporter or "Account removed"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProofPlanProgress)
class ProofPlanProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "task", "completed_on", "updated_at"]
    list_filter = ["task__plan", "task"]
    search_fields = ["user__username"]
    list_select_related = ["user", "task"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
