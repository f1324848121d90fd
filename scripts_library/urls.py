from django.urls import path

from scripts_library import views

urlpatterns = [
    path("", views.script_list, name="library_scripts"),
    path("scripts/<slug:slug>/", views.script_detail, name="library_script"),
    path("scripts/<slug:slug>/fill/", views.script_fill, name="library_script_fill"),
    path(
        "scripts/<slug:slug>/acknowledge/",
        views.script_acknowledge_view,
        name="library_script_acknowledge",
    ),
    path("search/", views.search, name="library_search"),
    path("faq/", views.faq, name="library_faq"),
    path("language/", views.language_bank, name="library_language"),
    path("mistakes/", views.mistakes, name="library_mistakes"),
    path("root-causes/", views.root_cause_list, name="root_cause_list"),
    path("root-causes/<slug:slug>/", views.root_cause_detail, name="root_cause"),
    path("playbooks/", views.playbook_list, name="library_playbooks"),
    path("playbooks/<slug:slug>/", views.playbook_detail, name="library_playbook"),
    path("acknowledgements/", views.acknowledgement_list, name="library_acknowledgements"),
    path(
        "acknowledgements/<slug:slug>/",
        views.acknowledgement_detail,
        name="library_acknowledgement_detail",
    ),
]
