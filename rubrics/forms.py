from django import forms

from core.privacy import validate_no_personal_data
from rubrics.models import (
    RATING_MAX,
    RATING_MIN,
    Interaction,
    RootCause,
    Rubric,
    is_low_rating,
    low_rating_comment_error,
    validate_occurred_at,
)
from rubrics.worked_examples import attach_worked_examples

NOT_APPLICABLE = "na"
COMMENT_MAX_LENGTH = 1000


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["occurred_at", "channel", "reference", "topic", "summary", "review_requested"]
        labels = {
            "occurred_at": "When did it happen?",
            "reference": "Ticket or case id",
            "review_requested": "Please review this one",
        }
        help_texts = {
            "review_requested": "Your supervisor sees that you asked, not your score, and can "
            "take it first.",
            "reference": "The helpdesk ticket or case id, e.g. ZD-4821. No names, e-mails or phone numbers.",
            "summary": "A line or two on what happened. Leave out customers' personal details.",
        }
        error_messages = {
            name: {
                "max_length": f"Keep the {name} to %(limit_value)d characters or fewer: "
                "this one has %(show_value)d.",
            }
            for name in ("topic", "summary")
        }
        widgets = {
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._count_instead_of_cutting("topic")
        self._count_instead_of_cutting("summary")

    def _count_instead_of_cutting(self, name):
        """A text field whose limit is said and counted (js/character_count.js), never enforced
        by the browser: a maxlength drops what is typed or pasted past the limit unseen, so a
        longer text reaches the server whole and is refused with the field's error."""
        field = self.fields[name]
        field.widget.attrs.pop("maxlength", None)
        field.widget.attrs["data-character-limit"] = str(field.max_length)
        field.help_text = f"{field.help_text} Up to {field.max_length} characters.".strip()

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        validate_occurred_at(occurred_at)
        return occurred_at


class RecordInteractionForm(InteractionForm):
    """A supervisor records an interaction of one of their agents, to review it next."""

    agent = forms.ChoiceField(
        label="Agent",
        error_messages={
            "required": "Choose the agent who handled the interaction.",
            "invalid_choice": "Choose one of the agents of the teams you review.",
        },
    )

    # Not a model field here: the service looks the agent up among the recorder's own.
    class Meta(InteractionForm.Meta):
        fields = ["occurred_at", "channel", "reference", "topic", "summary"]

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = [("", "Choose an agent")] + [
            (
                agent.get_username(),
                f"{agent.get_full_name() or agent.get_username()} ({agent.membership.team.name})",
            )
            for agent in agents
        ]
        self.order_fields(["agent", *self.Meta.fields])
        self.fields["summary"].help_text = (
            "What happened, in a line or two, as you heard or read it. Leave out customers' "
            f"personal details. Up to {self.fields['summary'].max_length} characters."
        )


class RubricRatingForm(forms.Form):
    """One radio group and one comment per criterion of a given rubric version."""

    rubric_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rubric: Rubric, initial_ratings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        self.criteria = list(rubric.criteria.all())
        self.fields["rubric_version"].initial = rubric.version
        initial_ratings = initial_ratings or {}
        for criterion in self.criteria:
            choices = [(str(level), f"{level}") for level in range(RATING_MIN, RATING_MAX + 1)]
            if criterion.allows_na:
                choices.append((NOT_APPLICABLE, "N/A"))
            rating_field = forms.ChoiceField(
                label=criterion.name,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Rate {criterion.name} from 1 to 5."},
            )
            comment_field = forms.CharField(
                label=f"Comment on {criterion.name}",
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                validators=[validate_no_personal_data],
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if criterion.key in initial_ratings:
                value, comment = initial_ratings[criterion.key]
                rating_field.initial = NOT_APPLICABLE if value is None else str(value)
                comment_field.initial = comment
            self.fields[f"rating_{criterion.key}"] = rating_field
            self.fields[f"comment_{criterion.key}"] = comment_field

    def low_levels(self) -> list[int]:
        """The ratings that need a comment, for the label that says so."""
        return [level for level in range(RATING_MIN, RATING_MAX + 1) if is_low_rating(level)]

    def low_rating_messages(self) -> dict[str, dict[str, str]]:
        """What each low rating of each criterion needs, in the words of the error a missing
        comment gets: the page's script shows it beside the comment as soon as one is picked."""
        return {
            criterion.key: {
                str(level): low_rating_comment_error(criterion.name, level)
                for level in self.low_levels()
            }
            for criterion in self.criteria
        }

    def criterion_rows(self):
        """(criterion, rating bound field, comment bound field) for the template, each criterion
        with its worked examples (read only when the form is shown)."""
        if not hasattr(self, "_examples_attached"):
            attach_worked_examples(self.criteria)
            self._examples_attached = True
        return [
            (criterion, self[f"rating_{criterion.key}"], self[f"comment_{criterion.key}"])
            for criterion in self.criteria
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rubric_version") != self.rubric.version:
            # A hidden field's own error would not be shown, so report it on the form.
            self.errors.pop("rubric_version", None)
            raise forms.ValidationError(
                "The rubric changed while you were scoring. Check the criteria below and submit again."
            )
        ratings = self.ratings()
        if ratings and all(value is None for value in ratings.values()):
            raise forms.ValidationError("Rate at least one criterion: everything can't be N/A.")
        for criterion in self.criteria:
            value = ratings.get(criterion.key)
            comment = (cleaned.get(f"comment_{criterion.key}") or "").strip()
            if (
                is_low_rating(value)
                and not comment
                and f"comment_{criterion.key}" not in self.errors
            ):
                self.add_error(
                    f"comment_{criterion.key}", low_rating_comment_error(criterion.name, value)
                )
        return cleaned

    def ratings(self) -> dict[str, int | None]:
        """The valid ratings so far, keyed by criterion key (None = N/A)."""
        data = getattr(self, "cleaned_data", {})
        ratings = {}
        for criterion in self.criteria:
            raw = data.get(f"rating_{criterion.key}")
            if raw is None or raw == "":
                continue
            ratings[criterion.key] = None if raw == NOT_APPLICABLE else int(raw)
        return ratings

    def comments(self) -> dict[str, str]:
        return {
            criterion.key: (self.cleaned_data.get(f"comment_{criterion.key}") or "").strip()
            for criterion in self.criteria
        }


class RevisionReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why are you correcting this score?",
        max_length=1000,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why you are correcting this score."},
    )


class ReviewForm(RubricRatingForm):
    """The supervisor's blind review: the rubric's ratings plus an overall note."""

    comment = forms.CharField(
        label="Overall note (optional)",
        required=False,
        max_length=2000,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "You can add coaching once your review is saved, beside the agent's own score "
            "if they gave one."
        ),
    )
    root_causes = forms.ModelMultipleChoiceField(
        label="Root causes (optional)",
        queryset=RootCause.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="What lay behind what went wrong, if anything did; the dashboards count them.",
    )


class CoachingCommentForm(forms.Form):
    body = forms.CharField(
        label="Coaching comment",
        max_length=2000,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the coaching comment first."},
        help_text="What went well, and one thing to try next time.",
    )


def _rating_choices(blank_label: str):
    return [("", blank_label)] + [
        (str(level), str(level)) for level in range(RATING_MIN, RATING_MAX + 1)
    ]


class DisputeForm(forms.Form):
    """Pick the criteria you disagree with and the rating you think fair; say why."""

    reason = forms.CharField(
        label="Why do you disagree?",
        max_length=2000,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why you disagree with the review."},
    )

    def __init__(self, *args, review_ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.review_ratings = list(review_ratings)
        for rating in self.review_ratings:
            current = "N/A" if rating.value is None else rating.value
            self.fields[f"propose_{rating.criterion.key}"] = forms.TypedChoiceField(
                label=f"{rating.criterion.name} (reviewed: {current})",
                choices=_rating_choices("Keep as reviewed"),
                coerce=int,
                empty_value=None,
                required=False,
            )

    def rows(self):
        return [(rating, self[f"propose_{rating.criterion.key}"]) for rating in self.review_ratings]

    def proposed(self) -> dict[str, int]:
        return {
            rating.criterion.key: self.cleaned_data[f"propose_{rating.criterion.key}"]
            for rating in self.review_ratings
            if self.cleaned_data.get(f"propose_{rating.criterion.key}") is not None
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.proposed():
            raise forms.ValidationError(
                "Choose a new rating for at least one criterion you disagree with."
            )
        return cleaned


class DisputeResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("accepted", "Accept: use the agent's proposed ratings"),
            ("partly_accepted", "Partly accept: use the new ratings I chose in the table above"),
            ("rejected", "Reject: keep the review as it is"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose accept, partly accept or reject."},
    )
    reason = forms.CharField(
        label="Reason (the agent will read it)",
        max_length=2000,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why you decided this way; the agent will read it."},
    )

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(dispute.items.all())
        self.out_of_range = {}
        for item in self.items:
            (low, _), (high, _) = item.partial_range()
            self.out_of_range[item.criterion.key] = item.partial_range_error()
            self.fields[f"final_{item.criterion.key}"] = forms.TypedChoiceField(
                label=f"{item.criterion.name}: new rating",
                choices=[("", "—")] + [(str(level), str(level)) for level in range(low, high + 1)],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": self.out_of_range[item.criterion.key]},
            )

    def rows(self):
        return [(item, self[f"final_{item.criterion.key}"]) for item in self.items]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "partly_accepted":
            for item in self.items:
                name = f"final_{item.criterion.key}"
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, self.out_of_range[item.criterion.key])
        return cleaned

    def ratings(self) -> dict[str, int | None]:
        return {
            item.criterion.key: self.cleaned_data.get(f"final_{item.criterion.key}")
            for item in self.items
        }
