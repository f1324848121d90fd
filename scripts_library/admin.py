"""The library in the Django admin: full history with diff and revert (django-simple-history),
and optimistic locking so two admins editing the same entry never silently overwrite each other.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from checklists.models import ChecklistItem
from scripts_library.models import (
    CommonMistake,
    FaqCategory,
    FaqEntry,
    Phrase,
    Playbook,
    Script,
    ScriptCategory,
)
from scripts_library.services import script_confirmation_requested

# Fields that change on every save and say nothing about what an editor changed.
NOT_COMPARED = ["version", "updated_at", "acknowledgement_version"]


def changes_since(model, pk: int, seen_version: int) -> list[str]:
    """Field-by-field description of what was saved after `seen_version`, from the history."""
    history = model.history.filter(id=pk)
    latest = history.order_by("-history_date", "-history_id").first()
    seen = history.filter(version=seen_version).order_by("-history_date", "-history_id").first()
    if latest is None or seen is None:
        return ["The earlier version is not in the history, so its changes cannot be listed."]
    lines = []
    for change in latest.diff_against(seen, excluded_fields=NOT_COMPARED).changes:
        label = model._meta.get_field(change.field).verbose_name.capitalize()
        before, after = changed_part(str(change.old), str(change.new))
        lines.append(f"{label} was “{before}” and is now “{after}”.")
    return lines or ["No field you can edit changed."]


def changed_part(old: str, new: str, context: int = 40) -> tuple[str, str]:
    """The differing middle of two texts with a little context, so a one-word edit near the end
    of a long script is visible instead of cut off."""
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(old), len(new)) - prefix
        and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]
    ):
        suffix += 1
    start = max(0, prefix - context)

    def excerpt(text: str) -> str:
        end = min(len(text), len(text) - suffix + context)
        middle = Truncator(text[start:end]).chars(400)
        return f"{'…' if start else ''}{middle}{'…' if end < len(text) else ''}"

    return excerpt(old), excerpt(new)


class LockedForm(forms.ModelForm):
    """Refuses to save over changes made since the form was opened, and says what they were.

    The hidden `version` is the row's version when the form was shown. On save the row is locked
    (SELECT ... FOR UPDATE inside the admin's transaction) and its version compared, so two saves
    can never both pass the check; the second admin's input stays in the form.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            # The revert page shows an old copy of the row; the version that counts is today's.
            current = (
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            self.initial["version"] = current or self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        model = type(self.instance)
        seen = cleaned.get("version")
        current = (
            model.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None:
            raise ValidationError(
                "Someone deleted this entry while you were editing it. Copy your text before "
                "leaving this page; nothing was saved."
            )
        if seen != current:
            latest = model.history.filter(id=self.instance.pk).order_by("-history_date").first()
            editor = getattr(latest, "history_user", None) if latest else None
            who = (editor.get_full_name() or editor.get_username()) if editor else None
            # The next save is a deliberate overwrite of the changes shown, so it is allowed.
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = current
            raise ValidationError(
                [
                    f"{who or 'Someone'} saved this {model._meta.verbose_name} while you were "
                    f"editing it (version {seen or '?'} became {current}). Nothing was saved, "
                    "and your edits are still in the form below.",
                    *changes_since(model, self.instance.pk, seen),
                    "Merge their changes into yours, then save again: your save will replace "
                    "their version.",
                ]
            )
        self.instance.version = current
        return cleaned


class LockedHistoryAdmin(SimpleHistoryAdmin):
    form = LockedForm

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The revert page saves through the same form; its version check needs a transaction.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)


def criterion_choices():
    from rubrics.models import Criterion

    # The newest rubric's name for each key; older versions' keys stay linkable.
    names = {}
    for key, name in Criterion.objects.order_by("key", "-rubric__version").values_list(
        "key", "name"
    ):
        names.setdefault(key, name)
    return sorted(names.items(), key=lambda item: item[1])


class ScriptForm(LockedForm):
    criterion_keys = forms.MultipleChoiceField(
        label="Rubric criteria",
        required=False,
        choices=criterion_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="A low rating on any of these suggests this script on the interaction page.",
    )
    require_acknowledgement = forms.BooleanField(
        label="Agents must confirm they have read this version",
        required=False,
        help_text=(
            "Tick for a change every agent needs to know: the script appears on each agent's "
            "home page until they confirm. Leave it unticked for small fixes; confirmations of "
            "an earlier version then still count."
        ),
    )


@admin.register(ScriptCategory)
class ScriptCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Script)
class ScriptAdmin(LockedHistoryAdmin):
    form = ScriptForm
    list_display = [
        "title",
        "category",
        "status",
        "version",
        "acknowledgement_version",
        "updated_at",
    ]
    list_filter = ["status", "category"]
    search_fields = ["title", "situation", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["acknowledgement_version"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "category", "status", "situation", "body", "guidance"]},
        ),
        ("What it helps with", {"fields": ["criterion_keys", "checklist_items", "root_causes"]}),
        (
            "This version",
            {
                "fields": [
                    "change_note",
                    "require_acknowledgement",
                    "acknowledgement_version",
                    "version",
                ]
            },
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "root_causes":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        if db_field.name == "checklist_items":
            # Checkboxes, not filter_horizontal: its search-box icons carry an aria-label that
            # screen readers are not allowed to announce on a plain span (axe: serious), and a
            # few dozen items are easier to tick than to move between two lists.
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["queryset"] = ChecklistItem.objects.select_related("checklist")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("require_acknowledgement"):
            # save() counts the version up for an existing row; ask for the one being written.
            obj.acknowledgement_version = obj.version + 1 if change else obj.version
        super().save_model(request, obj, form, change)
        asked = form.cleaned_data.get("require_acknowledgement") or "status" in form.changed_data
        if asked:
            script_confirmation_requested(script=obj)


@admin.register(FaqCategory)
class FaqCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]


@admin.register(FaqEntry)
class FaqEntryAdmin(LockedHistoryAdmin):
    list_display = ["question", "category", "position", "version"]
    list_filter = ["category"]
    search_fields = ["question", "answer"]
    filter_horizontal = ["related_scripts"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "root_causes":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Phrase)
class PhraseAdmin(LockedHistoryAdmin):
    list_display = ["text", "value", "position", "version"]


@admin.register(CommonMistake)
class CommonMistakeAdmin(LockedHistoryAdmin):
    list_display = ["title", "root_cause", "position", "version"]


@admin.register(Playbook)
class PlaybookAdmin(LockedHistoryAdmin):
    list_display = ["title", "script", "version"]
    prepopulated_fields = {"slug": ["title"]}
