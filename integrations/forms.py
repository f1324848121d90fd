from django import forms

from integrations.models import Connection


class ConnectionForm(forms.ModelForm):
    """A connection's settings. The secret is never shown back: left empty, it is kept (or, for
    a new connection, made up)."""

    new_secret = forms.CharField(
        label="Signing secret",
        required=False,
        min_length=16,
        max_length=128,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="At least 16 characters. Leave empty to keep the current one (or, for a new "
        "connection, to have one made up and shown to you once).",
    )

    class Meta:
        model = Connection
        fields = ["name", "slug", "kind", "ticket_url_template", "team", "is_active"]
        labels = {
            "ticket_url_template": "Ticket address",
            "team": "Team it serves",
            "is_active": "Accept events",
        }
        help_texts = {
            "slug": "Its webhook address is /api/v1/webhooks/ followed by the slug and a slash; "
            "it cannot change later.",
            "team": "Leave empty to serve every team. Agents map only to people of this team.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].empty_label = "Every team"
        if self.instance.pk:
            self.fields["slug"].disabled = True


class MappingForm(forms.Form):
    identity = forms.CharField(
        label="Helpdesk e-mail or id",
        max_length=254,
        help_text="As the helpdesk sends it; e-mails match in any case.",
    )
    user = forms.ModelChoiceField(
        queryset=None, label="EthicsKit agent", empty_label="Pick an agent"
    )

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = agents
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.get_username()} ({user.get_username()}, "
            f"{user.membership.team})"
        )
