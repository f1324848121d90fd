from django.urls import path

from checklists import concern_views, run_views, views

urlpatterns = [
    path("checklists/", views.checklist_index, name="checklist_index"),
    path("checklists/runs/", views.checklist_runs, name="checklist_runs"),
    path("checklists/runs/<int:pk>/", run_views.checklist_run_detail, name="checklist_run_detail"),
    path(
        "checklists/runs/<int:pk>/attach/",
        run_views.checklist_run_attach,
        name="checklist_run_attach",
    ),
    path(
        "checklists/runs/<int:pk>/detach/",
        run_views.checklist_run_detach,
        name="checklist_run_detach",
    ),
    path(
        "checklists/runs/<int:pk>/root-causes/",
        run_views.checklist_run_root_causes,
        name="checklist_run_root_causes",
    ),
    path("checklists/<slug:slug>/run/", views.checklist_run, name="checklist_run"),
    path("service-changes/", views.service_change_list, name="service_change_list"),
    path("service-changes/new/", views.service_change_new, name="service_change_new"),
    path("service-changes/<int:pk>/", views.service_change_detail, name="service_change_detail"),
    path(
        "service-changes/<int:pk>/decide/",
        views.service_change_decide,
        name="service_change_decide",
    ),
    path("triage/", views.triage_queue, name="triage_queue"),
    path("triage/new/", views.triage_new, name="triage_new"),
    path("triage/<int:pk>/", views.triage_detail, name="triage_detail"),
    path("triage/<int:pk>/resolve/", views.triage_resolve, name="triage_resolve"),
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/new/", views.decision_new, name="decision_new"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/follow-up/", views.decision_follow_up, name="decision_follow_up"),
    path("concerns/", concern_views.concern_mine, name="concern_mine"),
    path("concerns/queue/", concern_views.concern_queue, name="concern_queue"),
    path("concerns/<uuid:pk>/", concern_views.concern_detail, name="concern_detail"),
    path("concerns/<uuid:pk>/update/", concern_views.concern_update, name="concern_update"),
    path("proof-plan/", views.proof_plan, name="proof_plan"),
    path(
        "proof-plan/tasks/<int:task_id>/",
        views.proof_plan_task_update,
        name="proof_plan_task_update",
    ),
]
