from django.contrib import admin

from scripts_library.models import (
    CommonMistake,
    FaqCategory,
    FaqEntry,
    Phrase,
    Playbook,
    Script,
    ScriptCategory,
)


@admin.register(ScriptCategory)
class ScriptCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Script)
class ScriptAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "status", "updated_at"]
    list_filter = ["status", "category"]
    search_fields = ["title", "situation", "body"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(FaqCategory)
class FaqCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ["question", "category", "position"]
    list_filter = ["category"]
    search_fields = ["question", "answer"]
    filter_horizontal = ["related_scripts"]


@admin.register(Phrase)
class PhraseAdmin(admin.ModelAdmin):
    list_display = ["text", "value", "position"]


@admin.register(CommonMistake)
class CommonMistakeAdmin(admin.ModelAdmin):
    list_display = ["title", "position"]


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    list_display = ["title", "script"]
    prepopulated_fields = {"slug": ["title"]}
