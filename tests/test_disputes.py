"""Acknowledging a review, and the dispute lifecycle with its history."""

import pytest
from django.core.exceptions import ValidationError

from rubrics.disputes import dispute_raise, dispute_resolve
from rubrics.models import Dispute, DisputeItem, Evaluation, Rating
from tests.conftest import make_user, review, self_score

pytestmark = pytest.mark.django_db

REVIEWED = {"empathy": 3, "accuracy": 4, "fairness": 2, "transparency": 4, "respect": 5}


@pytest.fixture
def reviewed(agent, supervisor):
    """Alice's interaction, self-scored and then reviewed by Sue."""
    interaction = self_score(agent).interaction
    review(interaction, supervisor, REVIEWED, comment="Check the policy before promising.")
    return interaction


def counts():
    return (
        Dispute.objects.count(),
        DisputeItem.objects.count(),
        Evaluation.objects.count(),
        Rating.objects.count(),
    )


def dispute_url(interaction):
    return f"/interactions/{interaction.pk}/dispute/"


def raise_dispute(interaction, agent, **proposed):
    return dispute_raise(
        interaction=interaction,
        agent=agent,
        reason="I did check the policy; the notes show it.",
        proposed=proposed or {"fairness": 4},
    )


# Acknowledging --------------------------------------------------------------------------------


def test_agent_acknowledges_a_review(login, agent, reviewed):
    client = login(agent)
    body = client.get(f"/interactions/{reviewed.pk}/").content.decode()
    assert "Acknowledge the review" in body and "Check the policy before promising." in body
    response = client.post(f"/interactions/{reviewed.pk}/acknowledge/", follow=True)
    assert "the review is acknowledged" in response.content.decode()
    current = Evaluation.objects.get(kind="review")
    assert current.acknowledged_at is not None and current.seen_at is not None
    again = client.post(f"/interactions/{reviewed.pk}/acknowledge/", follow=True)
    assert "already acknowledged" in again.content.decode()
    # An acknowledged review can no longer be disputed.
    before = counts()
    response = client.post(
        dispute_url(reviewed), {"reason": "Changed my mind", "propose_fairness": "4"}
    )
    assert "no longer be disputed" in response.content.decode()
    assert counts() == before


def test_only_the_agent_acknowledges(login, reviewed, supervisor, other_agent):
    assert login(supervisor).post(f"/interactions/{reviewed.pk}/acknowledge/").status_code == 403
    assert login(other_agent).post(f"/interactions/{reviewed.pk}/acknowledge/").status_code == 404
    assert Evaluation.objects.get(kind="review").acknowledged_at is None


def test_nothing_to_acknowledge_before_a_review(login, agent):
    interaction = self_score(agent).interaction
    response = login(agent).post(f"/interactions/{interaction.pk}/acknowledge/", follow=True)
    assert "not been reviewed yet" in response.content.decode()


# Raising a dispute ----------------------------------------------------------------------------


