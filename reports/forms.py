from django import forms

from core.forms import DateRangeForm
from rubrics.models import Channel


class DashboardFilterForm(DateRangeForm):
    # Plain numbers here: whether a team or agent is the viewer's to pick is an access rule,
    # answered with a 404 by the view, not a form error.
    team = forms.IntegerField(label="Team", required=False, widget=forms.Select)
    agent = forms.IntegerField(label="Agent", required=False, widget=forms.Select)
    # Interactions from one helpdesk connection (integrations), by slug.
    connection = forms.ChoiceField(label="Helpdesk", required=False, choices=[])
    channel = forms.ChoiceField(
        label="Channel", required=False, choices=[("", "Every channel"), *Channel.choices]
    )
    topic = forms.CharField(label="Topic contains", required=False, max_length=120, strip=True)
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
        self.order_fields(
            ["team", "agent", "channel", "topic", "connection", "date_from", "date_to", "threshold"]
        )

    def set_connection_choices(self, connections) -> None:
        """The helpdesk connections the viewer may pick (by slug); no field when there are none."""
        if not connections:
            del self.fields["connection"]
            return
        self.fields["connection"].choices = [("", "Every source")] + [
            (connection.slug, connection.name) for connection in connections
        ]

    def set_choices(self, *, teams, agents) -> None:
        self.fields["team"].widget.choices = [("", "All my teams")] + [
            (team.pk, team.name) for team in teams
        ]
        self.fields["agent"].widget.choices = [("", "Everyone")] + [
            (agent.pk, agent.get_full_name() or agent.get_username()) for agent in agents
        ]
