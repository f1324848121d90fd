from django.conf import settings
from django.contrib.auth import get_user_model
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
