from django import forms

from scripts_library.models import PLACEHOLDER_VALUE_MAX, Script
from scripts_library.selectors import MAX_PAGE, QUERY_MAX_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search the library",
        required=False,
        max_length=QUERY_MAX_LENGTH,
        error_messages={
            "max_length": (
                "Search for at most %(limit_value)d characters (this search has %(show_value)d): "
                "a few key words work best."
            )
        },
    )

    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": "That is not a page of results: pages are numbered 1, 2, 3…",
            "min_value": "That is not a page of results: pages are numbered 1, 2, 3…",
            "max_value": (
                "Results go up to page %(limit_value)s: a few more precise words find it faster."
            ),
        },
    )

    def query(self) -> str:
        """The cleaned query, or "" when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return ""
        return self.cleaned_data["q"]

    def page_number(self) -> int:
        """The page asked for, 1 when none (or when the form is invalid, as it then runs no search)."""
        if not self.is_bound or not self.is_valid():
            return 1
        return self.cleaned_data["page"] or 1


class ScriptFillForm(forms.Form):
    """One input per [Placeholder] of a script, labelled with the placeholder's name."""

    def __init__(self, *args, script: Script, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = script.placeholders
        for index, name in enumerate(self.names):
            self.fields[f"p{index}"] = forms.CharField(
                label=name,
                required=False,
                max_length=PLACEHOLDER_VALUE_MAX,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    def values(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(f"p{index}", "") for index, name in enumerate(self.names)
        }


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(min_value=1)
