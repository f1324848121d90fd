from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.contrib.auth.forms import PasswordChangeForm
from django.db.models import Q
from django.utils import timezone

from core.forms import DateRangeForm
from teams import audit
from teams.models import AuditEntry


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=60,
        help_text="What will use it, e.g. 'Zendesk app' or 'BI export'.",
        error_messages={"required": "Give the token a name, e.g. 'Zendesk app'."},
    )
    read_only = forms.BooleanField(
        label="Read only",
        required=False,
        help_text="It may read through the API (e.g. a BI export), never change anything.",
    )


def _audited_model_choices():
    labels = audit.audited_labels()
    named = [(label, apps.get_model(label)._meta.verbose_name.capitalize()) for label in labels]
    return [("", "Any record"), *sorted(named, key=lambda choice: choice[1])]


class AuditFilterForm(DateRangeForm):
    """Filters for the audit log page and its CSV; a field that does not validate is ignored."""

    model = forms.ChoiceField(label="Record", required=False, choices=_audited_model_choices)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditEntry.Action.choices]
    )
    actor = forms.CharField(label="Who (username)", required=False, max_length=150)
    q = forms.CharField(label="Search", required=False, max_length=100)

    def filter(self, queryset):
        values = self.valid_values()
        if values.get("model"):
            queryset = queryset.filter(model=values["model"])
        if values.get("action"):
            queryset = queryset.filter(action=values["action"])
        if values.get("actor"):
            queryset = queryset.filter(actor_name__iexact=values["actor"].strip())
        tz = timezone.get_current_timezone()
        if values.get("date_from"):
            queryset = queryset.filter(at__gte=datetime.combine(values["date_from"], time.min, tz))
        if values.get("date_to"):
            end = datetime.combine(values["date_to"] + timedelta(days=1), time.min, tz)
            queryset = queryset.filter(at__lt=end)
        if values.get("q", "").strip():
            text = values["q"].strip()
            queryset = queryset.filter(
                Q(object_repr__icontains=text)
                | Q(object_id=text)
                | Q(source__icontains=text)
                | Q(actor_name__icontains=text)
            )
        return queryset


class NewPasswordForm(PasswordChangeForm):
    """Django's password change, refusing the password the person has now: a temporary one
    set by an administrator must really be replaced."""

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and not self.errors and self.user.check_password(new):
            self.add_error(
                "new_password1", "Choose a new password: this one is the password you have now."
            )
        return cleaned
