from django.urls import path

from cases import follow_up, views

urlpatterns = [
    path("concerns/new/", views.concern_new, name="concern_new"),
    path("concerns/follow-up/", follow_up.follow_up, name="concern_follow_up"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/acknowledge/", views.case_acknowledge, name="case_acknowledge"),
    path("cases/<int:pk>/message/", views.case_message, name="case_message"),
    path("cases/<int:pk>/status/", views.case_status, name="case_status"),
    path("cases/<int:pk>/reassign/", views.case_reassign, name="case_reassign"),
    path("cases/<int:pk>/root-causes/", views.case_root_causes, name="case_root_causes"),
    path("cases/<int:pk>/decisions/", views.case_decision, name="case_decision"),
]
