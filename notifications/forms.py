from django import forms

from notifications.models import Delivery, Kind


class PreferencesForm(forms.Form):
    """One choice per kind of event, each starting at the person's current setting."""

    def __init__(self, *args, current: list[tuple[str, str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label, delivery in current:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Delivery.choices, initial=delivery, widget=forms.RadioSelect
            )

    def clean(self):
        data = super().clean()
        return {kind: data[kind] for kind in Kind.values if kind in data}
