from django.urls import path

from integrations import views

urlpatterns = [
    path("helpdesk/", views.connection_list, name="connection_list"),
    path("helpdesk/new/", views.connection_new, name="connection_new"),
    path("helpdesk/<slug:slug>/", views.connection_detail, name="connection_detail"),
    path("helpdesk/<slug:slug>/mappings/", views.mapping_add, name="connection_mapping_add"),
    path(
        "helpdesk/<slug:slug>/mappings/<int:pk>/delete/",
        views.mapping_delete,
        name="connection_mapping_delete",
    ),
    path(
        "helpdesk/<slug:slug>/held/<int:pk>/map/",
        views.unmapped_map,
        name="connection_unmapped_map",
    ),
    path(
        "helpdesk/<slug:slug>/held/<int:pk>/dismiss/",
        views.unmapped_dismiss,
        name="connection_unmapped_dismiss",
    ),
]
