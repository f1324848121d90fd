from django.contrib import admin

from rubrics.models import Criterion, Rubric


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0
    fields = [
        ("key", "name", "weight", "position"),
        "description",
        ("critical", "allows_na"),
        "level_1",
        "level_2",
        "level_3",
        "level_4",
        "level_5",
    ]


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["__str__", "version", "criteria_count", "created_at"]
    inlines = [CriterionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("criteria")

    @admin.display(description="Criteria")
    def criteria_count(self, rubric):
        return len(rubric.criteria.all())
