"""Every write of helpdesk connections: receiving a solved ticket, holding tickets of unknown
agents, mapping agents (the worker then releases their held tickets)."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import F
from django.utils import timezone
from procrastinate.contrib.django import app

from core.privacy import find_personal_data
from integrations.models import (
    AgentMapping,
    Connection,
    HeldTicket,
    SeenSignature,
    TicketLink,
    UnmappedAgent,
)
from integrations.payloads import PayloadError, TicketEvent
from integrations.signing import TOLERANCE_SECONDS
from rubrics.models import Interaction, validate_occurred_at
from teams import audit
from teams.access import is_admin, teams_led_by
from teams.models import Role

# The demo connection's secret: like the demo passwords, for a development machine only.
DEMO_SECRET = "ethicskit-demo-webhook"
# The topic of an interaction whose helpdesk sent none (or one the privacy guard refused).
FALLBACK_TOPIC = "Helpdesk ticket"
# Held tickets turned into interactions per transaction once their identity is mapped.
RELEASE_BATCH = 500
# Seen signatures are kept twice as long as a timestamp is accepted.
SEEN_KEPT_SECONDS = 2 * TOLERANCE_SECONDS


class Replay(Exception):
    """The same signed request, received before."""


@dataclass(frozen=True)
class Outcome:
    status: str  # "created", "updated", "held" or "ignored"
    detail: str
    interaction_id: int | None = None
    topic_dropped: bool = False


def mappable_agents(connection: Connection):
    """The people a connection's identities may map to: active agents with a team, inside the
    connection's team when it has one. Superusers never (only superusers manage them)."""
    users = get_user_model().objects.filter(
        is_active=True, is_superuser=False, groups__name=Role.AGENT, membership__isnull=False
    )
    if connection.team_id is not None:
        users = users.filter(membership__team_id=connection.team_id)
    return users.select_related("membership__team").order_by("username").distinct()


def mapped_agent(connection: Connection, identity: str):
    """The user an identity maps to, or None; e-mails and ids compare without regard to case."""
    mapping = (
        AgentMapping.objects.filter(connection=connection, identity__iexact=identity)
        .select_related("user__membership")
        .first()
    )
    return mapping.user if mapping else None


def clean_topic(topic: str) -> tuple[str, bool]:
    """The topic to keep and whether the privacy guard refused the one sent."""
    if not topic:
        return FALLBACK_TOPIC, False
    if find_personal_data(topic):
        return FALLBACK_TOPIC, True
    return topic, False


def ticket_url(connection: Connection, ticket_id: str) -> str:
    return connection.ticket_url(quote(ticket_id, safe=""))


def _check_ticket_id(ticket_id: str) -> None:
    # A ticket id becomes the interaction's reference, which the privacy guard covers too.
    if find_personal_data(ticket_id):
        raise PayloadError("The ticket id looks like personal data: send the helpdesk's id.")


def _lock_ticket(connection: Connection, ticket_id: str) -> None:
    """Serialise the events of one ticket, so two at once still make one interaction."""
    with db_connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"integrations:{connection.pk}:{ticket_id}"],
        )


def _eligible(connection: Connection, user) -> bool:
    return mappable_agents(connection).filter(pk=user.pk).exists()


def _upsert_interaction(connection, user, *, ticket_id, channel, solved_at, topic, source):
    """Create the ticket's interaction ("created"), or update it ("updated") while nobody has
    scored it; a scored one is left as it is ("unchanged"), as the file import leaves it: a
    score belongs to the agent, channel and time it was given for."""
    _lock_ticket(connection, ticket_id)
    url = ticket_url(connection, ticket_id)
    if len(url) > Interaction._meta.get_field("ticket_url").max_length:
        raise PayloadError("The ticket's address would be too long: shorten the template.")
    link = (
        TicketLink.objects.select_related("interaction")
        .filter(connection=connection, ticket_id=ticket_id)
        .first()
    )
    fields = {"occurred_at": solved_at, "channel": channel, "topic": topic, "ticket_url": url}
    if link is not None:
        interaction = link.interaction
        if interaction.evaluations.exists():
            return interaction, "unchanged"
        for name, value in fields.items():
            setattr(interaction, name, value)
        interaction.agent, interaction.team_id = user, user.membership.team_id
        interaction.save(update_fields=[*fields, "agent", "team"])
        link.save(update_fields=["updated_at"])
        return interaction, "updated"
    interaction = Interaction(
        agent=user, team_id=user.membership.team_id, reference=ticket_id, **fields
    )
    interaction.full_clean(exclude=["agent", "team", "recorded_by", "submission_token"])
    interaction.save()
    TicketLink.objects.create(
        interaction=interaction, connection=connection, ticket_id=ticket_id, source=source
    )
    return interaction, "created"


