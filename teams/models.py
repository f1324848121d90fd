import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.user_agent import describe


class Role(models.TextChoices):
    """The three roles; each is a Django group of the same name, made by a migration."""

    AGENT = "Agent"
    SUPERVISOR = "Supervisor"
    ADMIN = "Admin"


# The group of people who receive cases about data protection and about supervisors (made by a
# migration of `cases`). It is not a role of its own: admins hold it without joining.
COMPLIANCE_GROUP = "Compliance"


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="led_teams",
        blank=True,
        help_text="Supervisors who lead this team. A supervisor may lead several teams.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def agents(self):
        return get_user_model().objects.filter(membership__team=self).order_by("username")


class Membership(models.Model):
    """An agent's place in a team. One row per agent: an agent belongs to exactly one team."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team__name", "user__username"]

    def __str__(self):
        return f"{self.user} in {self.team}"


class ApiTokenQuerySet(models.QuerySet):
    def for_key(self, raw_key: str):
        """The token with this key of an active account, expired or not; keys are stored only
        as their SHA-256."""
        return (
            self.filter(key_hash=ApiToken.hash(raw_key), user__is_active=True)
            .select_related("user")
            .first()
        )


class ApiToken(models.Model):
    """A personal key for the REST API. Only its hash is stored; the key is shown once.

    Every token expires (`settings.API_TOKEN_DAYS` after it is issued); a read-only token may
    only read (the API answers 403 to any other method)."""

    PREFIX_LENGTH = 8
    MAX_PER_USER = 10

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=60, help_text="What uses it, e.g. 'Zendesk app'.")
    prefix = models.CharField(max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    read_only = models.BooleanField(
        default=False, help_text="It may read through the API, never change anything."
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw_key: str) -> str:
        return hashlib.sha256(raw_key.encode()).hexdigest()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, *, user, name: str, read_only: bool = False) -> tuple["ApiToken", str]:
        """Create a token; returns it with the raw key, which is never stored or shown again."""
        name = (name or "").strip()
        if not name:
            raise ValidationError({"name": "Give the token a name, e.g. 'Zendesk app'."})
        if cls.objects.filter(user=user).count() >= cls.MAX_PER_USER:
            raise ValidationError(
                f"You already have {cls.MAX_PER_USER} tokens; revoke one you no longer use first."
            )
        raw_key = "ek_" + secrets.token_urlsafe(32)
        token = cls(
            user=user,
            name=name,
            prefix=raw_key[: cls.PREFIX_LENGTH],
            read_only=read_only,
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
        )
        token.key_hash = cls.hash(raw_key)
        token.full_clean()
        token.save()
        return token, raw_key


class AuditEntry(models.Model):
    """One recorded change to a record that matters: who, when, what, and before and after.

    Written by `teams.audit` in the same transaction as the change itself. The key is random
    and entries about anonymous concerns carry only the day, no actor and no request, so an
    entry's place in the log never hints at who reported what (see `checklists.Concern`).
    """

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    # The username at the time, so the entry still says who after the account is gone.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=6, choices=Action.choices)
    model = models.CharField(max_length=100, help_text="App label and model, e.g. rubrics.Rating.")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, help_text="Field name -> [before, after].")
    # "POST /reviews/12/" for a web or API request, "manage.py <command>" for a command.
    source = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [
            models.Index(fields=["-at"], name="audit_recent"),
            models.Index(fields=["model", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "-at"], name="audit_actor_recent"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.model} {self.object_repr}"


class SignedInSession(models.Model):
    """A browser someone is signed in on, for the "Your sessions" list on their profile.

    The row belongs to its Django session and goes with it: signing out, expiry (with
    `clearsessions`), "Sign out everywhere else" and a new password delete both. It keeps no
    address, only when the session began, when it was last used and the browser's name.
    """

    session = models.OneToOneField(
        "sessions.Session",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="signed_in",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = "signed-in session"

    def __str__(self):
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def browser(self) -> str:
        """The browser and system as people name them ("Chrome on Linux")."""
        return describe(self.user_agent)


class TemporaryPassword(models.Model):
    """The person's password was set by an admin: they must choose their own at next sign-in.

    Choosing a new password (the change page, a reset link) deletes the row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="temporary_password",
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "temporary password"

    def __str__(self):
        return f"{self.user} must choose a password"
