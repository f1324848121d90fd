from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TeamsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teams"
    verbose_name = "Teams and roles"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from teams import audit
        from teams.access import grant_role_permissions
        from teams.accounts import session_started

        # Models added after the roles migration get their permissions here, on every migrate.
        post_migrate.connect(grant_role_permissions, dispatch_uid="teams.grant_role_permissions")
        user_logged_in.connect(session_started, dispatch_uid="teams.session_started")
        audit.register("teams.Team", relations=["supervisors"])
        audit.register("teams.Membership")
        audit.register("auth.Group")
        audit.register("teams.ApiToken", left_out=["key_hash", "last_used_at"])
        audit.register("auth.User", relations=["groups"])
