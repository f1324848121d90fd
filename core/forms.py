from datetime import date, timedelta

from django import forms
from django.utils import timezone

from core.dates import date_window

EARLIEST_DATE = date(2000, 1, 1)


class DatePicker(forms.DateInput):
    """The browser's date picker: it reads and writes only ISO dates, whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateRangeForm(forms.Form):
    """From and to dates, both optional, within sensible bounds and in order."""

    date_from = forms.DateField(label="From", required=False, widget=DatePicker())
    date_to = forms.DateField(label="To", required=False, widget=DatePicker())

    def _check_bounds(self, value):
        latest = timezone.localdate() + timedelta(days=366)
        if value is not None and not EARLIEST_DATE <= value <= latest:
            raise forms.ValidationError(
                f"Pick a date between {EARLIEST_DATE:%-d %b %Y} and {latest:%-d %b %Y}."
            )
        return value

    def clean_date_from(self):
        return self._check_bounds(self.cleaned_data.get("date_from"))

    def clean_date_to(self):
        return self._check_bounds(self.cleaned_data.get("date_to"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned

    def valid_values(self) -> dict:
        """The fields that passed, even when others did not; both dates go if they clash."""
        if not self.is_bound:
            return {}
        self.is_valid()
        values = dict(self.cleaned_data)
        if self.non_field_errors():
            values.pop("date_from", None)
            values.pop("date_to", None)
        return values

    def window(self):
        """The [start, end) datetimes of the chosen dates; the default window unless both pass."""
        if self.is_bound and self.is_valid():
            return date_window(self.cleaned_data["date_from"], self.cleaned_data["date_to"])
        return date_window(None, None)
