from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from checklists.models import (
    Answer,
    Checklist,
    Concern,
    RiskLevel,
)
from checklists.services import FOREIGN_ANSWERS
from core.privacy import validate_no_personal_data
from core.views import int_or_none
from rubrics.models import Interaction, RootCause

NOTE_MAX_LENGTH = 1000
RECENT_INTERACTIONS = 50
SEARCH_MAX_LENGTH = 100


def _free_text(
    label: str, *, max_length: int, required: bool = True, rows: int = 3, **kwargs
) -> forms.CharField:
    """A text area that, like every free-text field here, refuses customers' contact details."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class ItemAnswersForm(forms.Form):
    """A choice and a note per item of a checklist; refuses answers for any other item.

    Subclasses say what the choice is (`choice_prefix`, `choices`) and whether a note is required.
    """

    choice_prefix = "answer"
    choices: list[tuple[str, str]] = []
    notes_required = False

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"{self.choice_prefix}_{item.id}"] = forms.ChoiceField(
                label=item.title,
                choices=self.choices,
                widget=forms.RadioSelect,
                error_messages={"required": self.required_message(item)},
            )
            self.fields[f"note_{item.id}"] = _free_text(
                f"Note on {item.title}",
                max_length=NOTE_MAX_LENGTH,
                required=self.notes_required,
                rows=2,
            )
            if self.notes_required:
                self.fields[f"note_{item.id}"].error_messages["required"] = (
                    f"Add a note for “{item.title}”."
                )

    def required_message(self, item) -> str:
        return f"Answer “{item.title}”."

    def item_rows(self):
        """(item, choice bound field, note bound field) for the template."""
        return [
            (item, self[f"{self.choice_prefix}_{item.id}"], self[f"note_{item.id}"])
            for item in self.items
        ]

    def clean(self):
        cleaned = super().clean()
        known = {str(item.id) for item in self.items}
        for key in self.data:
            prefix, _, item_id = key.partition("_")
            if prefix in {self.choice_prefix, "note"} and item_id and item_id not in known:
                raise forms.ValidationError(FOREIGN_ANSWERS)
        return cleaned

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            item.id: (
                self.cleaned_data.get(f"{self.choice_prefix}_{item.id}"),
                self.cleaned_data.get(f"note_{item.id}") or "",
            )
            for item in self.items
        }


def interaction_label(interaction: Interaction) -> str:
    """How a picker names an interaction: "ZD-4821 · Refund delay · 5 Dec 2026"."""
    day = date_format(timezone.localtime(interaction.occurred_at), "j M Y")
    return f"{interaction.reference} · {interaction.topic} · {day}"


class InteractionSearchForm(forms.Form):
    """The run form's search box: narrows the interactions it offers (GET ?q=)."""

    q = forms.CharField(
        label="Find an older interaction",
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text="Part of its ticket id or topic, e.g. ZD-4821 or refund.",
        error_messages={
            "max_length": "Search for at most %(limit_value)d characters: a ticket id or a word "
            "of the topic is enough.",
            "null_characters_not_allowed": "Search words cannot contain a NUL character.",
        },
    )

    def search(self) -> str:
        """The words to look for, or "" when there are none or they cannot be used."""
        return self.cleaned_data["q"] if self.is_valid() else ""


class ChecklistRunForm(ItemAnswersForm):
    choices = Answer.choices

    interaction = forms.ModelChoiceField(
        queryset=Interaction.objects.none(),
        required=False,
        label="Interaction (optional)",
        help_text="The interaction you are checking, if it is recorded already. Leave it empty to "
        "check before you act, and attach the run when you score the call.",
    )
    ticket_reference = forms.CharField(
        label="Ticket or case id (optional)",
        max_length=64,
        required=False,
        validators=[validate_no_personal_data],
        help_text="The ticket you are about to handle, e.g. ZD-4821: scoring that ticket then "
        "offers this run to attach.",
    )
    policy_change = forms.CharField(
        label="Policy change or request",
        max_length=200,
        required=False,
        validators=[validate_no_personal_data],
        help_text="Name it so the run can be found later, e.g. 'New refund window for annual plans'.",
    )

    def __init__(self, *args, checklist: Checklist, user, search: str = "", **kwargs):
        super().__init__(*args, items=checklist.items.filter(is_active=True), **kwargs)
        self.checklist = checklist
        self.search = search
        # For the picker's help text: how many the search (or the recent list) offers, and
        # whether it left some out.
        self.interactions_found = 0
        self.more_interactions = False
        if checklist.kind == Checklist.Kind.INTERACTION:
            del self.fields["policy_change"]
            visible = Interaction.objects.visible_to(user)
            field = self.fields["interaction"]
            field.queryset = visible
            field.error_messages["invalid_choice"] = "Choose one of the interactions you can see."
            field.widget.choices = [("", "None yet: I am checking before I act")] + [
                (interaction.pk, interaction_label(interaction))
                for interaction in self._offered_interactions(visible)
            ]
        else:
            del self.fields["interaction"]
            del self.fields["ticket_reference"]
            self.fields["policy_change"].required = True
            self.fields["policy_change"].error_messages["required"] = (
                "Name the policy change or request this run is about."
            )

    def _offered_interactions(self, visible) -> list[Interaction]:
        """Anyone may pick any interaction they can see; the list offers the most recent ones,
        those matching the search if there is one, and always the one already chosen.

        Two queries at most, however many interactions there are.
        """
        offered = visible.order_by("-occurred_at", "-id")
        if self.search:
            offered = offered.filter(
                Q(reference__icontains=self.search) | Q(topic__icontains=self.search)
            )
        recent = list(offered[: RECENT_INTERACTIONS + 1])
        self.more_interactions = len(recent) > RECENT_INTERACTIONS
        recent = recent[:RECENT_INTERACTIONS]
        self.interactions_found = len(recent)
        chosen = self._chosen_interaction(visible, recent)
        if chosen is not None and chosen not in recent:
            recent.insert(0, chosen)
        return recent

    def _chosen_interaction(self, visible, offered) -> Interaction | None:
        """The interaction posted, or preselected by the view, if the list would leave it out."""
        if self.is_bound:
            chosen = self.data.get(self.add_prefix("interaction"))
        else:
            chosen = self.initial.get("interaction")
        if chosen is None or isinstance(chosen, Interaction):
            return chosen
        pk = int_or_none(chosen)
        if pk is None or pk in {interaction.pk for interaction in offered}:
            return None
        return visible.filter(pk=pk).first()

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            answer = cleaned.get(f"answer_{item.id}")
            note = (cleaned.get(f"note_{item.id}") or "").strip()
            if answer == Answer.NO and not note and f"note_{item.id}" not in self.errors:
                self.add_error(
                    f"note_{item.id}",
                    f"You answered no to “{item.title}”: add a note on what happened or what "
                    "you will do about it.",
                )
        return cleaned


