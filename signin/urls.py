from django.urls import path

from signin import oidc, views

urlpatterns = [
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/sso/start/", oidc.SsoStartView.as_view(), name="oidc_authentication_init"),
    path(
        "accounts/sso/callback/",
        oidc.SsoCallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
]
