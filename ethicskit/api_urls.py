"""Every REST API route, under /api/v1/; the schema and its docs sit beside them."""

from django.urls import path

from cases import api as cases_api
from checklists import api as checklists_api
from reports import api as reports_api
from rubrics import api as rubrics_api
from scripts_library import api as library_api

app_name = "api"

urlpatterns = [
    path("rubric/", rubrics_api.RubricView.as_view(), name="rubric"),
    path("interactions/", rubrics_api.InteractionListCreateView.as_view(), name="interactions"),
    path(
        "interactions/<int:pk>/",
        rubrics_api.InteractionDetailView.as_view(),
        name="interaction",
    ),
    path(
        "interactions/<int:pk>/reviews/",
        rubrics_api.ReviewCreateView.as_view(),
        name="interaction_reviews",
    ),
    path("teams/<int:pk>/summary/", reports_api.TeamSummaryView.as_view(), name="team_summary"),
    path("scripts/", library_api.ScriptListView.as_view(), name="scripts"),
    path("faq/", library_api.FaqListView.as_view(), name="faq"),
    path("checklists/", checklists_api.ChecklistListView.as_view(), name="checklists"),
    path("concerns/", cases_api.ConcernCreateView.as_view(), name="concerns"),
    path("cases/", cases_api.CaseListView.as_view(), name="cases"),
    path("cases/<int:pk>/", cases_api.CaseDetailView.as_view(), name="case"),
]
