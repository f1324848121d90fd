"""What EthicsKit reads from each helpdesk's "ticket solved" event, and nothing more.

Each reader returns a `TicketEvent` holding only the ticket id, the helpdesk's identity of the
agent, the channel, when the ticket was solved and an optional topic. Every other field of the
payload (subjects, messages, customers' names and contact details...) is never read, so it is
never stored nor logged. Error messages name fields, never quote their values.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from integrations.models import TICKET_ID_RE

CHANNELS = ("phone", "email", "chat", "in_person", "other")
TOPIC_MAX = 120
IDENTITY_MAX = 254


class PayloadError(Exception):
    """The body is not the event shape of the connection's kind; the message says why."""


@dataclass(frozen=True)
class TicketEvent:
    ticket_id: str
    agent: str
    channel: str
    solved_at: datetime | None  # None: the time the signed request was sent
    topic: str = ""
    solved: bool = True  # False: an event about an open ticket, acknowledged and ignored


# Each product's channel names (lower case) to EthicsKit's channels; anything else is "other".
ZENDESK_CHANNELS = {
    "email": "email",
    "mail": "email",
    "voice": "phone",
    "phone": "phone",
    "chat": "chat",
    "native_messaging": "chat",
    "messaging": "chat",
    "web_messaging": "chat",
    "sms": "chat",
    "whatsapp": "chat",
    "facebook": "chat",
    "twitter": "chat",
    "instagram_dm": "chat",
}
FRESHDESK_CHANNELS = {
    "email": "email",
    "outbound email": "email",
    "phone": "phone",
    "chat": "chat",
    "whatsapp": "chat",
    "facebook": "chat",
    "twitter": "chat",
    "mobihelp": "chat",
    "walk-in": "in_person",
    # The numbers Freshdesk's API uses for the same sources.
    "1": "email",
    "3": "phone",
    "7": "chat",
    "10": "email",
}
INTERCOM_CHANNELS = {
    "conversation": "chat",
    "chat": "chat",
    "email": "email",
    "phone_call": "phone",
    "phone": "phone",
    "whatsapp": "chat",
    "sms": "chat",
    "facebook": "chat",
    "twitter": "chat",
    "instagram": "chat",
}


def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise PayloadError(f"{where} must be a JSON object.")
    return value


