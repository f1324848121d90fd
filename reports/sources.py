"""The dashboard's slice by helpdesk connection: the interactions that came from it."""

from integrations.models import Connection, TicketLink


def interactions_from(connection: Connection | None):
    """The ids of the interactions from `connection` (for `rubrics.rollups.sliced`), or None
    when no connection is chosen."""
    if connection is None:
        return None
    return TicketLink.objects.filter(connection=connection).values("interaction_id")


def for_export(evaluations, connection: Connection | None):
    """The export's evaluations, narrowed to `connection` when one is chosen."""
    if connection is None:
        return evaluations
    return evaluations.filter(interaction__ticket_link__connection=connection)
