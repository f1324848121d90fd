from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ScriptsLibraryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scripts_library"
    verbose_name = "Knowledge library"

    def ready(self):
        from scripts_library import models, services

        def index_saved(sender, instance, raw=False, **kwargs):
            # A raw save (loaddata, a test database's restore) brings its search entries with
            # it; indexing here too would add a second entry for the same row.
            if not raw:
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
