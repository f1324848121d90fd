from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from core.privacy import validate_no_personal_data
from rubrics.models import RATING_MAX, RATING_MIN, Interaction
from teams.models import Role

# The newest interactions offered when opening a session; older ones by id through the API.
INTERACTION_CHOICES = 100


def leaders():
    return (
        get_user_model()
        .objects.filter(Q(groups__name__in=[Role.SUPERVISOR, Role.ADMIN]) | Q(is_superuser=True))
        .filter(is_active=True)
        .distinct()
        .order_by("username")
    )


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class SessionForm(forms.Form):
    interactions = forms.ModelMultipleChoiceField(
        queryset=Interaction.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Interactions of the teams you lead. Participants see the ticket, topic and "
        "summary, never the agent's own score.",
    )
    participants = PersonChoice(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Supervisors and admins; at least two. Include yourself to score too.",
    )
    benchmark = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="None: compare with the median",
        help_text="Optional: a participant whose ratings are the reference.",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    deadline = forms.DateTimeField(
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
        ),
        help_text="The session is revealed when everyone has scored, or at this time.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        recent = Interaction.objects.led_by(user).select_related("team").order_by("-occurred_at")
        ids = list(recent.values_list("pk", flat=True)[:INTERACTION_CHOICES])
        self.fields["interactions"].queryset = recent.filter(pk__in=ids)
        self.fields["interactions"].label_from_instance = lambda each: (
            f"{each.reference} · {each.topic} · {each.team} · {each.occurred_at:%d %b %Y}"
        )
        self.fields["participants"].queryset = leaders()
        self.fields["benchmark"].queryset = leaders()


class AgreeForm(forms.Form):
    interaction = forms.IntegerField(widget=forms.HiddenInput)
    criterion = forms.SlugField(widget=forms.HiddenInput)
    value = forms.IntegerField(min_value=RATING_MIN, max_value=RATING_MAX, label="Agreed rating")
    note = forms.CharField(
        max_length=1000,
        validators=[validate_no_personal_data],
        label="Why (shown as a worked example)",
    )
