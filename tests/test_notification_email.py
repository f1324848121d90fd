"""E-mail end to end: a review submitted in the app reaches a real SMTP server (aiosmtpd, in
this test process) through a real worker process, addressed to the agent, with an absolute
link to the interaction; an agent who chose "inbox only" gets no e-mail at all."""

import time
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from procrastinate.contrib.django.models import ProcrastinateJob

from notifications.models import Delivery, Kind, Notification
from notifications.services import preferences_set
from notifications.tasks import send_notification_email
from tests.conftest import review, self_score
from tests.servers import free_port, workers

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BASE_URL = "https://ethicskit.example.org"


class Inbox:
    """An SMTP handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def cleanup_jobs():
    # The queue's tables are not Django's to flush: other committed tests may have left jobs.
    ProcrastinateJob.objects.all()._raw_delete(ProcrastinateJob.objects.db)
    yield
    ProcrastinateJob.objects.all()._raw_delete(ProcrastinateJob.objects.db)


def test_a_review_is_e_mailed_by_the_worker_and_inbox_only_is_not(
    smtp, cleanup_jobs, agent, other_agent, supervisor, other_supervisor
):
    inbox, port = smtp
    agent.email, other_agent.email = "alice@example.org", "oscar@example.org"
    agent.save(), other_agent.save()
    preferences_set(user=other_agent, choices={Kind.REVIEW_SUBMITTED: Delivery.INBOX})

    # Oscar chose inbox only: his review leaves no job and no e-mail, only an inbox row.
    review(self_score(other_agent).interaction, other_supervisor)
    assert Notification.objects.get(recipient=other_agent).emailed_at is None
    assert not ProcrastinateJob.objects.filter(task_name=send_notification_email.name).exists()

    interaction = self_score(agent).interaction
    review(interaction, supervisor)
    with workers(
        1,
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        DJANGO_EMAIL_HOST="127.0.0.1",
        DJANGO_EMAIL_PORT=str(port),
        ETHICSKIT_BASE_URL=BASE_URL,
    ):
        deadline = time.monotonic() + 120
        while not Notification.objects.filter(recipient=agent, emailed_at__isnull=False):
            assert time.monotonic() < deadline, "the worker sent no e-mail"
            time.sleep(0.2)

    assert len(inbox.messages) == 1  # Alice's only: none for Oscar
    recipients, message = inbox.messages[0]
    assert recipients == ["alice@example.org"]
    assert message["To"] == "alice@example.org"
    assert message["Subject"] == "EthicsKit: A review of your interaction was submitted"
    body = message.get_payload(decode=True).decode()
    assert f"{BASE_URL}/interactions/{interaction.pk}/" in body
    assert "reviewed your phone interaction" in body
    assert "ZD-1" not in body and "Refund" not in body  # nothing the customer may have said
