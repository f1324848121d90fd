"""The worker's side of notifications: e-mails at once and the daily digest, and the queue's
own upkeep (retrying the jobs of a dead worker, deleting old finished jobs).

Every task that talks to the mail server retries 5 times with a growing wait (5 s to 52 min), so a
mail server that is down for a while delays e-mails instead of losing them; after the last
attempt the job stays failed, with its error, for admins to read in the admin's job list.
"""

import logging
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from notifications.models import Delivery, JobError, Notification, Preference

logger = logging.getLogger(__name__)

MAIL_RETRY = RetryStrategy(max_attempts=5, exponential_wait=5)
# Unread notifications older than this are left out of digests: the person has moved on.
DIGEST_LOOKBACK = timedelta(days=7)


def absolute(path: str) -> str:
    return f"{settings.ETHICSKIT_BASE_URL}{path}" if path else settings.ETHICSKIT_BASE_URL + "/"


@app.task(queue="email", retry=MAIL_RETRY)
def send_notification_email(notification_id: int) -> None:
    """E-mail one notification. The row is locked while sending and stamped once sent, so a
    retried or duplicated job sends nothing twice once the first one committed."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return
        context = {
            "notification": notification,
            "link": absolute(notification.url),
            "preferences": absolute("/inbox/preferences/"),
        }
        send_mail(
            subject=f"EthicsKit: {notification.get_kind_display()}",
            message=render_to_string("notifications/email.txt", context),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])


def digest_items(user_id: int, now=None) -> list[Notification]:
    """The unread, not yet e-mailed notifications of the kinds `user_id` gets in the digest."""
    now = now or timezone.now()
    kinds = [
        kind
        for kind, delivery in Preference.objects.deliveries([user_id])[user_id].items()
        if delivery == Delivery.DIGEST
    ]
    return list(
        Notification.objects.filter(
            recipient_id=user_id,
            kind__in=kinds,
            read_at__isnull=True,
            emailed_at__isnull=True,
            created_at__gte=now - DIGEST_LOOKBACK,
        ).order_by("created_at", "id")
    )


@app.periodic(cron=f"0 {settings.ETHICSKIT_DIGEST_HOUR} * * *", periodic_id="daily_digest")
@app.task(queue="email", queueing_lock="daily_digest")
def send_daily_digests(timestamp: int) -> int:
    """Hand each person with something waiting for the digest their own job."""
    since = timezone.now() - DIGEST_LOOKBACK
    pending = (
        Notification.objects.filter(
            read_at__isnull=True, emailed_at__isnull=True, created_at__gte=since
        )
        .values_list("recipient_id", "kind")
        .distinct()
    )
    waiting: dict[int, set[str]] = {}
    for user_id, kind in pending:
        waiting.setdefault(user_id, set()).add(kind)
    deliveries = Preference.objects.deliveries(waiting)
    people = [
        user_id
        for user_id, kinds in waiting.items()
        if any(deliveries[user_id][kind] == Delivery.DIGEST for kind in kinds)
    ]
    for user_id in people:
        send_digest.configure(queueing_lock=f"digest:{user_id}").defer(user_id=user_id)
    return len(people)


@app.task(queue="email", retry=MAIL_RETRY)
def send_digest(user_id: int) -> int:
    """One e-mail listing what waited for `user_id`'s digest; they are stamped as e-mailed."""
    with transaction.atomic():
        items = digest_items(user_id)
        locked = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk__in=[item.pk for item in items], emailed_at__isnull=True)
            .order_by("created_at", "id")
        )
        if not locked or not locked[0].recipient.email:
            return 0
        context = {
            "items": [(item, absolute(item.url)) for item in locked],
            "inbox": absolute("/inbox/"),
            "preferences": absolute("/inbox/preferences/"),
        }
        send_mail(
            subject=f"EthicsKit: {len(locked)} update{'s' if len(locked) != 1 else ''} for you",
            message=render_to_string("notifications/digest.txt", context),
            from_email=None,
            recipient_list=[locked[0].recipient.email],
        )
        Notification.objects.filter(pk__in=[item.pk for item in locked]).update(
            emailed_at=timezone.now()
        )
    return len(locked)


def _every(seconds: int) -> str:
    """A cron line for "every `seconds` seconds" (croniter's sixth field counts seconds)."""
    return "* * * * *" if seconds >= 60 else f"* * * * * */{seconds}"


@app.periodic(
    cron=_every(settings.ETHICSKIT_STALLED_CHECK_SECONDS), periodic_id="retry_stalled_jobs"
)
@app.task(queue="upkeep", queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> int:
    """Put back in the queue the jobs of workers whose heartbeat stopped (a killed process, a
    lost machine), so another worker runs them."""
    manager = context.app.job_manager
    stalled = await manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.ETHICSKIT_WORKER_STALLED_SECONDS
    )
    for job in stalled:
        logger.warning("Retrying job %s (%s) of a stalled worker", job.id, job.task_name)
        await manager.retry_job(job)
    return len(stalled)


@app.periodic(cron="30 3 * * *", periodic_id="remove_old_jobs")
@app.task(queue="upkeep", queueing_lock="remove_old_jobs", pass_context=True)
async def remove_old_jobs(context, timestamp: int) -> None:
    """Delete jobs that succeeded (or were cancelled) days ago; failed ones stay for admins."""
    await context.app.job_manager.delete_old_jobs(
        nb_hours=settings.ETHICSKIT_JOBS_KEEP_DAYS * 24, include_cancelled=True
    )
    await sync_to_async(errors_of_removed_jobs_delete)()


def errors_of_removed_jobs_delete() -> int:
    return JobError.objects.exclude(job_id__in=ProcrastinateJob.objects.values("id")).delete()[0]
