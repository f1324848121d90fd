"""The fairness audit's nightly job, page and CSV: stored rows, scopes, and who sees what."""

from decimal import Decimal

import pytest

from calibration.fairness_job import fairness_refresh
from calibration.models import FairnessRow
from rubrics.disputes import dispute_raise
from tests.conftest import RATINGS, review, self_score

LOW = {**RATINGS, "fairness": 2, "empathy": 2}


@pytest.fixture
def reviewed(agent, other_agent, supervisor, other_supervisor):
    north = [self_score(agent, reference=f"ZD-N{n}").interaction for n in range(3)]
    south = [self_score(other_agent, reference=f"ZD-S{n}").interaction for n in range(2)]
    for interaction in north:
        review(interaction, supervisor, LOW, comment="")
    for interaction in south:
        review(interaction, other_supervisor)
    dispute_raise(
        interaction=north[0], agent=agent, reason="It was fair.", proposed={"fairness": 4}
    )
    return north, south


def test_the_job_stores_every_scope_and_period(reviewed, supervisor, north):
    assert fairness_refresh() > 0
    organisation = FairnessRow.objects.filter(team=None, days=90)
    assert set(organisation.values_list("kind", flat=True)) == {
        "reviewer",
        "team",
        "channel",
        "agent",
    }
    sue = organisation.get(kind="reviewer", key=str(supervisor.pk))
    assert sue.reviews == 3
    assert sue.disputed_share == Decimal("0.333")
    assert sue.overturned_share is None  # the dispute is open
    # Fewer than ten reviews: nothing is flagged, however large the difference.
    assert not FairnessRow.objects.filter(flagged=True).exists()
    north_rows = FairnessRow.objects.filter(team=north, days=90)
    assert not north_rows.filter(kind="team").exists()
    assert north_rows.filter(kind="agent").count() == 1
    # Agents' rows carry the self-versus-review gap.
    assert north_rows.get(kind="agent").self_review_gap > 0


def test_a_second_run_replaces_the_first(reviewed):
    fairness_refresh()
    first = FairnessRow.objects.count()
    fairness_refresh()
    assert FairnessRow.objects.count() == first


def test_supervisors_see_their_own_teams_only(login, reviewed, supervisor, north, south):
    fairness_refresh()
    client = login(supervisor)
    page = client.get("/fairness/")
    assert page.status_code == 200
    assert page.context["team"] == north
    assert client.get(f"/fairness/?team={south.pk}").status_code == 404
    assert "Sam" not in page.content.decode()


def test_admins_see_the_organisation_and_the_csv(
    login, reviewed, admin_user, django_assert_max_num_queries
):
    fairness_refresh()
    client = login(admin_user)
    with django_assert_max_num_queries(12):
        page = client.get("/fairness/?days=365")
    assert page.status_code == 200 and page.context["team"] is None
    csv = b"".join(client.get("/fairness/export.csv").streaming_content).decode()
    assert csv.splitlines()[0].startswith("kind,name,reviews,mean_percent")
    assert "reviewer" in csv and "channel" in csv


def test_agents_may_not_open_it(login, agent):
    assert login(agent).get("/fairness/").status_code == 403


def test_nothing_before_the_first_run(login, admin_user):
    page = login(admin_user).get("/fairness/").content.decode()
    assert "computed each night" in page


def test_the_page_names_channels_and_shows_shares_as_percentages(
    login, reviewed, admin_user, supervisor
):
    fairness_refresh()
    body = login(admin_user).get("/fairness/").content.decode()
    channel = FairnessRow.objects.filter(team=None, days=90, kind="channel").first()
    assert channel.label != channel.key  # "Phone", not "phone"
    assert f'<th scope="row">{channel.label}</th>' in body
    # Sue: 1 of her 3 reviews disputed.
    assert "<td>33%</td>" in body


def test_a_long_section_shows_fifty_rows_flagged_first_and_counts_the_rest(
    login, admin_user, django_assert_max_num_queries
):
    from django.utils import timezone

    now = timezone.now()
    FairnessRow.objects.bulk_create(
        FairnessRow(
            team=None,
            days=90,
            kind="agent",
            key=str(number),
            label=f"Agent {number:03d}",
            reviews=12,
            flagged=number in (70, 71),
            words="Scored lower than the rest." if number in (70, 71) else "",
            computed_at=now,
        )
        for number in range(73)
    )
    client = login(admin_user)
    with django_assert_max_num_queries(12):
        page = client.get("/fairness/").content.decode()
    names = [line for line in page.split('<th scope="row">')[1:]]
    shown = [name.split("<")[0] for name in names]
    assert len(shown) == 50
    assert shown[:3] == ["Agent 070", "Agent 071", "Agent 000"]
    assert "23 more agents are in the CSV" in page
    csv = b"".join(client.get("/fairness/export.csv").streaming_content).decode()
    assert len(csv.splitlines()) == 1 + 73
