"""Notifications: who gets what, how (inbox, e-mail at once, daily digest), the inbox and
preferences pages, the bell, and the API."""

import pytest
from django.db import transaction
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from notifications.models import DEFAULT_DELIVERY, Delivery, Kind, Notification, Preference
from notifications.services import notify, preferences_set
from notifications.tasks import send_daily_digests, send_digest, send_notification_email

pytestmark = pytest.mark.django_db


def jobs(task) -> list[dict]:
    return [job.args for job in ProcrastinateJob.objects.filter(task_name=task.name).order_by("id")]


@pytest.fixture
def mailed(agent, other_agent, supervisor):
    for person in (agent, other_agent, supervisor):
        person.email = f"{person.username}@example.org"
        person.save(update_fields=["email"])


# --- notify and delivery ------------------------------------------------------------------


def test_every_kind_has_a_default_delivery():
    assert set(DEFAULT_DELIVERY) == set(Kind.values)


def test_notify_fills_inboxes_and_queues_an_e_mail_for_those_who_want_one_at_once(
    agent, other_agent, supervisor
):
    preferences_set(user=other_agent, choices={Kind.REVIEW_SUBMITTED: Delivery.INBOX})
    preferences_set(user=supervisor, choices={Kind.REVIEW_SUBMITTED: Delivery.DIGEST})
    created = notify(
        [agent, other_agent.pk, supervisor, agent, None], Kind.REVIEW_SUBMITTED, "Hi", "/x/"
    )
    assert sorted(n.recipient_id for n in created) == sorted(
        [agent.pk, other_agent.pk, supervisor.pk]
    )
    # Only Alice kept the default, e-mail at once.
    alices = Notification.objects.get(recipient=agent)
    assert jobs(send_notification_email) == [{"notification_id": alices.pk}]


def test_a_rolled_back_event_tells_nobody(agent):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([agent], Kind.REVIEW_SUBMITTED, "Hi")
        raise RuntimeError
    assert not Notification.objects.exists()
    assert not jobs(send_notification_email)


def test_notify_with_nobody_does_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert notify([], Kind.REVIEW_SUBMITTED, "Hi") == []


def test_the_e_mail_goes_once_with_an_absolute_link(agent, mailed, mailoutbox, settings):
    settings.ETHICSKIT_BASE_URL = "https://qa.example.org"
    (notification,) = notify(
        [agent], Kind.REVIEW_SUBMITTED, "Your review is in.", "/interactions/7/"
    )
    send_notification_email(notification_id=notification.pk)
    send_notification_email(notification_id=notification.pk)  # a retry after it went
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.org"]
    assert "https://qa.example.org/interactions/7/" in mailoutbox[0].body
    assert "Your review is in." in mailoutbox[0].body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_no_e_mail_without_an_address(agent, mailoutbox):
    (notification,) = notify([agent], Kind.REVIEW_SUBMITTED, "Hi")
    send_notification_email(notification_id=notification.pk)
    assert mailoutbox == []