def test_agent_disputes_chosen_criteria_with_reason_and_proposals(login, agent, reviewed):
    client = login(agent)
    form = client.get(dispute_url(reviewed)).content.decode()
    assert "Fairness (reviewed: 2)" in form
    response = client.post(
        dispute_url(reviewed),
        {
            "reason": "I followed the refund policy.",
            "propose_fairness": "4",
            "propose_empathy": "4",
        },
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.status == "open" and dispute.raised_by == agent
    assert dispute.review == Evaluation.objects.get(kind="review")
    items = {
        item.criterion.key: (item.original_value, item.proposed_value)
        for item in dispute.items.all()
    }
    assert items == {"fairness": (2, 4), "empathy": (3, 4)}
    # The review itself is untouched.
    assert Evaluation.objects.filter(kind="review").count() == 1
    body = client.get(f"/interactions/{reviewed.pk}/").content.decode()
    assert 'data-testid="dispute-status">Open<' in body
    assert "Acknowledge the review" not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", "propose_fairness": "4"}, "Say why you disagree"),
        ({"reason": "   ", "propose_fairness": "4"}, "Say why you disagree"),
        ({"reason": "Unfair"}, "at least one criterion"),
        ({"reason": "Unfair", "propose_fairness": "2"}, "already rated 2"),
        ({"reason": "Unfair", "propose_fairness": "7"}, "Select a valid choice"),
        ({"reason": "Unfair", "propose_fairness": "abc"}, "Select a valid choice"),
        ({"reason": "x" * 2001, "propose_fairness": "4"}, "at most 2000"),
        ({"reason": "Mail me at someone@example.com", "propose_fairness": "4"}, "e-mail"),
    ],
)
def test_dispute_bad_input_saves_nothing(login, agent, reviewed, data, message):
    before = counts()
    response = login(agent).post(dispute_url(reviewed), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


def test_a_review_is_disputed_once(login, agent, reviewed):
    raise_dispute(reviewed, agent)
    before = counts()
    response = login(agent).post(dispute_url(reviewed), {"reason": "Again", "propose_empathy": "5"})
    assert "already disputed" in response.content.decode()
    assert counts() == before


def test_dispute_service_refuses_unknown_criteria_and_other_agents(agent, other_agent, reviewed):
    with pytest.raises(ValidationError, match="not a criterion"):
        raise_dispute(reviewed, agent, kindness=5)
    with pytest.raises(ValidationError, match="Only the agent"):
        raise_dispute(reviewed, other_agent)
    with pytest.raises(ValidationError, match="from 1 to 5"):
        raise_dispute(reviewed, agent, fairness=True)
    assert Dispute.objects.count() == 0


def test_dispute_pages_by_persona(client, personas, reviewed):
    for persona, expected in [
        ("agent", 200),
        ("other_agent", 404),
        ("supervisor", 403),
        ("other_supervisor", 403),
        ("admin", 403),
    ]:
        client.force_login(personas[persona])
        assert client.get(dispute_url(reviewed)).status_code == expected, persona


def test_no_dispute_before_a_review(login, agent):
    interaction = self_score(agent).interaction
    assert login(agent).get(dispute_url(interaction)).status_code == 404


# Settling a dispute ---------------------------------------------------------------------------


def resolve_url(dispute):
    return f"/disputes/{dispute.pk}/resolve/"


def test_accepting_creates_a_corrected_revision_and_keeps_the_original(
    login, agent, supervisor, reviewed
):
    dispute = raise_dispute(reviewed, agent, fairness=4, empathy=4)
    original = dispute.review
    client = login(supervisor)
    assert "Settle this dispute" in client.get(f"/interactions/{reviewed.pk}/").content.decode()
    response = client.post(
        resolve_url(dispute), {"decision": "accepted", "reason": "The notes confirm the check."}
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    original.refresh_from_db()
    corrected = dispute.corrected_review
    assert dispute.status == "accepted" and dispute.resolved_by == supervisor
    assert dispute.resolved_at is not None
    assert (original.is_current, corrected.is_current) == (False, True)
    assert corrected.supersedes == original and corrected.revision == 2
    values = {r.criterion.key: r.value for r in corrected.ratings.all()}
    assert values == {**REVIEWED, "fairness": 4, "empathy": 4}
    assert {r.criterion.key: r.value for r in original.ratings.all()} == REVIEWED
    assert corrected.score > original.score
    assert "The notes confirm the check." in corrected.revision_reason

    # The agent sees every step: who, when, before, after and why.
    body = login(agent).get(f"/interactions/{reviewed.pk}/").content.decode()
    assert "Disputed the review: Empathy 3 → proposed 4; Fairness 2 → proposed 4" in body
    assert "Accepted the dispute: Empathy 3 → 4; Fairness 2 → 4" in body
    assert "The notes confirm the check." in body
    assert "I did check the policy; the notes show it." in body
    assert "Corrected the review (revision 2)" in body and "since superseded" in body
    # The corrected review is new to the agent, who can mark it read or acknowledge it.
    assert Evaluation.objects.get(pk=corrected.pk).seen_at is None
    assert 'data-testid="mark-read"' in body and "Acknowledge the review" in body


def test_partly_accepting_uses_the_resolvers_ratings(login, agent, supervisor, reviewed):
    dispute = raise_dispute(reviewed, agent, fairness=5, empathy=5)
    response = login(supervisor).post(
        resolve_url(dispute),
        {
            "decision": "partly_accepted",
            "reason": "Fairness was better than I said; empathy stands.",
            "final_fairness": "3",
            "final_empathy": "3",
        },
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    finals = {item.criterion.key: item.final_value for item in dispute.items.all()}
    assert finals == {"fairness": 3, "empathy": 3}
    values = {r.criterion.key: r.value for r in dispute.corrected_review.ratings.all()}
    assert values == {**REVIEWED, "fairness": 3}


def test_rejecting_keeps_the_review_and_records_the_reason(login, agent, supervisor, reviewed):
    dispute = raise_dispute(reviewed, agent)
    before = Evaluation.objects.count()
    login(supervisor).post(
        resolve_url(dispute), {"decision": "rejected", "reason": "No note of the check."}
    )
    dispute.refresh_from_db()
    assert dispute.status == "rejected" and dispute.corrected_review is None
    assert Evaluation.objects.count() == before
    assert [item.final_value for item in dispute.items.all()] == [2]
    body = login(agent).get(f"/interactions/{reviewed.pk}/").content.decode()
    assert "Rejected the dispute: Fairness 2 → 2" in body and "No note of the check." in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "accepted", "reason": ""}, "Say why you decided"),
        ({"reason": "Because"}, "Choose accept, partly accept or reject"),
        ({"decision": "maybe", "reason": "Because"}, "Select a valid choice"),
        ({"decision": "partly_accepted", "reason": "Because"}, "Give Fairness a rating"),
        (
            {"decision": "partly_accepted", "reason": "Because", "final_fairness": "2"},
            "change nothing",
        ),
        (
            {"decision": "partly_accepted", "reason": "Because", "final_fairness": "6"},
            "Give Fairness a rating from 2 (the review)",
        ),
    ],
)
def test_resolution_bad_input_changes_nothing(login, agent, supervisor, reviewed, data, message):
    dispute = raise_dispute(reviewed, agent)
    before = counts()
    response = login(supervisor).post(resolve_url(dispute), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before
    dispute.refresh_from_db()
    assert dispute.status == "open"


def test_only_the_reviewer_or_an_admin_settles(
    login, agent, supervisor, north, admin_user, other_supervisor, reviewed
):
    dispute = raise_dispute(reviewed, agent)
    colleague = make_user("cleo", "Supervisor", leads=[north])
    data = {"decision": "accepted", "reason": "Fine"}
    assert login(colleague).post(resolve_url(dispute), data).status_code == 403
    assert login(other_supervisor).post(resolve_url(dispute), data).status_code == 404
    assert login(agent).post(resolve_url(dispute), data).status_code == 403
    dispute.refresh_from_db()
    assert dispute.is_open
    with pytest.raises(ValidationError, match="Only the supervisor who wrote the review"):
        dispute_resolve(dispute=dispute, resolver=colleague, decision="accepted", reason="Fine")
    assert login(admin_user).post(resolve_url(dispute), data).status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "accepted" and dispute.resolved_by == admin_user


def test_a_settled_dispute_cannot_be_settled_again(login, agent, supervisor, reviewed):
    dispute = raise_dispute(reviewed, agent)
    dispute_resolve(dispute=dispute, resolver=supervisor, decision="rejected", reason="No")
    before = counts()
    response = login(supervisor).post(
        resolve_url(dispute), {"decision": "accepted", "reason": "Yes"}, follow=True
    )
    assert "already been settled" in response.content.decode()
    assert counts() == before
    with pytest.raises(ValidationError, match="already been settled"):
        dispute_resolve(dispute=dispute, resolver=supervisor, decision="accepted", reason="Yes")


def test_after_a_rejected_dispute_the_agent_can_acknowledge(login, agent, supervisor, reviewed):
    dispute = raise_dispute(reviewed, agent)
    dispute_resolve(dispute=dispute, resolver=supervisor, decision="rejected", reason="No")
    client = login(agent)
    client.post(f"/interactions/{reviewed.pk}/acknowledge/")
    assert Evaluation.objects.get(kind="review").acknowledged_at is not None


def test_home_tells_the_reviewer_about_open_disputes(login, agent, supervisor, reviewed):
    raise_dispute(reviewed, agent)
    body = login(supervisor).get("/").content.decode()
    assert 'data-testid="disputes-to-settle">1 dispute' in body


def test_resolve_page_wrong_method(login, agent, supervisor, reviewed):
    dispute = raise_dispute(reviewed, agent)
    assert login(supervisor).delete(resolve_url(dispute)).status_code == 405


def test_partly_accepting_never_goes_below_the_review_or_above_the_proposal(
    login, agent, supervisor, reviewed
):
    dispute = raise_dispute(reviewed, agent, fairness=4)  # the review said 2
    client = login(supervisor)
    for value in ("1", "5"):
        before = counts()
        response = client.post(
            resolve_url(dispute),
            {"decision": "partly_accepted", "reason": "Meet halfway", "final_fairness": value},
        )
        assert "from 2 (the review) to 4 (the agent&#x27;s proposal)" in response.content.decode()
        assert counts() == before
    client.post(
        resolve_url(dispute),
        {"decision": "partly_accepted", "reason": "Meet halfway", "final_fairness": "3"},
    )
    dispute.refresh_from_db()
    assert dispute.status == "partly_accepted"


def test_a_long_reviewer_comment_keeps_the_dispute_note(agent, supervisor):
    interaction = self_score(agent).interaction
    from rubrics.services import review_submit

    review_submit(
        interaction=interaction,
        reviewer=supervisor,
        ratings=REVIEWED,
        comments={"fairness": "w" * 1000},
    )
    dispute = raise_dispute(interaction, agent, fairness=4)
    dispute_resolve(dispute=dispute, resolver=supervisor, decision="accepted", reason="Fair")
    dispute.refresh_from_db()
    comment = dispute.corrected_review.ratings.get(criterion__key="fairness").comment
    assert len(comment) <= 1000
    assert comment.endswith("Changed from 2 to 4 after the agent's dispute.")


def final_options(body, key):
    import re

    select = re.search(rf'<select[^>]*name="final_{key}".*?</select>', body, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_settlement_offers_only_ratings_from_the_review_to_the_proposal(
    login, agent, supervisor, north, reviewed
):
    # The review said fairness 2 and empathy 3; the agent proposes 4 and 5.
    dispute = raise_dispute(reviewed, agent, fairness=4, empathy=5)
    body = login(supervisor).get(resolve_url(dispute)).content.decode()
    assert final_options(body, "fairness") == ["", "2", "3", "4"]
    assert final_options(body, "empathy") == ["", "3", "4", "5"]
    # An agent asking for less than the review was given: the range runs the other way.
    other = self_score(make_user("bob", "Agent", team=north), reference="ZD-2")
    review(other.interaction, supervisor, {**REVIEWED, "fairness": 4})
    lower = raise_dispute(other.interaction, other.interaction.agent, fairness=2)
    body = login(supervisor).get(resolve_url(lower)).content.decode()
    assert final_options(body, "fairness") == ["", "2", "3", "4"]


@pytest.mark.parametrize("value", ["1", "5", "6", "0", "abc"])
def test_a_settlement_rating_outside_the_range_is_refused_beside_its_picker(
    login, agent, supervisor, reviewed, value
):
    dispute = raise_dispute(reviewed, agent, fairness=4)  # the review said 2
    before = counts()
    response = login(supervisor).post(
        resolve_url(dispute),
        {"decision": "partly_accepted", "reason": "Meet halfway", "final_fairness": value},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        '<div class="invalid-feedback">Give Fairness a rating from 2 (the review) '
        "to 4 (the agent&#x27;s proposal).</div>"
    ) in body
    assert counts() == before
    dispute.refresh_from_db()
    assert dispute.status == "open"


def test_the_partly_accept_choice_points_at_the_pickers_above_it(
    login, agent, supervisor, reviewed
):
    dispute = raise_dispute(reviewed, agent)
    body = login(supervisor).get(resolve_url(dispute)).content.decode()
    assert "ratings I set below" not in body
    # The pickers' table comes first on the page, then the decision that refers to it.
    assert body.index('name="final_fairness"') < body.index("Partly accept: use the new ratings")
    assert "Partly accept: use the new ratings I chose in the table above" in body


def test_a_missing_settlement_rating_names_each_end_of_its_range(
    login, agent, supervisor, north, reviewed
):
    bob = make_user("bob", "Agent", team=north)
    interaction = self_score(bob, reference="ZD-2").interaction
    review(interaction, supervisor, {**REVIEWED, "fairness": 4})
    lower = raise_dispute(interaction, bob, fairness=2)  # less than the review gave
    before = counts()
    response = login(supervisor).post(
        resolve_url(lower), {"decision": "partly_accepted", "reason": "Meet halfway"}
    )
    assert (
        "Give Fairness a rating from 2 (the agent&#x27;s proposal) to 4 (the review)."
        in response.content.decode()
    )
    assert counts() == before


def test_a_superseded_review_never_counts_as_unread(login, agent, supervisor, reviewed):
    """The corrected revision is new to the agent until read; the one it replaced never counts."""
    dispute = raise_dispute(reviewed, agent, fairness=4)
    dispute_resolve(dispute=dispute, resolver=supervisor, decision="accepted", reason="Agreed.")
    client = login(agent)
    assert "<strong>1</strong> unread review." in client.get("/").content.decode()
    client.post(f"/interactions/{reviewed.pk}/read/")
    assert "unread review" not in client.get("/").content.decode()
    assert Evaluation.objects.get(kind="review", is_current=True).seen_at is not None
