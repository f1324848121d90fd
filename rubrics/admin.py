"""Rubric admin: every saved change becomes a new rubric version; older versions stay as scored.

Saving the current version's change page never updates it: the form's rubric and criteria, as
edited, go to `rubrics.versions.rubric_version_create`, which makes version highest + 1.
Evaluations point at the version they were scored on and keep their stored score and percent.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import quote, unquote
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, When
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from rubrics.models import (
    Criterion,
    Dispute,
    DisputeItem,
    Evaluation,
    Interaction,
    Rating,
    RootCause,
    Rubric,
)
from rubrics.selectors import interactions_with_scores
from rubrics.versions import (
    CRITERION_CONTENT,
    RubricStale,
    RubricUnchanged,
    is_current,
    rubric_version_create,
    validate_criteria,
)


class CriterionFormSet(BaseInlineFormSet):
    def clean(self):
        kept = [
            form
            for index, form in enumerate(self.forms)
            if (form.has_changed() or index < self.initial_form_count())
            and not self._should_delete_form(form)
        ]
        if not all(form.is_valid() for form in kept):
            # Each form shows its own errors; a total computed without them would mislead.
            return
        validate_criteria([form.cleaned_data for form in kept])
        super().clean()

    def criteria(self) -> list[dict]:
        """The criteria as submitted, for `rubric_version_create`."""
        return [
            {field: form.cleaned_data[field] for field in CRITERION_CONTENT}
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


class CriterionInline(admin.StackedInline):
    model = Criterion
    formset = CriterionFormSet
    extra = 0
    fields = [
        ("key", "name", "weight", "position"),
        "description",
        ("critical", "allows_na", "breach_when_one"),
        "level_1",
        "level_2",
        "level_3",
        "level_4",
        "level_5",
    ]

    # obj is the rubric: an earlier version's criteria are shown, never edited.
    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and (obj is None or is_current(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or is_current(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or is_current(obj))


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["__str__", "version", "current", "criteria_count", "created_at"]
    fields = ["name", "version", "notes"]
    readonly_fields = ["version"]
    inlines = [CriterionInline]

    def get_queryset(self, request):
        newer = Rubric.objects.filter(version__gt=OuterRef("version"))
        return (
            super()
            .get_queryset(request)
            .prefetch_related("criteria")
            .annotate(is_latest=~Exists(newer))
        )

    @admin.display(description="Current", boolean=True)
    def current(self, rubric):
        return rubric.is_latest

    @admin.display(description="Criteria")
    def criteria_count(self, rubric):
        return len(rubric.criteria.all())

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or is_current(obj))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            # One button: every save lands on the version it made. "show_save" also brings the
            # button back after a refused save, which Django hides after a refused save-as-new.
            "show_save": True,
            "show_save_and_add_another": False,
            "show_save_and_continue": False,
            **(extra_context or {}),
        }
        source = self.get_object(request, unquote(object_id)) if object_id else None
        if source is not None:
            extra_context.update(self.version_headings(source))
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        # Users without the change permission fall through to Django's 403.
        if (
            source is not None
            and not is_current(source)
            and super().has_change_permission(request, source)
        ):
            return self.refuse(request, RubricStale(source, Rubric.objects.current()))
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except RubricStale as stale:
            return self.refuse(request, stale)
        except RubricUnchanged as unchanged:
            self.message_user(
                request,
                f"Nothing changed, so no new version was made; "
                f"version {unchanged.current.version} is still current.",
                messages.INFO,
            )
            return HttpResponseRedirect(self.change_url(unchanged.current))

    def version_headings(self, rubric):
        if is_current(rubric):
            return {
                "title": f"Change {rubric}",
                "subtitle": (
                    f"Saving creates version {rubric.version + 1}; "
                    f"version {rubric.version} stays as it was scored."
                ),
            }
        return {
            "subtitle": (
                f"{rubric} is an earlier version, kept read-only for the evaluations scored on "
                f"it. Version {Rubric.objects.current().version} is current."
            )
        }

    def refuse(self, request, stale: RubricStale):
        self.message_user(request, stale.message, messages.ERROR)
        return HttpResponseRedirect(self.change_url(stale.current))

    def save_model(self, request, obj, form, change):
        """Nothing is saved here: `save_related` makes the new version, criteria and all."""

    def save_related(self, request, form, formsets, change):
        criteria = [row for formset in formsets for row in formset.criteria()]
        for formset in formsets:
            # What the admin's change message reads; the criteria were not saved one by one.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        rubric = rubric_version_create(
            name=form.cleaned_data["name"],
            notes=form.cleaned_data["notes"],
            criteria=criteria,
            based_on=form.instance if change else None,
        )
        # The admin logs and answers for the object it holds: make it the new version.
        form.instance.pk, form.instance.version = rubric.pk, rubric.version
        form.instance.created_at = rubric.created_at

    def response_change(self, request, obj):
        return self.response_add(request, obj)

    def log_change(self, request, obj, message):
        # A change never alters a version: it adds one.
        return self.log_addition(request, obj, [{"added": {}}])

    def response_add(self, request, obj, post_url_continue=None):
        if IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        message = f"Saved as version {obj.version}"
        previous = Rubric.objects.exclude(pk=obj.pk).current()
        if previous is not None:
            message += f"; evaluations already scored keep version {previous.version}"
        self.message_user(request, f"{message}.", messages.SUCCESS)
        return HttpResponseRedirect(self.change_url(obj))

    def change_url(self, rubric):
        opts = self.opts
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(rubric.pk)],
            current_app=self.admin_site.name,
        )


# Scored records: listed and searchable for admins, never edited here. A score changes only
# by a new revision (a correction or a settled dispute), which keeps the history honest.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InteractionFlagFilter(admin.SimpleListFilter):
    title = "flag"
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [
            ("flagged", "Flagged (critical fail or a 1 or 2)"),
            ("critical", "Critical fail"),
            ("unflagged", "Not flagged"),
        ]

    def queryset(self, request, queryset):
        current = visible_evaluations(request.user).filter(
            interaction=OuterRef("pk"), is_current=True
        )
        if self.value() == "flagged":
            return queryset.filter(Exists(current.filter(flagged=True)))
        if self.value() == "critical":
            return queryset.filter(Exists(current.filter(critical_fail=True)))
        if self.value() == "unflagged":
            return queryset.exclude(Exists(current.filter(flagged=True)))
        return queryset


class EvaluationFlagFilter(InteractionFlagFilter):
    def queryset(self, request, queryset):
        if self.value() == "flagged":
            return queryset.filter(flagged=True)
        if self.value() == "critical":
            return queryset.filter(critical_fail=True)
        if self.value() == "unflagged":
            return queryset.filter(flagged=False)
        return queryset


def visible_evaluations(user, evaluations=None):
    """Evaluations less the self-scores that blind review hides from `user` (an admin who also
    supervises a team sees that team's self-scores only once they are reviewed)."""
    evaluations = Evaluation.objects.all() if evaluations is None else evaluations
    hidden = Interaction.objects.self_score_hidden_from(user)
    return evaluations.exclude(Q(kind=Evaluation.Kind.SELF) & Q(interaction__in=hidden))


class EvaluationInline(admin.TabularInline):
    model = Evaluation
    fields = ["kind", "revision", "is_current", "score", "percent", "critical_fail", "author"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return visible_evaluations(request.user, super().get_queryset(request))

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "occurred_at",
        "team",
        "agent",
        "self_score",
        "self_percent",
        "review_score",
        "review_percent",
        "reviewer",
    ]
    list_filter = [
        "team",
        ("agent", admin.RelatedOnlyFieldListFilter),
        "occurred_at",
        InteractionFlagFilter,
        "channel",
    ]
    search_fields = [
        "reference",
        "topic",
        "agent__username",
        "agent__first_name",
        "agent__last_name",
    ]
    date_hierarchy = "occurred_at"
    list_select_related = ["team", "agent"]
    inlines = [EvaluationInline]

    def get_queryset(self, request):
        reviewer = Evaluation.objects.filter(
            interaction=OuterRef("pk"), kind=Evaluation.Kind.REVIEW, is_current=True
        ).values("author__username")[:1]
        interactions = interactions_with_scores(super().get_queryset(request))
        hidden = Q(self_score_hidden=True)
        return interactions.with_self_score_hidden(request.user).annotate(
            reviewer_name=Subquery(reviewer),
            shown_self_score=Case(When(hidden, then=None), default=F("self_score")),
            shown_self_percent=Case(When(hidden, then=None), default=F("self_percent")),
        )

    @admin.display(description="Self", ordering="shown_self_score")
    def self_score(self, obj):
        return "hidden until reviewed" if obj.self_score_hidden else obj.self_score

    @admin.display(description="Self %", ordering="shown_self_percent")
    def self_percent(self, obj):
        return "" if obj.self_score_hidden else obj.self_percent

    @admin.display(description="Review", ordering="review_score")
    def review_score(self, obj):
        return obj.review_score

    @admin.display(description="Review %", ordering="review_percent")
    def review_percent(self, obj):
        return obj.review_percent

    @admin.display(description="Reviewer", ordering="reviewer_name")
    def reviewer(self, obj):
        return obj.reviewer_name


class RatingInline(admin.TabularInline):
    model = Rating
    fields = ["criterion", "value", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = [
        "interaction",
        "kind",
        "score",
        "percent",
        "team",
        "author",
        "critical_fail",
        "flagged",
        "revision",
        "is_current",
        "created_at",
    ]
    list_filter = [
        "kind",
        ("interaction__team", admin.RelatedOnlyFieldListFilter),
        ("interaction__agent", admin.RelatedOnlyFieldListFilter),
        ("author", admin.RelatedOnlyFieldListFilter),
        "interaction__occurred_at",
        EvaluationFlagFilter,
        "is_current",
    ]
    search_fields = [
        "interaction__reference",
        "interaction__topic",
        "interaction__agent__username",
        "author__username",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["interaction__team", "author", "rubric"]
    inlines = [RatingInline]

    def get_queryset(self, request):
        return visible_evaluations(request.user, super().get_queryset(request))

    @admin.display(description="Team", ordering="interaction__team__name")
    def team(self, obj):
        return obj.interaction.team


class DisputeItemInline(admin.TabularInline):
    model = DisputeItem
    fields = ["criterion", "original_value", "proposed_value", "final_value"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = [
        "interaction",
        "raised_by",
        "status",
        "created_at",
        "resolved_by",
        "resolved_at",
    ]
    list_filter = ["status", ("interaction__team", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["interaction__reference", "raised_by__username", "reason"]
    list_select_related = ["interaction", "raised_by", "resolved_by"]
    inlines = [DisputeItemInline]


@admin.register(RootCause)
class RootCauseAdmin(SimpleHistoryAdmin):
    """Admins add, rename and retire root causes; each change is kept in the history."""

    list_display = ["name", "slug", "position", "is_active"]
    list_filter = ["is_active"]
    prepopulated_fields = {"slug": ["name"]}
