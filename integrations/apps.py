from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "integrations"
    verbose_name = "Helpdesk connections"

    def ready(self):
        from rubrics import api_filters
        from teams import access, audit

        api_filters.register_list_filter(
            "connection",
            lambda interactions, slug: interactions.filter(ticket_link__connection__slug=slug),
        )

        access.register_content(
            self.label,
            records=[
                "connection",
                "agentmapping",
                "unmappedagent",
                "ticketlink",
                "seensignature",
                "heldticket",
            ],
        )
        audit.register("integrations.Connection", left_out=["signing_secret"])
        audit.register("integrations.AgentMapping")
