from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from teams.models import Role, Team


class AssignmentForm(forms.Form):
    """Assign a module to one of the teams the user leads (any team for admins) or to agents."""

    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    agents = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(), required=False
    )
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Due on")

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["agents"].queryset = (
            get_user_model()
            .objects.filter(membership__team__in=teams, groups__name=Role.AGENT, is_active=True)
            .order_by("username")
            .distinct()
        )
        self.fields["agents"].label_from_instance = lambda u: u.get_full_name() or u.username
        if not self.is_bound:
            self.initial.setdefault("due_on", timezone.localdate() + timezone.timedelta(days=14))

    def clean(self):
        data = super().clean()
        if bool(data.get("team")) == bool(data.get("agents")):
            raise forms.ValidationError("Choose a team or some agents (not both).")
        return data


class VerifyForm(forms.Form):
    code = forms.CharField(max_length=40, label="Verification code")
