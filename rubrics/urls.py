from django.urls import path

from rubrics import views

urlpatterns = [
    path("score/", views.self_score, name="self_score"),
    path("score/preview/", views.score_preview, name="score_preview"),
    path("interactions/<int:pk>/", views.interaction_detail, name="interaction_detail"),
    path("interactions/<int:pk>/correct/", views.self_score_revise, name="self_score_revise"),
    path("my/scores/", views.my_scores_page, name="my_scores"),
]
