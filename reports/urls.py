from django.urls import path

from reports import review_list_views, views

urlpatterns = [
    path("my/scores/", views.my_scores_page, name="my_scores"),
    path("dashboard/", views.team_dashboard, name="team_dashboard"),
    path("dashboard/organisation/", views.organisation_dashboard, name="organisation_dashboard"),
    path("dashboard/export.csv", views.dashboard_export, name="dashboard_export"),
    path("proof-plan/evidence/", views.evidence, name="evidence"),
    path("proof-plan/evidence/<int:user_id>/", views.evidence_for_agent, name="evidence_for_agent"),
    path("reviews/given/", review_list_views.reviews_given, name="reviews_given"),
    path("disputes/", review_list_views.disputes_to_settle, name="disputes_to_settle"),
]
