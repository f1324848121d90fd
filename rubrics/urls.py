from django.urls import path

from rubrics import recording_views, views

urlpatterns = [
    path("score/", views.self_score, name="self_score"),
    path("score/preview/", views.score_preview, name="score_preview"),
    path("interactions/<int:pk>/", views.interaction_detail, name="interaction_detail"),
    path("interactions/<int:pk>/correct/", views.self_score_revise, name="self_score_revise"),
    path("my/reviews/", views.my_reviews, name="my_reviews"),
    path("reviews/record/", recording_views.interaction_record_view, name="interaction_record"),
    path("interactions/<int:pk>/review/", views.review_create, name="review_create"),
    path(
        "interactions/<int:pk>/coaching/",
        views.coaching_comment_create,
        name="coaching_comment_create",
    ),
    path(
        "interactions/<int:pk>/acknowledge/",
        views.review_acknowledge_view,
        name="review_acknowledge",
    ),
    path("interactions/<int:pk>/read/", views.review_mark_read, name="review_mark_read"),
    path("interactions/<int:pk>/dispute/", views.dispute_create, name="dispute_create"),
    path("disputes/<int:pk>/resolve/", views.dispute_resolve_view, name="dispute_resolve"),
]
