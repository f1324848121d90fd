from django.urls import path

from training import views

urlpatterns = [
    path("", views.training_home, name="training_home"),
    path("practice/", views.practice, name="training_practice"),
    path("dilemmas/<int:pk>/", views.dilemma_detail, name="training_dilemma"),
    path("dilemmas/<int:pk>/answer/", views.dilemma_answer, name="training_dilemma_answer"),
    path("modules/<slug:slug>/", views.module_take, name="training_module"),
    path("modules/<slug:slug>/assign/", views.module_assign, name="training_module_assign"),
    path("certificates/<str:code>/", views.certificate_detail, name="training_certificate"),
    path("verify/", views.certificate_verify, name="training_verify"),
    path("team/", views.team_training, name="training_team"),
]
