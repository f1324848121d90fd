from django.apps import AppConfig


class ScriptsLibraryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scripts_library"
    verbose_name = "Knowledge library"
