from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ScriptsLibraryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scripts_library"
    verbose_name = "Knowledge library"

    def ready(self):
        from checklists import no_answer_help
        from scripts_library import models, services
        from scripts_library.checklist_help import scripts_for_checklist_items
        from teams import access, audit

        no_answer_help.register("Script", scripts_for_checklist_items)

        access.register_content(self.label, records=["acknowledgement"])
        for name in ("ScriptCategory", "FaqCategory", "Phrase", "CommonMistake", "Playbook"):
            audit.register(f"scripts_library.{name}")
        audit.register("scripts_library.Script", relations=["checklist_items"])
        audit.register("scripts_library.FaqEntry", relations=["related_scripts"])
        audit.register("scripts_library.Acknowledgement")

        def index_saved(sender, instance, raw=False, **kwargs):
            # Raw saves (loaddata, a test's serialized rollback) bring their search entries along.
            if raw:
                return
            services.search_index_rows(rows=[instance])

        def unindex_deleted(sender, instance, **kwargs):
            services.search_index_remove(obj=instance)

        # Saving content and refreshing its search entry happen in the same transaction, so
        # search never shows words that were rolled back nor misses words that were saved.
        for model in (
            models.Script,
            models.FaqEntry,
            models.Phrase,
            models.CommonMistake,
            models.Playbook,
        ):
            post_save.connect(index_saved, sender=model, dispatch_uid=f"index-{model.__name__}")
            post_delete.connect(
                unindex_deleted, sender=model, dispatch_uid=f"unindex-{model.__name__}"
            )
