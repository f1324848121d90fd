from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TeamsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teams"
    verbose_name = "Teams and roles"

    def ready(self):
        from teams import audit
        from teams.access import grant_role_permissions

        # Models added after the roles migration get their permissions here, on every migrate.
        post_migrate.connect(grant_role_permissions, dispatch_uid="teams.grant_role_permissions")
        audit.register("teams.Team", relations=["supervisors"])
        audit.register("teams.Membership")
        audit.register("auth.Group")
        audit.register("teams.ApiToken", left_out=["key_hash", "last_used_at"])
        audit.register("auth.User", relations=["groups"])
