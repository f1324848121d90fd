from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Cases"

    def ready(self):
        from cases.services import breach_answered_receiver, breach_rated_receiver
        from checklists.signals import breach_answered
        from rubrics.signals import breach_rated
        from teams import access, audit

        breach_answered.connect(breach_answered_receiver, dispatch_uid="cases-breach-answered")
        breach_rated.connect(breach_rated_receiver, dispatch_uid="cases-breach-rated")

        access.register_content(
            self.label,
            records=["case", "casemessage", "pendingreport", "followupfailure"],
        )
        audit.register("cases.RoutingRule")
        # The receipt code's hash stays out of the log; an anonymous case's entries keep only
        # the day, and what its reporter writes is logged without a person or a request.
        audit.register("cases.Case", left_out=["receipt_hash"], relations=["root_causes"])
        audit.register(
            "cases.CaseMessage",
            anonymous_if=lambda message: message.from_reporter,
        )
