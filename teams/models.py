import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models


class Role(models.TextChoices):
    """The three roles; each is a Django group of the same name, made by a migration."""

    AGENT = "Agent"
    SUPERVISOR = "Supervisor"
    ADMIN = "Admin"


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
        """The live token with this key, if any; keys are stored only as their SHA-256."""
        return (
            self.filter(key_hash=ApiToken.hash(raw_key), user__is_active=True)
            .select_related("user")
            .first()
        )


class ApiToken(models.Model):
    """A personal key for the REST API. Only its hash is stored; the key is shown once."""

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

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw_key: str) -> str:
        return hashlib.sha256(raw_key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        """Create a token; returns it with the raw key, which is never stored or shown again."""
        name = (name or "").strip()
        if not name:
            raise ValidationError({"name": "Give the token a name, e.g. 'Zendesk app'."})
        if cls.objects.filter(user=user).count() >= cls.MAX_PER_USER:
            raise ValidationError(
                f"You already have {cls.MAX_PER_USER} tokens; revoke one you no longer use first."
            )
        raw_key = "ek_" + secrets.token_urlsafe(32)
        token = cls(user=user, name=name, prefix=raw_key[: cls.PREFIX_LENGTH])
        token.key_hash = cls.hash(raw_key)
        token.full_clean()
        token.save()
        return token, raw_key
