"""Every REST API route, under /api/v1/; the schema and its docs sit beside them."""

from django.urls import path

from calibration import api as calibration_api
from cases import api as cases_api
from checklists import api as checklists_api
from integrations import webhook as integrations_webhook
from notifications import api as notifications_api
from qa import api as qa_api
from reports import api as reports_api
from rubrics import api as rubrics_api
from rubrics import review_api
from scripts_library import api as library_api
from training import api as training_api

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
        review_api.ReviewCreateView.as_view(),
        name="interaction_reviews",
    ),
    path("assignments/", qa_api.AssignmentListView.as_view(), name="assignments"),
    path(
        "teams/<int:pk>/assignment-rule/",
        qa_api.AssignmentRuleView.as_view(),
        name="assignment_rule",
    ),
    path("teams/<int:pk>/summary/", reports_api.TeamSummaryView.as_view(), name="team_summary"),
    path("scripts/", library_api.ScriptListView.as_view(), name="scripts"),
    path("faq/", library_api.FaqListView.as_view(), name="faq"),
    path("calibrations/", calibration_api.SessionListCreateView.as_view(), name="calibrations"),
    path("calibrations/<int:pk>/", calibration_api.SessionDetailView.as_view(), name="calibration"),
    path(
        "calibrations/<int:pk>/scores/",
        calibration_api.SessionScoreView.as_view(),
        name="calibration_scores",
    ),
    path("checklists/", checklists_api.ChecklistListView.as_view(), name="checklists"),
    path("dilemmas/", training_api.DilemmaListView.as_view(), name="dilemmas"),
    path(
        "dilemmas/<int:pk>/answers/",
        training_api.AnswerCreateView.as_view(),
        name="dilemma_answers",
    ),
    path("training/progress/", training_api.ProgressView.as_view(), name="training_progress"),
    path("notifications/", notifications_api.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        notifications_api.NotificationReadView.as_view(),
        name="notification_read",
    ),
    path("concerns/", cases_api.ConcernCreateView.as_view(), name="concerns"),
    path("cases/", cases_api.CaseListView.as_view(), name="cases"),
    path("cases/<int:pk>/", cases_api.CaseDetailView.as_view(), name="case"),
    path(
        "webhooks/<slug:slug>/",
        integrations_webhook.WebhookView.as_view(),
        name="helpdesk_webhook",
    ),
]
