"""The events that reach people today, each to the right person with a text that carries no
customer's words and no rating: a review, a dispute raised and settled, a must-read script,
a concern's new status."""

import pytest

from cases.models import Case
from cases.services import case_status_change, concern_raise, pending_reports_deliver
from notifications.models import Kind, Notification
from rubrics.disputes import dispute_raise, dispute_resolve
from scripts_library.models import Script
from scripts_library.services import script_confirmation_requested
from tests.conftest import review, self_score
from tests.test_script_acknowledgements import publish_change, staff_admin  # noqa: F401

pytestmark = pytest.mark.django_db

PRIVATE = ("ZD-SECRET", "Refund request")  # the interaction's reference and topic


def inbox(person) -> list[tuple[str, str, str]]:
    return list(
        Notification.objects.filter(recipient=person)
        .order_by("id")
        .values_list("kind", "text", "url")
    )


@pytest.fixture
def reviewed(agent, supervisor):
    interaction = self_score(agent, reference="ZD-SECRET").interaction
    review(interaction, supervisor)
    return interaction


def test_a_submitted_review_tells_the_agent_only(reviewed, agent, supervisor, other_agent):
    ((kind, text, url),) = inbox(agent)
    assert kind == Kind.REVIEW_SUBMITTED
    assert url == f"/interactions/{reviewed.pk}/"
    assert "reviewed your phone interaction of" in text
    assert not any(private in text for private in PRIVATE)
    assert "score" not in text.lower() and "%" not in text
    assert inbox(supervisor) == [] and inbox(other_agent) == []


def test_a_refused_review_tells_nobody(agent, other_supervisor):
    from django.core.exceptions import ValidationError

    interaction = self_score(agent).interaction
    with pytest.raises(ValidationError):
        review(interaction, other_supervisor)  # not their team
    assert inbox(agent) == []


def test_a_dispute_tells_the_reviewer_and_its_outcome_tells_the_agent(reviewed, agent, supervisor):
    dispute = dispute_raise(
        interaction=reviewed, agent=agent, reason="Fair enough?", proposed={"empathy": 5}
    )
    ((kind, text, url),) = inbox(supervisor)
    assert kind == Kind.DISPUTE_RAISED
    assert "disputed your review of their phone interaction" in text
    assert "Fair enough?" not in text and "ZD-SECRET" not in text
    assert url == f"/interactions/{reviewed.pk}/"

    dispute_resolve(dispute=dispute, resolver=supervisor, decision="rejected", reason="Kept.")
    kinds = [kind for kind, _, _ in inbox(agent)]
    assert kinds == [Kind.REVIEW_SUBMITTED, Kind.DISPUTE_SETTLED]
    settled = inbox(agent)[1][1]
    assert "was rejected by" in settled and "Kept." not in settled


def test_a_refused_dispute_tells_nobody(reviewed, agent, supervisor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        dispute_raise(interaction=reviewed, agent=agent, reason="", proposed={"empathy": 5})
    assert inbox(supervisor) == []


def test_a_cases_new_status_tells_its_named_reporter(agent, other_agent):
    named, _ = concern_raise(
        reporter=agent, category="breach", description="A laptop left unlocked.", anonymous=False
    )
    concern_raise(
        reporter=other_agent, category="gift", description="Tickets offered.", anonymous=True
    )
    pending_reports_deliver()
    anonymous = Case.objects.get(concern__is_anonymous=True)
    case_status_change(case=named, status="investigating")
    case_status_change(case=named, status="investigating")  # no change: nothing new to say
    case_status_change(case=anonymous, status="closed", outcome="Declined.")
    ((kind, text, url),) = [each for each in inbox(agent) if each[0] == Kind.CONCERN_STATUS]
    assert "is now investigating" in text and "laptop" not in text
    assert url == f"/concerns/{named.concern_id}/"
    # An anonymous report has nobody to tell.
    assert [each for each in inbox(other_agent) if each[0] == Kind.CONCERN_STATUS] == []


def test_publishing_a_must_read_script_asks_each_agent_who_has_not_confirmed(
    staff_admin,  # noqa: F811
    personas,
):
    script = Script.objects.get(slug="data-breach-report")
    publish_change(staff_admin, script, must_read=True)
    for persona in ("agent", "other_agent"):
        ((kind, text, url),) = inbox(personas[persona])
        assert kind == Kind.SCRIPT_TO_CONFIRM and script.title in text
        assert url == f"/library/scripts/{script.slug}/"
    for persona in ("supervisor", "other_supervisor", "admin"):
        assert inbox(personas[persona]) == []
    # A save without the tick asks nobody again.
    publish_change(staff_admin, script, must_read=False)
    assert len(inbox(personas["agent"])) == 1


def test_a_draft_asks_nobody_until_it_is_published(agent):
    script = Script.objects.get(slug="data-breach-report")
    script.status = Script.Status.DRAFT
    script.acknowledgement_version = script.version
    assert script_confirmation_requested(script=script) == 0
    script.status = Script.Status.PUBLISHED
    assert script_confirmation_requested(script=script) == 1
    assert inbox(agent)[0][0] == Kind.SCRIPT_TO_CONFIRM


# The bell and the review's unread state move together ------------------------------------------


def unread_review_notifications(agent) -> int:
    return Notification.objects.filter(recipient=agent, read_at__isnull=True).count()


def test_marking_a_review_read_reads_its_notification(login, reviewed, agent):
    assert unread_review_notifications(agent) == 1
    login(agent).post(f"/interactions/{reviewed.pk}/read/")
    assert unread_review_notifications(agent) == 0


def test_acknowledging_a_review_reads_its_notification(login, reviewed, agent):
    client = login(agent)
    client.post(f"/interactions/{reviewed.pk}/acknowledge/")
    assert unread_review_notifications(agent) == 0
    assert "unread review" not in client.get("/").content.decode()


def test_opening_the_notification_from_the_inbox_reads_the_review(login, reviewed, agent):
    client = login(agent)
    assert "unread review" in client.get("/").content.decode()
    notification = Notification.objects.get(recipient=agent)
    response = client.get(f"/inbox/{notification.pk}/")
    assert response.url == f"/interactions/{reviewed.pk}/"
    assert reviewed.evaluations.get(kind="review").seen_at is not None
    assert "unread review" not in client.get("/").content.decode()


def test_other_notifications_leave_the_review_unread(login, reviewed, agent, supervisor):
    from notifications.services import notify

    other = notify([agent], Kind.SCRIPT_TO_CONFIRM, "Confirm a script.", "/scripts/")[0]
    login(agent).get(f"/inbox/{other.pk}/")
    assert reviewed.evaluations.get(kind="review").seen_at is None
    assert unread_review_notifications(agent) == 1
