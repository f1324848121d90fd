from django.urls import path

from qa import views

urlpatterns = [
    path("reviews/", views.review_queue, name="review_queue"),
    path("reviews/sample/", views.review_sample_create, name="review_sample"),
    path("assignments/", views.my_assignments, name="my_assignments"),
    path(
        "assignments/<int:pk>/reassign/",
        views.assignment_reassign_view,
        name="assignment_reassign",
    ),
    path("assignments/<int:pk>/skip/", views.assignment_skip_view, name="assignment_skip"),
    path("assignments/rules/", views.assignment_rules, name="assignment_rules"),
    path(
        "assignments/rules/<int:team_pk>/",
        views.assignment_rule_edit,
        name="assignment_rule_edit",
    ),
]
