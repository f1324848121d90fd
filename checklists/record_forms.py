"""Forms for triage requests and decision records (checklists/records.py)."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from checklists.forms import RECENT_INTERACTIONS, _free_text, interaction_label
from checklists.models import DecisionRecord, Level, TriageRequest
from core.forms import DatePicker
from core.views import int_or_none
from rubrics.models import Interaction


class TriageRequestForm(forms.ModelForm):
    class Meta:
        model = TriageRequest
        fields = ["description", "reference", "topic", "ethical_risk", "business_impact"]
        labels = {
            "description": "What is the customer asking for?",
            "topic": "Kind of request",
            "ethical_risk": "Ethical risk",
            "business_impact": "Business impact",
        }
        help_texts = {
            "reference": "Optional: the helpdesk ticket or case id, e.g. ZD-4821.",
            "ethical_risk": "High if getting it wrong could harm the customer, break the law "
            "or breach policy.",
            "business_impact": "High if it affects revenue, many customers or the company's "
            "reputation.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "ethical_risk": forms.RadioSelect,
            "business_impact": forms.RadioSelect,
        }
        error_messages = {
            "ethical_risk": {"required": "Choose the ethical risk: high or low."},
            "business_impact": {"required": "Choose the business impact: high or low."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A ModelForm offers a blank choice for a radio list; the matrix has only two rows.
        for name in ["ethical_risk", "business_impact"]:
            self.fields[name].choices = Level.choices
        # "Something else" is the blank choice itself.
        self.fields["topic"].choices = TriageRequest.Topic.choices
        self.fields["topic"].help_text = "Discount requests are counted on their playbook's page."


class OutcomeForm(forms.Form):
    outcome = _free_text(
        "Outcome",
        max_length=2000,
        error_messages={"required": "Describe the outcome before resolving the request."},
    )
    handling = forms.ChoiceField(
        label="How was it handled?",
        choices=TriageRequest.Handling.choices,
        required=False,
        help_text="Playbooks count requests declined with the script and those escalated.",
    )


class DecisionRecordForm(forms.ModelForm):
    """All six steps on one page, so a record is saved whole or not at all."""

    # Which fields belong to which step of the framework, in order.
    STEP_FIELDS = [
        ["issue", "values_at_stake"],
        ["facts", "policies"],
        ["alternatives"],
        ["consequences"],
        ["decision"],
        ["actions", "follow_up_on"],
    ]

    class Meta:
        model = DecisionRecord
        fields = [
            "issue",
            "values_at_stake",
            "facts",
            "policies",
            "alternatives",
            "consequences",
            "decision",
            "actions",
            "follow_up_on",
        ]
        labels = {
            "issue": "The issue",
            "values_at_stake": "Values at stake",
            "facts": "The facts",
            "policies": "Policies and regulations that apply",
            "alternatives": "The options open to you",
            "consequences": "What each option would lead to",
            "decision": "Your decision and why",
            "actions": "What you will do",
            "follow_up_on": "Follow-up date",
        }
        help_texts = {
            "follow_up_on": "When you will check how it turned out.",
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in [
                "issue",
                "values_at_stake",
                "facts",
                "policies",
                "alternatives",
                "consequences",
                "decision",
                "actions",
            ]
        } | {"follow_up_on": DatePicker()}

    interaction = forms.ModelChoiceField(
        label="The interaction it decided (optional)",
        queryset=Interaction.objects.none(),
        required=False,
    )
    triage_request = forms.ModelChoiceField(
        label="The triage request it decided (optional)",
        queryset=TriageRequest.objects.none(),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Any the person can see is accepted; the list offers the most recent ones and the one
        # the page was opened from (?interaction= or ?triage=).
        interactions = Interaction.objects.visible_to(user)
        requests = TriageRequest.objects.visible_to(user)
        self.fields["interaction"].queryset = interactions
        self.fields["triage_request"].queryset = requests
        chosen_interaction = int_or_none(self.initial.get("interaction"))
        chosen_request = int_or_none(self.initial.get("triage_request"))
        recent = interactions.filter(
            Q(pk=chosen_interaction)
            | Q(pk__in=interactions.order_by("-occurred_at").values("pk")[:RECENT_INTERACTIONS])
        ).order_by("-occurred_at")
        self.fields["interaction"].widget.choices = [("", "None")] + [
            (interaction.pk, interaction_label(interaction)) for interaction in recent
        ]
        open_requests = requests.filter(
            Q(pk=chosen_request)
            | Q(pk__in=requests.order_by("-created_at").values("pk")[:RECENT_INTERACTIONS])
        ).order_by("-created_at")
        self.fields["triage_request"].widget.choices = [("", "None")] + [
            (triaged.pk, triaged.description[:80]) for triaged in open_requests
        ]

    def clean_follow_up_on(self):
        follow_up_on = self.cleaned_data["follow_up_on"]
        if follow_up_on < timezone.localdate():
            raise forms.ValidationError("The follow-up date cannot be in the past.")
        return follow_up_on

    def steps(self, decision_steps):
        """(step, [bound fields]) pairs: each framework step with the fields that answer it."""
        return [
            (step, [self[name] for name in names])
            for step, names in zip(decision_steps, self.STEP_FIELDS, strict=False)
        ]


class FollowUpForm(forms.Form):
    note = _free_text(
        "How did it turn out?",
        max_length=2000,
        error_messages={"required": "Say how the decision turned out."},
    )