def test_a_failing_mail_server_leaves_the_notification_to_retry(agent, mailed, monkeypatch):
    (notification,) = notify([agent], Kind.REVIEW_SUBMITTED, "Hi")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("notifications.tasks.send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        send_notification_email(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert send_notification_email.retry_strategy.max_attempts == 5


# --- the daily digest -----------------------------------------------------------------------


def test_the_digest_gathers_each_persons_digest_kinds_in_one_e_mail(
    agent, other_agent, mailed, mailoutbox
):
    preferences_set(user=agent, choices={Kind.DISPUTE_SETTLED: Delivery.INBOX})
    first = notify([agent], Kind.SCRIPT_TO_CONFIRM, "Read script A.", "/library/scripts/a/")[0]
    notify([agent], Kind.ASSIGNMENT_DUE, "A review is due.", "/qa/")
    read = notify([agent], Kind.ASSIGNMENT_OVERDUE, "Already read.")[0]
    read.read_at = read.created_at
    read.save()
    notify([agent], Kind.DISPUTE_SETTLED, "Inbox only.")
    notify([agent], Kind.REVIEW_SUBMITTED, "At once, not in the digest.")
    notify([other_agent], Kind.REVIEW_SUBMITTED, "Oscar has nothing for the digest.")

    assert send_daily_digests(timestamp=0) == 1
    assert jobs(send_digest) == [{"user_id": agent.pk}]
    assert send_digest(user_id=agent.pk) == 2
    assert send_digest(user_id=agent.pk) == 0  # nothing twice
    (mail,) = mailoutbox
    assert mail.to == ["alice@example.org"]
    assert "Read script A." in mail.body and "A review is due." in mail.body
    assert "Already read." not in mail.body and "Inbox only." not in mail.body
    assert "At once" not in mail.body
    assert "http://127.0.0.1:8000/library/scripts/a/" in mail.body
    first.refresh_from_db()
    assert first.emailed_at is not None


# --- preferences ----------------------------------------------------------------------------


def test_the_preferences_page_shows_the_defaults_and_saves_choices(login, agent):
    client = login(agent)
    page = client.get(reverse("notification_preferences"))
    assert page.status_code == 200
    assert page.context["form"].fields[Kind.SCRIPT_TO_CONFIRM].initial == Delivery.DIGEST
    data = {kind: DEFAULT_DELIVERY[kind] for kind in Kind.values}
    data[Kind.REVIEW_SUBMITTED] = Delivery.INBOX
    response = client.post(reverse("notification_preferences"), data)
    assert response.status_code == 302
    assert Preference.objects.get(user=agent, kind=Kind.REVIEW_SUBMITTED).delivery == "inbox"


def test_preferences_offer_only_the_kinds_that_can_reach_each_role(login, agent, supervisor):
    def offered(person):
        return set(login(person).get(reverse("notification_preferences")).context["form"].fields)

    for_agent, for_supervisor = offered(agent), offered(supervisor)
    assert Kind.REVIEW_SUBMITTED in for_agent and Kind.DISPUTE_RAISED not in for_agent
    assert Kind.ASSIGNMENT_DUE in for_supervisor and Kind.REVIEW_SUBMITTED not in for_supervisor
    # Someone with both roles is offered both.
    from django.contrib.auth.models import Group

    supervisor.groups.add(Group.objects.get(name="Agent"))
    both = offered(supervisor)
    assert both == for_agent | for_supervisor


def test_a_made_up_delivery_is_refused_and_nothing_is_saved(login, agent):
    data = {kind: DEFAULT_DELIVERY[kind] for kind in Kind.values}
    data[Kind.REVIEW_SUBMITTED] = "carrier-pigeon"
    response = login(agent).post(reverse("notification_preferences"), data)
    assert response.status_code == 200
    assert "carrier-pigeon" in str(response.context["form"].errors)
    assert not Preference.objects.exists()


def test_preferences_set_refuses_unknown_kinds(agent):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        preferences_set(user=agent, choices={"nonsense": Delivery.INBOX})
    assert not Preference.objects.exists()


# --- the inbox ------------------------------------------------------------------------------


def test_the_inbox_lists_ones_own_newest_first(login, agent, other_agent):
    notify([agent], Kind.REVIEW_SUBMITTED, "Older one.")
    notify([agent], Kind.DISPUTE_SETTLED, "Newer one.")
    notify([other_agent], Kind.REVIEW_SUBMITTED, "Oscar's own.")
    body = login(agent).get(reverse("inbox")).content.decode()
    assert body.index("Newer one.") < body.index("Older one.")
    assert "Oscar&#x27;s own." not in body and "Oscar's own." not in body


def test_the_inbox_pages_in_constant_queries(login, agent, django_assert_max_num_queries):
    client = login(agent)
    for n in range(3):
        notify([agent], Kind.REVIEW_SUBMITTED, f"Note {n}.", "/x/")
    client.get(reverse("inbox"))
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("inbox"))
    for n in range(40):
        notify([agent], Kind.REVIEW_SUBMITTED, f"More {n}.", "/x/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("inbox"))
    assert page.context["page"].paginator.num_pages == 2


def test_mark_read_and_mark_all_read(login, agent):
    one, two, three = (notify([agent], Kind.REVIEW_SUBMITTED, f"N{n}.")[0] for n in range(3))
    client = login(agent)
    assert client.post(reverse("notification_mark_read", args=[one.pk])).status_code == 302
    one.refresh_from_db()
    assert one.read_at is not None
    response = client.post(reverse("notification_mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()


def test_marking_read_with_htmx_answers_the_row_and_the_bell(login, agent):
    one, _ = (notify([agent], Kind.REVIEW_SUBMITTED, f"N{n}.")[0] for n in range(2))
    response = login(agent).post(
        reverse("notification_mark_read", args=[one.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert f'id="notification-{one.pk}"' in body and "Mark read" not in body
    assert 'hx-swap-oob="true"' in body and "1 unread" in body


def test_someone_elses_notification_is_not_found(login, agent, other_agent):
    oscars = notify([other_agent], Kind.REVIEW_SUBMITTED, "Oscar's.", "/x/")[0]
    client = login(agent)
    assert client.post(reverse("notification_mark_read", args=[oscars.pk])).status_code == 404
    assert client.get(reverse("notification_open", args=[oscars.pk])).status_code == 404
    oscars.refresh_from_db()
    assert oscars.read_at is None


def test_mark_read_only_by_post(login, agent):
    one = notify([agent], Kind.REVIEW_SUBMITTED, "N.")[0]
    client = login(agent)
    assert client.get(reverse("notification_mark_read", args=[one.pk])).status_code == 405
    assert client.get(reverse("notification_mark_all_read")).status_code == 405
    one.refresh_from_db()
    assert one.read_at is None


def test_opening_a_notification_reads_it_and_follows_only_inside_links(login, agent):
    inside = notify([agent], Kind.REVIEW_SUBMITTED, "In.", "/my/reviews/")[0]
    outside = notify([agent], Kind.REVIEW_SUBMITTED, "Out.", "//evil.example/")[0]
    client = login(agent)
    assert client.get(reverse("notification_open", args=[inside.pk])).url == "/my/reviews/"
    assert client.get(reverse("notification_open", args=[outside.pk])).url == reverse("inbox")
    inside.refresh_from_db()
    assert inside.read_at is not None


# --- the bell -------------------------------------------------------------------------------


def test_the_bell_counts_unread_on_every_page(login, supervisor):
    client = login(supervisor)
    assert 'data-testid="bell-count"' not in client.get(reverse("review_queue")).content.decode()
    notify([supervisor], Kind.DISPUTE_RAISED, "A dispute.")
    notify([supervisor], Kind.DISPUTE_RAISED, "Another.")
    body = client.get(reverse("review_queue")).content.decode()
    assert 'aria-label="Notifications: 2 unread"' in body


def test_a_notification_drops_the_agents_kept_home_page(
    login, agent, settings, django_assert_num_queries
):
    settings.PAGE_CACHE = True
    client = login(agent)
    client.get("/")
    with django_assert_num_queries(2):  # the kept copy: the session and the user only
        assert "unread" not in client.get("/").content.decode().split("</nav>")[0]
    notify([agent], Kind.REVIEW_SUBMITTED, "New.")
    assert 'aria-label="Notifications: 1 unread"' in client.get("/").content.decode()
    with django_assert_num_queries(2):
        client.get("/")
    client.post(reverse("notification_mark_all_read"))
    assert "1 unread" not in client.get("/").content.decode()


# --- the API --------------------------------------------------------------------------------


def test_the_api_lists_the_callers_own_newest_first(login, agent, other_agent):
    notify([agent], Kind.REVIEW_SUBMITTED, "Older.", "/a/")
    newer = notify([agent], Kind.DISPUTE_SETTLED, "Newer.", "/b/")[0]
    notify([other_agent], Kind.REVIEW_SUBMITTED, "Oscar's.")
    data = login(agent).get("/api/v1/notifications/").json()
    assert data["count"] == 2
    first = data["results"][0]
    assert set(first) == {"id", "kind", "text", "url", "created_at", "read_at"}
    assert (first["id"], first["kind"], first["text"], first["url"], first["read_at"]) == (
        newer.pk,
        "dispute_settled",
        "Newer.",
        "/b/",
        None,
    )


def test_the_api_list_costs_the_same_whatever_its_length(
    login, agent, django_assert_max_num_queries
):
    client = login(agent)
    notify([agent], Kind.REVIEW_SUBMITTED, "One.")
    client.get("/api/v1/notifications/")
    with django_assert_max_num_queries(10) as few:
        client.get("/api/v1/notifications/")
    for n in range(60):
        notify([agent], Kind.REVIEW_SUBMITTED, f"More {n}.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/notifications/").json()["results"]) == 50


def test_the_api_marks_ones_own_read_and_not_anyone_elses(login, agent, other_agent):
    alices = notify([agent], Kind.REVIEW_SUBMITTED, "Alice's.")[0]
    oscars = notify([other_agent], Kind.REVIEW_SUBMITTED, "Oscar's.")[0]
    client = login(agent)
    response = client.post(f"/api/v1/notifications/{alices.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert client.post(f"/api/v1/notifications/{oscars.pk}/read/").status_code == 404
    assert client.post("/api/v1/notifications/999999/read/").status_code == 404
    assert client.get(f"/api/v1/notifications/{alices.pk}/read/").status_code == 405
    oscars.refresh_from_db()
    assert oscars.read_at is None


def test_the_personal_download_holds_ones_notifications_and_choices(login, agent):
    notify([agent], Kind.REVIEW_SUBMITTED, "Sue reviewed your phone interaction.", "/x/")
    preferences_set(user=agent, choices={Kind.DISPUTE_SETTLED: Delivery.DIGEST})
    data = login(agent).get(reverse("profile_export")).json()
    assert [(n["kind"], n["url"]) for n in data["notifications"]] == [("review_submitted", "/x/")]
    assert "text" not in data["notifications"][0]  # it names other people
    assert data["notification_preferences"] == {"dispute_settled": "digest"}


def test_the_bell_is_a_drawn_icon_with_its_label(login, agent):
    nav = login(agent).get("/").content.decode().split("</nav>")[0]
    bell = nav.split('id="bell"')[1].split("</a>")[0]
    assert "<svg" in bell and "&#128276;" not in bell and 'aria-label="Notifications' in bell


def test_mark_all_read_is_offered_only_with_something_unread(login, agent):
    client = login(agent)
    assert "Mark all read" not in client.get(reverse("inbox")).content.decode()
    notify([agent], Kind.REVIEW_SUBMITTED, "N.")
    assert "Mark all read" in client.get(reverse("inbox")).content.decode()
