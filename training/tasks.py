"""Background jobs for training: tell agents about modules that are overdue."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import app

from notifications.models import Kind
from notifications.services import notify
from teams.models import Team
from training.selectors import overdue_by_agent


@app.periodic(cron="0 7 * * *")
@app.task(name="training.remind_overdue", queueing_lock="training.remind_overdue")
def remind_overdue(timestamp: int | None = None) -> int:
    """Each morning, one notification per agent per overdue module; returns how many."""
    return overdue_reminders_send()


def overdue_reminders_send(*, today=None) -> int:
    today = today or timezone.localdate()
    sent = 0
    with transaction.atomic():
        for row in overdue_by_agent(list(Team.objects.all()), today=today):
            for module, due_on in row.overdue:
                notify(
                    [row.agent],
                    Kind.TRAINING_DUE,
                    f"Training module “{module.title}” was due on {due_on:%d %b %Y}.",
                    reverse("training_module", args=[module.slug]),
                )
                sent += 1
    return sent
