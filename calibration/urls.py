from django.urls import path

from calibration import fairness_views, views

urlpatterns = [
    path("calibrations/", views.session_list, name="calibration_list"),
    path("calibrations/new/", views.session_new, name="calibration_new"),
    path("calibrations/<int:pk>/", views.session_detail, name="calibration_detail"),
    path(
        "calibrations/<int:pk>/interactions/<int:interaction>/score/",
        views.session_score,
        name="calibration_score",
    ),
    path("calibrations/<int:pk>/agree/", views.session_agree, name="calibration_agree"),
]

urlpatterns += [
    path("fairness/", fairness_views.fairness_audit, name="fairness_audit"),
    path("fairness/export.csv", fairness_views.fairness_export, name="fairness_export"),
]
