from django import forms


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=60,
        help_text="What will use it, e.g. 'Zendesk app' or 'BI export'.",
        error_messages={"required": "Give the token a name, e.g. 'Zendesk app'."},
    )
