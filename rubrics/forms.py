from datetime import date, timedelta

from django import forms
from django.utils import timezone

from rubrics.models import RATING_MAX, RATING_MIN, Interaction, Rubric, validate_occurred_at
from rubrics.privacy import validate_no_personal_data

NOT_APPLICABLE = "na"
COMMENT_MAX_LENGTH = 1000


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["occurred_at", "channel", "reference", "topic", "summary"]
        labels = {
            "occurred_at": "When did it happen?",
            "reference": "Ticket or case id",
        }
        help_texts = {
            "reference": "The helpdesk ticket or case id, e.g. ZD-4821. No names, e-mails or phone numbers.",
            "summary": "A line or two on what happened. Leave out customers' personal details.",
        }
        widgets = {
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        validate_occurred_at(occurred_at)
        return occurred_at


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

    def criterion_rows(self):
        """(criterion, rating bound field, comment bound field) for the template."""
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
                value is not None
                and value <= 2
                and not comment
                and f"comment_{criterion.key}" not in self.errors
            ):
                self.add_error(
                    f"comment_{criterion.key}",
                    f"Say briefly why {criterion.name} is rated {value}: a 1 or 2 needs a comment.",
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


EARLIEST_DATE = date(2000, 1, 1)


class DateRangeForm(forms.Form):
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def _check_bounds(self, value):
        latest = timezone.localdate() + timedelta(days=366)
        if value is not None and not EARLIEST_DATE <= value <= latest:
            raise forms.ValidationError(
                f"Pick a date between {EARLIEST_DATE:%-d %b %Y} and {latest:%-d %b %Y}."
            )
        return value

    def clean_date_from(self):
        return self._check_bounds(self.cleaned_data.get("date_from"))

    def clean_date_to(self):
        return self._check_bounds(self.cleaned_data.get("date_to"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned

    def valid_values(self) -> dict:
        """The fields that passed, even when others did not; both dates go if they clash."""
        if not self.is_bound:
            return {}
        self.is_valid()
        values = dict(self.cleaned_data)
        if self.non_field_errors():
            values.pop("date_from", None)
            values.pop("date_to", None)
        return values


class ReviewForm(RubricRatingForm):
    """The supervisor's blind review: the rubric's ratings plus an overall note."""

    comment = forms.CharField(
        label="Overall note (optional)",
        required=False,
        max_length=2000,
        validators=[validate_no_personal_data],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="You can add coaching after you see the self-score beside yours.",
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
            ("partly_accepted", "Partly accept: use the ratings I set below"),
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
        for item in self.items:
            self.fields[f"final_{item.criterion.key}"] = forms.TypedChoiceField(
                label=f"{item.criterion.name}: new rating",
                choices=_rating_choices("—"),
                coerce=int,
                empty_value=None,
                required=False,
            )

    def rows(self):
        return [(item, self[f"final_{item.criterion.key}"]) for item in self.items]

    def ratings(self) -> dict[str, int | None]:
        return {
            item.criterion.key: self.cleaned_data.get(f"final_{item.criterion.key}")
            for item in self.items
        }


class DashboardFilterForm(DateRangeForm):
    # Plain numbers here: whether a team or agent is the viewer's to pick is an access rule,
    # answered with a 404 by the view, not a form error.
    team = forms.IntegerField(label="Team", required=False, widget=forms.Select)
    agent = forms.IntegerField(label="Agent", required=False, widget=forms.Select)
    threshold = forms.DecimalField(
        label="Alert below (%)",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text="Agents whose average is under this are listed.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["team", "agent", "date_from", "date_to", "threshold"])

    def set_choices(self, *, teams, agents) -> None:
        self.fields["team"].widget.choices = [("", "All my teams")] + [
            (team.pk, team.name) for team in teams
        ]
        self.fields["agent"].widget.choices = [("", "Everyone")] + [
            (agent.pk, agent.get_full_name() or agent.get_username()) for agent in agents
        ]


class ReviewQueueForm(forms.Form):
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(
        label="Sort",
        required=False,
        choices=[
            ("flagged", "Flagged first"),
            ("lowest", "Lowest self-score first"),
            ("oldest", "Oldest first"),
        ],
    )
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("all", "All unreviewed"), ("sampled", "Sampled for review")],
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All my teams")] + [
            (team.pk, team.name) for team in teams
        ]


class SampleForm(forms.Form):
    per_agent = forms.IntegerField(
        label="Interactions per agent",
        min_value=1,
        max_value=20,
        initial=2,
        error_messages={
            "required": "How many interactions per agent?",
            "min_value": "Pick at least 1 per agent.",
            "max_value": "Pick at most 20 per agent.",
            "invalid": "Enter a whole number from 1 to 20.",
        },
    )
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All my teams")] + [
            (team.pk, team.name) for team in teams
        ]
