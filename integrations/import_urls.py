from django.urls import path

from integrations import import_views

urlpatterns = [
    path("", import_views.import_list, name="import_list"),
    path("new/", import_views.import_new, name="import_new"),
    path("<int:pk>/", import_views.import_detail, name="import_detail"),
    path("<int:pk>/start/", import_views.import_start, name="import_start"),
    path("<int:pk>/map-agent/", import_views.import_map_agent, name="import_map_agent"),
    path("<int:pk>/undo/", import_views.import_undo, name="import_undo"),
]