class ServiceChangeForm(ItemAnswersForm):
    choice_prefix = "risk"
    choices = RiskLevel.choices
    notes_required = True

    title = forms.CharField(
        label="Proposed change",
        max_length=160,
        validators=[validate_no_personal_data],
        help_text="A short name, e.g. 'Close the phone line on Sundays'.",
    )
    description = _free_text("What would change, for whom and when", max_length=3000, rows=4)

    def required_message(self, item) -> str:
        return f"Rate the risk for “{item.title}”: low, medium or high."


class ServiceChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("approve", "Approve"),
            ("revise", "Send back for revision"),
            ("reject", "Reject"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve, revise or reject."},
    )
    note = _free_text(
        "Reasons and conditions",
        max_length=2000,
        required=False,
        help_text="Required to send back or reject: say what must change or why.",
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision in {"revise", "reject"} and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Say what needs to change, or why the change is rejected.")
        return cleaned


# Field names a concern form must never carry: the reporter comes from the session or not at all.
IDENTITY_FIELDS = {"reporter", "reporter_id", "user", "user_id", "username", "author"}


class AttachRunForm(forms.Form):
    """Attach a run made before acting to one of the runner's own interactions."""

    interaction = forms.ModelChoiceField(
        queryset=Interaction.objects.none(),
        label="Attach to the interaction",
        error_messages={
            "required": "Choose the interaction to attach this run to.",
            "invalid_choice": "Choose one of your own interactions.",
        },
    )

    def __init__(self, *args, user, reference: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        own = Interaction.objects.filter(agent=user)
        field = self.fields["interaction"]
        field.queryset = own
        recent = list(own.order_by("-occurred_at", "-id")[:RECENT_INTERACTIONS])
        # The ticket named on the run first, when it has been scored.
        recent.sort(key=lambda each: each.reference.casefold() != reference.casefold())
        field.widget.choices = [("", "Choose an interaction")] + [
            (interaction.pk, interaction_label(interaction)) for interaction in recent
        ]
        if not self.is_bound and reference:
            match = next(
                (each for each in recent if each.reference.casefold() == reference.casefold()), None
            )
            if match is not None:
                self.initial["interaction"] = match.pk


class ConcernForm(forms.Form):
    category = forms.ChoiceField(
        label="What are you reporting?",
        choices=Concern.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of concern this is."},
    )
    description = _free_text(
        "What happened?",
        max_length=4000,
        rows=6,
        help_text="When and where, what you saw or were offered, and who else knows. "
        "Use ticket ids rather than customers' contact details.",
        error_messages={"required": "Describe what happened."},
    )
    anonymous = forms.BooleanField(
        label="Report anonymously",
        required=False,
        help_text="Nothing that identifies you is stored, so you will not be able to follow "
        "this report's progress and nobody can ask you for more details.",
    )

    def clean(self):
        cleaned = super().clean()
        if IDENTITY_FIELDS & set(self.data):
            raise forms.ValidationError(
                "This report carried a user id, which this form never accepts. Nothing was "
                "saved: reload the page and send the report again from the form."
            )
        return cleaned


class ProofPlanTaskForm(forms.Form):
    done = forms.BooleanField(label="Done", required=False)
    notes = _free_text("Notes", max_length=3000, required=False, rows=2)


class AnswerRootCausesForm(forms.Form):
    """The runner's root causes for each "no" of a run: a field `root_causes_<answer id>` each."""

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.no_answers = [answer for answer in answers if answer.answer == Answer.NO]
        # One query for the choices of every field, however many "no" answers there are.
        offered = [(cause.pk, cause.name) for cause in RootCause.objects.active()]
        for answer in self.no_answers:
            self.fields[f"root_causes_{answer.pk}"] = forms.ModelMultipleChoiceField(
                label=f"Root causes of the no to “{answer.item_title}”",
                queryset=RootCause.objects.active(),
                required=False,
                initial=[tag.pk for tag in answer.root_causes.all()],
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                help_text="What lay behind it, if anything on the list fits.",
            )
            self.fields[f"root_causes_{answer.pk}"].choices = offered

    def rows(self):
        return [(answer, self[f"root_causes_{answer.pk}"]) for answer in self.no_answers]

    def chosen(self) -> dict[int, list]:
        return {
            answer.pk: list(self.cleaned_data[f"root_causes_{answer.pk}"])
            for answer in self.no_answers
        }
