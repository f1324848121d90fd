"""The upload form of a file import: the connection, the file and which column holds what."""

from django import forms

from integrations.import_models import ColumnMapping

# The columns a helpdesk export usually names, offered before a mapping is saved.
DEFAULT_COLUMNS = {
    "ticket_id": "ticket_id",
    "agent": "agent",
    "channel": "channel",
    "solved_at": "solved_at",
    "topic": "topic",
}
COLUMN_LABELS = {
    "ticket_id": "Column of the ticket id",
    "agent": "Column of the agent (their helpdesk e-mail or id)",
    "channel": "Column of the channel",
    "solved_at": "Column of the time it was solved",
    "topic": "Column of the topic (optional)",
}


class ImportUploadForm(forms.Form):
    connection = forms.ModelChoiceField(queryset=None, empty_label=None)
    file = forms.FileField(
        label="Ticket export (CSV UTF-8 or XLSX)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, connections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["connection"].queryset = connections
        for field in ColumnMapping.FIELDS:
            self.fields[field] = forms.CharField(
                label=COLUMN_LABELS[field], max_length=100, required=field != "topic"
            )

    def mapping(self) -> dict[str, str]:
        return {field: self.cleaned_data[field].strip() for field in ColumnMapping.FIELDS}


def initial_for(connection) -> dict:
    """The saved mapping of the connection, or the usual column names."""
    saved = ColumnMapping.objects.filter(connection=connection).first() if connection else None
    columns = saved.as_dict() if saved else dict(DEFAULT_COLUMNS)
    return {"connection": connection, **columns}


class ImportAgentForm(forms.Form):
    """Map an identity the preview found unknown to one of the importer's agents."""

    identity = forms.CharField(widget=forms.HiddenInput, max_length=254)
    user = forms.ModelChoiceField(queryset=None, label="Agent", empty_label="Pick an agent")

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = agents
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.get_username()} ({user.membership.team})"
        )
