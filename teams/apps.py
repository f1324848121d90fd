from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TeamsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teams"
    verbose_name = "Teams and roles"

    def ready(self):
        from ethicskit import pagecache
        from teams.access import grant_role_permissions
        from teams.audit import connect_signals

        # Models added after the roles migration get their permissions here, on every migrate.
        post_migrate.connect(grant_role_permissions, dispatch_uid="teams.grant_role_permissions")
        connect_signals()
        pagecache.connect_signals()