def _ticket_id(value, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PayloadError(f"{where} is missing or not a string.")
    text = str(value).strip()
    if not re.fullmatch(TICKET_ID_RE, text):
        raise PayloadError(
            f"{where} must be up to 64 letters, digits and . _ : # / - without spaces."
        )
    return text


def _identity(value, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PayloadError(f"{where} is missing: it names the agent who solved the ticket.")
    text = str(value).strip()
    if not text or len(text) > IDENTITY_MAX or any(ch.isspace() for ch in text):
        raise PayloadError(f"{where} must be the agent's e-mail or id (no spaces, 1-254 chars).")
    return text


def _datetime(value, where: str, *, required: bool) -> datetime | None:
    if value is None and not required:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise PayloadError(f"{where} is not a valid time.") from None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    raise PayloadError(
        f"{where} must be an ISO 8601 time with its offset, e.g. 2026-03-01T14:05:00Z."
    )


def _topic(value) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(value.split())[:TOPIC_MAX]


def _mapped(value, table: dict) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return "other"
    return table.get(str(value).strip().lower(), "other")


def read_generic(data) -> TicketEvent:
    """{"ticket_id": "...", "agent": "...", "channel": "chat", "solved_at": "...", "topic": "..."}"""
    data = _object(data, "The body")
    channel = data.get("channel")
    if channel not in CHANNELS:
        raise PayloadError(f"channel must be one of {', '.join(CHANNELS)}.")
    return TicketEvent(
        ticket_id=_ticket_id(data.get("ticket_id"), "ticket_id"),
        agent=_identity(data.get("agent"), "agent"),
        channel=channel,
        solved_at=_datetime(data.get("solved_at"), "solved_at", required=True),
        topic=_topic(data.get("topic")),
    )


def read_zendesk(data) -> TicketEvent:
    """Zendesk's ticket status event (`zen:event-type:ticket.status_changed`): the ticket is in
    `detail`, the new status in `event.current`."""
    data = _object(data, "The body")
    detail = _object(data.get("detail"), "detail")
    event = data.get("event") if isinstance(data.get("event"), dict) else {}
    status = str(event.get("current") or detail.get("status") or "").lower()
    via = detail.get("via") if isinstance(detail.get("via"), dict) else {}
    return TicketEvent(
        ticket_id=_ticket_id(detail.get("id"), "detail.id"),
        agent=_identity(detail.get("assignee_id"), "detail.assignee_id"),
        channel=_mapped(via.get("channel"), ZENDESK_CHANNELS),
        solved_at=_datetime(data.get("time"), "time", required=False),
        topic=_topic(detail.get("type")),
        solved=status in ("solved", "closed"),
    )


def read_freshdesk(data) -> TicketEvent:
    """Freshdesk's automation webhook, `{"freshdesk_webhook": {"ticket_id": ..., ...}}`."""
    data = _object(data, "The body")
    ticket = _object(data.get("freshdesk_webhook"), "freshdesk_webhook")
    status = str(ticket.get("ticket_status") or "").lower()
    return TicketEvent(
        ticket_id=_ticket_id(ticket.get("ticket_id"), "freshdesk_webhook.ticket_id"),
        agent=_identity(ticket.get("ticket_agent_email"), "freshdesk_webhook.ticket_agent_email"),
        channel=_mapped(ticket.get("ticket_source"), FRESHDESK_CHANNELS),
        solved_at=_datetime(
            ticket.get("ticket_resolved_at"), "freshdesk_webhook.ticket_resolved_at", required=False
        ),
        topic=_topic(ticket.get("ticket_ticket_type")),
        solved=status in ("resolved", "closed", "4", "5"),
    )


def _intercom_closer(item: dict):
    """The admin who closed the conversation: the last "close" part's author, else the
    statistics' last closer, else the assignee."""
    parts = item.get("conversation_parts")
    parts = parts.get("conversation_parts") if isinstance(parts, dict) else None
    for part in reversed(parts if isinstance(parts, list) else []):
        if isinstance(part, dict) and part.get("part_type") == "close":
            author = part.get("author") if isinstance(part.get("author"), dict) else {}
            if author.get("type") == "admin":
                return author.get("email") or author.get("id")
    statistics = item.get("statistics") if isinstance(item.get("statistics"), dict) else {}
    return statistics.get("last_closed_by_id") or item.get("admin_assignee_id")


def read_intercom(data) -> TicketEvent:
    """Intercom's `conversation.admin.closed` notification: the conversation is `data.item`."""
    data = _object(data, "The body")
    item = _object(_object(data.get("data"), "data").get("item"), "data.item")
    source = item.get("source") if isinstance(item.get("source"), dict) else {}
    statistics = item.get("statistics") if isinstance(item.get("statistics"), dict) else {}
    closed = str(data.get("topic") or "").endswith("closed") or item.get("state") == "closed"
    return TicketEvent(
        ticket_id=_ticket_id(item.get("id"), "data.item.id"),
        agent=_identity(_intercom_closer(item), "the closing admin (data.item)"),
        channel=_mapped(source.get("type"), INTERCOM_CHANNELS),
        solved_at=_datetime(
            statistics.get("last_close_at"), "data.item.statistics.last_close_at", required=False
        ),
        solved=closed,
    )


READERS = {
    "generic": read_generic,
    "zendesk": read_zendesk,
    "freshdesk": read_freshdesk,
    "intercom": read_intercom,
}


def read_event(kind: str, data) -> TicketEvent:
    return READERS[kind](data)
