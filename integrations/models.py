"""Helpdesk connections: where interactions come from, who the helpdesk's agents are here, and
which ticket each imported interaction stands for. No customer text is ever stored here."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

# A ticket id as helpdesks write them: letters, digits and a few separators, no spaces.
TICKET_ID_RE = r"^[A-Za-z0-9][A-Za-z0-9._:#/-]{0,63}$"
validate_ticket_id = RegexValidator(
    TICKET_ID_RE, "A ticket id is up to 64 letters, digits and . _ : # / - without spaces."
)


def validate_ticket_url_template(value: str) -> None:
    """An https (or http) address with exactly one `{id}` where the ticket id goes."""
    if value.count("{id}") != 1:
        raise ValidationError("Put {id} exactly once where the ticket id goes.")
    if not value.startswith(("https://", "http://")):
        raise ValidationError("The ticket address starts with https://.")
    rest = value.replace("{id}", "")
    if "{" in rest or "}" in rest:
        raise ValidationError("Only {id} may stand in braces.")


class Connection(models.Model):
    """One helpdesk sending EthicsKit its solved tickets, signed with `signing_secret`."""

    class Kind(models.TextChoices):
        ZENDESK = "zendesk", "Zendesk"
        FRESHDESK = "freshdesk", "Freshdesk"
        INTERCOM = "intercom", "Intercom"
        GENERIC = "generic", "Generic JSON"

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=50, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    ticket_url_template = models.CharField(
        max_length=300,
        validators=[validate_ticket_url_template],
        help_text="The ticket's address with {id}, e.g. https://acme.zendesk.com/agent/tickets/{id}",
    )
    # Kept readable because verifying an HMAC needs the secret itself; pages show it masked.
    signing_secret = models.CharField(max_length=128)
    # The team whose people it serves; empty serves every team. Mappings stay inside it.
    team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="helpdesk_connections",
    )
    is_active = models.BooleanField(default=True, db_default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["signing_secret"])

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def ticket_url(self, ticket_id: str) -> str:
        return self.ticket_url_template.replace("{id}", ticket_id)

    @property
    def masked_secret(self) -> str:
        if not self.signing_secret:
            return ""
        return "•" * 8 + self.signing_secret[-4:]


class AgentMapping(models.Model):
    """The helpdesk's identity for an agent (an e-mail or an id) and who that is here. E-mails
    are compared without regard to case."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="mappings")
    identity = models.CharField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpdesk_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["identity", "id"]
        constraints = [
            models.UniqueConstraint(
                "connection", Lower("identity"), name="agentmapping_one_per_identity"
            )
        ]

    def __str__(self):
        return f"{self.identity} → {self.user}"


class UnmappedAgent(models.Model):
    """An identity a helpdesk sent that no mapping knows yet, held for an admin to map."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="unmapped")
    identity = models.CharField(max_length=254)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now_add=True)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-last_seen", "id"]
        constraints = [
            models.UniqueConstraint(
                "connection", Lower("identity"), name="unmappedagent_one_per_identity"
            )
        ]

    def __str__(self):
        return f"{self.identity} ({self.count})"


class TicketLink(models.Model):
    """The helpdesk ticket an interaction stands for: one interaction per ticket per
    connection, so the same event twice updates rather than duplicates."""

    class Source(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"
        IMPORT = "import", "File import"

    interaction = models.OneToOneField(
        "rubrics.Interaction", on_delete=models.CASCADE, related_name="ticket_link"
    )
    connection = models.ForeignKey(
        Connection, on_delete=models.PROTECT, related_name="ticket_links"
    )
    ticket_id = models.CharField(max_length=64, validators=[validate_ticket_id])
    source = models.CharField(max_length=7, choices=Source.choices, default=Source.WEBHOOK)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "ticket_id"], name="ticketlink_one_per_ticket"
            )
        ]

    def __str__(self):
        return f"{self.connection.slug}:{self.ticket_id}"


class SeenSignature(models.Model):
    """A webhook signature already accepted, kept a little longer than the timestamp window so
    that the same request sent again is refused as a replay."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "signature"], name="seensignature_once")
        ]
        indexes = [models.Index(fields=["seen_at"], name="seensignature_seen_at")]

    def __str__(self):
        return f"{self.signature[:12]}… at {self.seen_at:%Y-%m-%d %H:%M}"


class HeldTicket(models.Model):
    """A solved ticket of an agent no mapping knows yet: only what an interaction would keep.
    Mapping the identity turns each held ticket into its interaction."""

    unmapped_agent = models.ForeignKey(
        UnmappedAgent, on_delete=models.CASCADE, related_name="held_tickets"
    )
    ticket_id = models.CharField(max_length=64, validators=[validate_ticket_id])
    channel = models.CharField(max_length=10)
    solved_at = models.DateTimeField()
    topic = models.CharField(max_length=120, blank=True)
    held_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["solved_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unmapped_agent", "ticket_id"], name="heldticket_one_per_ticket"
            )
        ]

    def __str__(self):
        return self.ticket_id


# File imports (integrations/import_models.py), loaded with the app's models.
from integrations.import_models import ColumnMapping, ImportedRow, ImportJob  # noqa: E402, F401
