from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "integrations"
    verbose_name = "Helpdesk connections"

    def ready(self):
        from teams import access, audit

        access.register_content(
            self.label,
            records=["connection", "agentmapping", "unmappedagent", "ticketlink", "seensignature"],
        )
        audit.register("integrations.Connection", left_out=["signing_secret"])
        audit.register("integrations.AgentMapping")
