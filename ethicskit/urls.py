from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from ethicskit import views
from teams import views as teams_views

admin.site.site_header = "EthicsKit administration"
admin.site.site_title = "EthicsKit admin"
admin.site.index_title = "Toolkit content, people and teams"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("profile/export.json", views.profile_export, name="profile_export"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password self-service: Django's own views, with the templates in templates/registration.
    path(
        "accounts/password/change/",
        teams_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("rubrics.urls")),
    path("", include("qa.urls")),
    path("", include("calibration.urls")),
    path("", include("reports.urls")),
    path("", include("teams.urls")),
    path("", include("notifications.urls")),
    path("api/v1/", include("ethicskit.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # GET only: DRF would answer OPTIONS through the page's HTML renderer, which has no template
    # for it, so anyone could make the page fail with a 500.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema",
            template_name="api/swagger_ui.html",
            http_method_names=["get", "head"],
        ),
        name="api_docs",
    ),
    path("", include("cases.urls")),
    path("", include("checklists.urls")),
    path("library/", include("scripts_library.urls")),
    path("training/", include("training.urls")),
    path("imports/", include("integrations.import_urls")),
    path("", include("integrations.urls")),
    path("admin/", admin.site.urls),
    # Two-factor sign-in and single sign-on.
    path("", include("signin.urls")),
]

handler403 = "ethicskit.views.permission_denied"
handler404 = "ethicskit.views.not_found"
handler500 = "ethicskit.views.server_error"
