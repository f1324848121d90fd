from django import forms
from django.utils import timezone

from core.forms import DatePicker
from qa.models import PER_AGENT_MAX, PER_AGENT_MIN, Assignment, Period
from qa.services import PER_AGENT_ERROR, SAMPLE_MAX


class AssignmentRuleForm(forms.Form):
    per_agent = forms.IntegerField(
        label="Reviews per agent",
        min_value=PER_AGENT_MIN,
        max_value=PER_AGENT_MAX,
        error_messages={
            "required": "How many reviews per agent?",
            "min_value": PER_AGENT_ERROR,
            "max_value": PER_AGENT_ERROR,
            "invalid": PER_AGENT_ERROR,
        },
    )
    period = forms.ChoiceField(label="Each", choices=Period.choices, initial=Period.WEEK)
    reviewers = forms.ModelMultipleChoiceField(
        label="Reviewers (none ticked: every supervisor of the team)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label="Active: create assignments", required=False)

    def __init__(self, *args, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = eligible
        self.fields["reviewers"].label_from_instance = lambda person: (
            person.get_full_name() or person.get_username()
        )


class ReassignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label="Give it to",
        queryset=None,
        error_messages={
            "required": "Choose who reviews it instead.",
            "invalid_choice": "Choose a supervisor of this team: only they may review it.",
        },
    )

    def __init__(self, *args, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = eligible


class SkipForm(forms.Form):
    reason = forms.CharField(
        label="Why skip it?",
        max_length=500,
        error_messages={"required": "Say why this one is skipped."},
    )


class SampleForm(forms.Form):
    per_agent = forms.IntegerField(
        label="Interactions per agent",
        min_value=1,
        max_value=SAMPLE_MAX,
        initial=2,
        error_messages={
            "required": "How many interactions per agent?",
            "min_value": "Pick at least 1 per agent.",
            "max_value": f"Pick at most {SAMPLE_MAX} per agent.",
            "invalid": f"Enter a whole number from 1 to {SAMPLE_MAX}.",
        },
    )
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    due_on = forms.DateField(
        label="Due by (empty: end of this week)",
        required=False,
        widget=DatePicker(),
        error_messages={"invalid": "Enter a date such as 2026-12-31."},
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All my teams")] + [
            (team.pk, team.name) for team in teams
        ]

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on is not None and due_on < timezone.localdate():
            raise forms.ValidationError("That due date has passed: choose today or later.")
        return due_on


class QueueForm(forms.Form):
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All my teams")] + [
            (team.pk, team.name) for team in teams
        ]


STATUS_FILTER = [("", "Any status"), *Assignment.Status.choices]
