from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.forms import DatePicker
from teams.models import Role, Team


class AssignmentForm(forms.Form):
    """Assign a module to one of the teams the user leads (any team for admins) or to agents."""

    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    agents = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(), required=False
    )
    due_on = forms.DateField(widget=DatePicker(), label="Due on")

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


CHOOSE = "Choose one of this dilemma's responses."


class AnswerForm(forms.Form):
    """Which response was chosen: only an option of this dilemma is valid."""

    option = forms.TypedChoiceField(
        coerce=int, error_messages={"required": CHOOSE, "invalid_choice": CHOOSE}
    )

    def __init__(self, *args, dilemma, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [(o.pk, o.text) for o in dilemma.options.all()]


class ModuleForm(forms.Form):
    """One sitting of a module: a response for each of its dilemmas, named dilemma-<id>."""

    def __init__(self, *args, dilemmas, **kwargs):
        super().__init__(*args, **kwargs)
        for dilemma in dilemmas:
            message = f"Choose a response to “{dilemma.title}”."
            self.fields[f"dilemma-{dilemma.pk}"] = forms.TypedChoiceField(
                coerce=int,
                choices=[(o.pk, o.text) for o in dilemma.options.all()],
                error_messages={"required": message, "invalid_choice": message},
            )

    def answers(self) -> dict[int, int]:
        return {int(name.split("-")[1]): value for name, value in self.cleaned_data.items()}
