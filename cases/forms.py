from django import forms
from django.contrib.auth import get_user_model

from cases.models import Case, CaseMessage
from checklists.forms import ConcernForm, _free_text
from checklists.models import DecisionRecord
from rubrics.models import RootCause
from teams.models import COMPLIANCE_GROUP, Role


class CaseConcernForm(ConcernForm):
    """The concern form, with where the report goes."""

    about_supervisor = forms.BooleanField(
        label="This concerns my supervisor",
        required=False,
        help_text="The report then goes to compliance, never to your supervisor.",
    )
    to_compliance = forms.BooleanField(
        label="Send to compliance instead",
        required=False,
        help_text="Gifts and abusive customers go to your team's supervisors, who then learn "
        "which team the report comes from, even when it is anonymous. Tick this to send it to "
        "compliance instead.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anonymous"].help_text = (
            "Nothing that identifies you is stored. You get a receipt code, shown once: with it "
            "you can follow the report and answer questions at /concerns/follow-up/."
        )


class BootstrapForm(forms.Form):
    """Fields as wide as their card, so the case page fits a phone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"


class CaseMessageForm(BootstrapForm):
    kind = forms.ChoiceField(
        choices=[
            (CaseMessage.Kind.QUESTION, "Question to the reporter"),
            (CaseMessage.Kind.REPLY, "Reply to the reporter"),
            (CaseMessage.Kind.NOTE, "Internal note (the reporter never sees it)"),
        ]
    )
    text = _free_text("Message", max_length=4000, rows=3)


class CaseStatusForm(BootstrapForm):
    status = forms.ChoiceField(
        choices=[
            (value, label) for value, label in Case.Status.choices if value != Case.Status.RECEIVED
        ]
    )
    outcome = _free_text(
        "Outcome", max_length=4000, required=False, help_text="Required to close the case."
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class CaseReassignForm(BootstrapForm):
    owner = OwnerChoiceField(
        queryset=get_user_model()
        .objects.filter(
            is_active=True, groups__name__in=[Role.SUPERVISOR, Role.ADMIN, COMPLIANCE_GROUP]
        )
        .distinct()
        .order_by("username"),
        label="New owner",
    )


class FollowUpForm(forms.Form):
    code = forms.CharField(label="Receipt code", max_length=40)
    kind = forms.ChoiceField(
        required=False,
        choices=[
            (CaseMessage.Kind.ANSWER, "Answer a question"),
            (CaseMessage.Kind.INFORMATION, "Add information"),
        ],
    )
    text = _free_text("Your message", max_length=4000, required=False, rows=4)


class RootCauseForm(forms.Form):
    """The root causes a case owner puts on a case (see the dashboards' top root causes)."""

    root_causes = forms.ModelMultipleChoiceField(
        label="Root causes",
        queryset=RootCause.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="What lay behind it; tick none if nothing on the list fits.",
    )


class CaseDecisionForm(forms.Form):
    """Link a decision record (the decision framework's) to the case it decided."""

    decision = forms.ModelChoiceField(
        label="Decision record",
        queryset=DecisionRecord.objects.none(),
        error_messages={"invalid_choice": "Choose one of the decision records you can see."},
        help_text="Record the decision first with the decision framework, then link it here.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = DecisionRecord.objects.visible_to(user)
        self.fields["decision"].queryset = visible
        self.fields["decision"].widget.attrs["class"] = "form-select"
        self.fields["decision"].widget.choices = [("", "Choose a decision")] + [
            (record.pk, f"{record.created_at:%d %b %Y}: {record}")
            for record in visible.order_by("-created_at")[:50]
        ]
