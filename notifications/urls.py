from django.urls import path

from notifications import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/preferences/", views.preferences, name="notification_preferences"),
    path("inbox/read/", views.notification_mark_all_read, name="notification_mark_all_read"),
    path("inbox/<int:pk>/", views.notification_open, name="notification_open"),
    path("inbox/<int:pk>/read/", views.notification_mark_read, name="notification_mark_read"),
]