def _hold(connection, event: TicketEvent, solved_at, topic) -> None:
    now = timezone.now()
    held, created = UnmappedAgent.objects.get_or_create(
        connection=connection,
        identity__iexact=event.agent,
        defaults={"identity": event.agent},
    )
    if not created:
        UnmappedAgent.objects.filter(pk=held.pk).update(last_seen=now, count=F("count") + 1)
    HeldTicket.objects.update_or_create(
        unmapped_agent=held,
        ticket_id=event.ticket_id,
        defaults={"channel": event.channel, "solved_at": solved_at, "topic": topic},
    )


def receive_event(
    connection: Connection, event: TicketEvent, *, sent_at, signature: str
) -> Outcome:
    """Store what a signed event says, atomically: the interaction (created or updated), or the
    ticket held for an unknown agent. A signature already seen raises Replay, nothing stored;
    bad content raises PayloadError, nothing stored."""
    solved_at = event.solved_at or sent_at
    try:
        validate_occurred_at(solved_at)
    except ValidationError as error:
        raise PayloadError(f"The solved time is refused: {error.messages[0]}") from None
    _check_ticket_id(event.ticket_id)
    topic, dropped = clean_topic(event.topic)
    with transaction.atomic():
        SeenSignature.objects.filter(
            seen_at__lt=timezone.now() - timedelta(seconds=SEEN_KEPT_SECONDS)
        ).delete()
        try:
            with transaction.atomic():
                SeenSignature.objects.create(connection=connection, signature=signature)
        except IntegrityError:
            raise Replay from None
        if not event.solved:
            return Outcome("ignored", "The ticket is not solved: nothing was stored.")
        user = mapped_agent(connection, event.agent)
        if user is None or not _eligible(connection, user):
            _hold(connection, event, solved_at, topic)
            return Outcome(
                "held",
                "The agent is not mapped to anyone in EthicsKit (or is outside the connection's "
                "team): the ticket is held until an admin maps them.",
                topic_dropped=dropped,
            )
        interaction, status = _upsert_interaction(
            connection,
            user,
            ticket_id=event.ticket_id,
            channel=event.channel,
            solved_at=solved_at,
            topic=topic,
            source=TicketLink.Source.WEBHOOK,
        )
    return Outcome(
        status,
        {
            "created": "The interaction was created.",
            "updated": "The interaction was updated.",
            "unchanged": "The interaction is already scored: it was left as it is.",
        }[status],
        interaction_id=interaction.pk,
        topic_dropped=dropped,
    )


def mapping_add(*, actor, connection: Connection, identity: str, user) -> tuple[AgentMapping, int]:
    """Map a helpdesk identity to an agent. Admins map to any agent of the connection; a
    supervisor (from an import's preview) only to an agent of a team they lead, and not an
    identity whose webhook tickets are held: those wait for an admin, who sees the whole
    organisation. The held tickets, however many, are turned into interactions by the worker
    (integrations.tasks.release_held, queued once the mapping is saved); returns the mapping
    and how many held tickets were queued."""
    admin = is_admin(actor)
    if not admin and not teams_led_by(actor).filter(memberships__user=user).exists():
        raise ValidationError({"user": "You map helpdesk identities only to your own agents."})
    identity = identity.strip()
    if not identity or len(identity) > 254 or any(ch.isspace() for ch in identity):
        raise ValidationError({"identity": "Give the helpdesk's e-mail or id for the agent."})
    held = HeldTicket.objects.filter(
        unmapped_agent__connection=connection, unmapped_agent__identity__iexact=identity
    )
    if not admin and held.exists():
        raise ValidationError(
            {
                "identity": "Tickets from the helpdesk's events are held for this identity: "
                "an admin maps it."
            }
        )
    if not mappable_agents(connection).filter(pk=user.pk).exists():
        raise ValidationError(
            {"user": f"{user.get_username()} is not an agent of this connection's team."}
        )
    with transaction.atomic():
        if AgentMapping.objects.filter(connection=connection, identity__iexact=identity).exists():
            raise ValidationError({"identity": "That identity is already mapped."})
        mapping = AgentMapping.objects.create(connection=connection, identity=identity, user=user)
        waiting = held.count()
        if waiting:
            # Named rather than imported: the task module imports this one.
            task = app.configure_task("integrations.tasks.release_held", queue="default")
            arguments = {"connection_id": connection.pk, "identity": identity, "actor_id": actor.pk}
            transaction.on_commit(lambda: task.defer(**arguments))
    return mapping, waiting


