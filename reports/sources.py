"""Dashboard figures narrowed to one helpdesk connection. The rollups do not know where an
interaction came from, so these are read from the interactions and their current scores, in
two queries whatever the data's size (through the team and date index)."""

from django.db.models import Avg, Count, Exists, OuterRef, Q

from integrations.models import Connection
from rubrics.models import Evaluation, Interaction


def connection_figures(
    connection: Connection, *, teams, agent_id=None, start, end, blind: bool
) -> dict:
    """How many interactions from `connection` in [start, end) and the chosen scope, how many
    reviewed, and the review and self-score averages (percent). With `blind`, self-scores count
    on reviewed interactions only, as on the rest of the dashboard."""
    interactions = Interaction.objects.filter(
        ticket_link__connection=connection,
        team__in=teams,
        occurred_at__gte=start,
        occurred_at__lt=end,
    )
    if agent_id is not None:
        interactions = interactions.filter(agent_id=agent_id)
    reviewed = Exists(
        Evaluation.objects.filter(
            interaction=OuterRef("interaction"), kind=Evaluation.Kind.REVIEW, is_current=True
        )
    )
    self_only = Q(kind=Evaluation.Kind.SELF) & (Q(reviewed) if blind else Q())
    figures = Evaluation.objects.filter(is_current=True, interaction__in=interactions).aggregate(
        reviewed=Count("id", filter=Q(kind=Evaluation.Kind.REVIEW)),
        review_pct=Avg("percent", filter=Q(kind=Evaluation.Kind.REVIEW)),
        self_pct=Avg("percent", filter=self_only),
    )
    return {"connection": connection, "interactions": interactions.count(), **figures}


def for_export(evaluations, connection: Connection | None):
    """The export's evaluations, narrowed to `connection` when one is chosen."""
    if connection is None:
        return evaluations
    return evaluations.filter(interaction__ticket_link__connection=connection)