def release_held(*, connection_id: int, identity: str, actor_id: int | None = None) -> int:
    """Turn the tickets held for a mapped identity into interactions, RELEASE_BATCH at a time,
    each batch all-or-nothing and its tickets deleted with it, so a retry resumes where it
    stopped. A ticket the helpdesk sent again since it was held is left to that newer event.
    Nothing happens if the mapping is gone or its agent no longer qualifies (the tickets stay
    held). Returns how many tickets became interactions."""
    connection = Connection.objects.filter(pk=connection_id).first()
    user = mapped_agent(connection, identity) if connection else None
    if user is None or not _eligible(connection, user):
        return 0
    held = UnmappedAgent.objects.filter(connection=connection, identity__iexact=identity)
    actor = get_user_model().objects.filter(pk=actor_id).first()
    released = 0
    with audit.audit_context(source=f"helpdesk mapping of {identity}", actor=actor):
        while True:
            with transaction.atomic():
                tickets = list(
                    HeldTicket.objects.select_for_update()
                    .filter(unmapped_agent__in=held)
                    .order_by("pk")[:RELEASE_BATCH]
                )
                if not tickets:
                    held.delete()
                    return released
                released += _release(connection, user, tickets)
                HeldTicket.objects.filter(pk__in=[ticket.pk for ticket in tickets]).delete()


def _release(connection, user, tickets) -> int:
    linked = TicketLink.objects.filter(
        connection=connection, ticket_id__in=[ticket.ticket_id for ticket in tickets]
    )
    updated = dict(linked.values_list("ticket_id", "updated_at"))
    released = 0
    for ticket in tickets:
        if ticket.ticket_id in updated and updated[ticket.ticket_id] > ticket.held_at:
            continue  # the helpdesk sent this ticket again since: that event stands
        try:
            validate_occurred_at(ticket.solved_at)
        except ValidationError:
            continue  # older than a year by now: nothing to score
        try:
            _upsert_interaction(
                connection,
                user,
                ticket_id=ticket.ticket_id,
                channel=ticket.channel,
                solved_at=ticket.solved_at,
                topic=ticket.topic or FALLBACK_TOPIC,
                source=TicketLink.Source.WEBHOOK,
            )
        except PayloadError:
            continue  # its address would be too long for the connection's template
        released += 1
    return released


def mapping_remove(*, actor, mapping: AgentMapping) -> None:
    if not is_admin(actor):
        raise ValidationError("Only admins map helpdesk agents.")
    mapping.delete()


def connection_save(*, actor, form) -> tuple[Connection, str]:
    """Save a connection form (an admin's act); returns the connection and the secret made up
    for it, which is shown once ("" when the admin typed one or kept the old)."""
    if not is_admin(actor):
        raise ValidationError("Only admins manage helpdesk connections.")
    connection = form.save(commit=False)
    made_up = ""
    typed = form.cleaned_data.get("new_secret")
    if typed:
        connection.signing_secret = typed
    elif not connection.signing_secret:
        made_up = connection.signing_secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        connection.save()
    return connection, made_up


def unmapped_dismiss(*, actor, unmapped: UnmappedAgent) -> None:
    """Forget an identity and the tickets held for it (e.g. a bot's account)."""
    if not is_admin(actor):
        raise ValidationError("Only admins map helpdesk agents.")
    unmapped.delete()
