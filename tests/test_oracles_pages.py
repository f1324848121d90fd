"""Every figure the dashboards, My scores, the CSV export and the team-summary API show, held
to plain Python computed from the inputs the test wrote (see tests/test_oracles.py for the
writes, the time zones and the pinned clocks). Averages are exact Decimal quotients of the
written scores, the gaps exact fractions, the days local days from `zoneinfo`.
"""

import csv
import io
from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from rubrics.models import Rubric
from teams.models import Membership
from tests.test_oracles import CASES, V2_WEIGHTS, band, period_start, pinned_world

pytestmark = pytest.mark.django_db


@pytest.fixture(params=list(CASES))
def world(request, settings):
    yield from pinned_world(request.param, settings)


def mean(values) -> Decimal | None:
    values = list(values)
    return sum(values, Decimal(0)) / len(values) if values else None


def in_window(world, dates, teams, agent_id=None, channel=None) -> list:
    first, last = world.window(dates)
    return [
        contact
        for contact in world.contacts
        if contact.team_id in teams
        and agent_id in (None, contact.agent_id)
        and channel in (None, contact.interaction.channel)
        and first <= world.day(contact) <= last
    ]


def sources(contacts, blind) -> tuple[list, list]:
    """The self-scores a viewer's figures count (reviewed ones only when blind), the reviews.
    An interaction reviewed but never self-scored adds a review and no self-score."""
    reviewed = [contact for contact in contacts if contact.review]
    selfs = [c.self for c in (reviewed if blind else contacts) if c.self]
    return selfs, [c.review for c in reviewed]


def averages(contacts, blind) -> dict:
    selfs, reviews = sources(contacts, blind)
    return {
        "self_avg": mean(s.score for s in selfs),
        "self_pct": mean(s.percent for s in selfs),
        "review_avg": mean(r.score for r in reviews),
        "review_pct": mean(r.percent for r in reviews),
        "scored": sum(1 for c in contacts if c.self),
        "reviewed": len(reviews),
        "interaction_count": len(contacts),
        "percent_reviewed": reviewed_share(len(reviews), len(contacts)),
    }


def reviewed_share(reviewed, interactions) -> Decimal | None:
    return Decimal(100 * reviewed) / interactions if interactions else None


def criteria(world, contacts, blind) -> list[dict]:
    """Per criterion key, over both rubric versions; name, weight and place from the newest
    version rated in the window."""
    newest, sums = {}, defaultdict(lambda: [0, 0, 0, 0])
    for contact in contacts:
        for key in V2_WEIGHTS:
            mine = contact.self.ratings[key] if contact.self else None
            theirs = contact.review.ratings[key] if contact.review else None
            if mine is not None or theirs is not None:
                newest[key] = max(newest.get(key, 0), contact.version)
            if mine is not None and (contact.review or not blind):
                sums[key][0] += mine
                sums[key][1] += 1
            if theirs is not None:
                sums[key][2] += theirs
                sums[key][3] += 1
    rows = []
    for key, version in newest.items():
        criterion = world.criteria[version, key]
        self_sum, self_n, review_sum, review_n = sums[key]
        self_avg = Decimal(self_sum) / self_n if self_n else None
        review_avg = Decimal(review_sum) / review_n if review_n else None
        rows.append(
            {
                "key": key,
                "name": criterion.name,
                "weight": criterion.weight,
                "position": criterion.position,
                "self_avg": self_avg,
                "self_count": self_n,
                "review_avg": review_avg,
                "review_count": review_n,
                "gap": self_avg - review_avg if self_n and review_n else None,
            }
        )
    return sorted(rows, key=lambda row: (row["position"], row["key"]))


def trend(world, contacts, blind) -> list[dict]:
    weeks = defaultdict(list)
    for contact in contacts:
        weeks[period_start("W", world.day(contact))].append(contact)
    result, week = [], min(weeks, default=None)
    while weeks and week <= max(weeks):
        figures = averages(weeks.get(week, []), blind)
        result.append(
            {
                "week": week.isoformat(),
                "self": None if figures["self_avg"] is None else float(figures["self_avg"]),
                "review": None if figures["review_avg"] is None else float(figures["review_avg"]),
            }
        )
        week += timedelta(days=7)
    return result


def distribution(contacts, blind) -> dict:
    selfs, reviews = sources(contacts, blind)
    counts = {"self": [0] * 10, "review": [0] * 10}
    for kind, scored in [("self", s) for s in selfs] + [("review", r) for r in reviews]:
        counts[kind][band(scored.percent)] += 1
    return counts


def basis(figures) -> Decimal | None:
    return figures["review_pct"] if figures["review_pct"] is not None else figures["self_pct"]


def agent_rows(world, contacts, teams, blind, threshold, under_only=False) -> list[tuple]:
    team_of = dict(Membership.objects.values_list("user_id", "team_id"))
    rows = []
    for person in world.agents:
        if team_of[person.pk] not in teams:
            continue
        figures = averages([c for c in contacts if c.agent_id == person.pk], blind)
        pct = basis(figures)
        below = pct is not None and pct < threshold
        rows.append((person, figures, below))
    if under_only:
        rows = sorted((r for r in rows if r[2]), key=lambda r: (basis(r[1]), r[0].username))[:10]
    else:
        rows.sort(key=lambda r: (r[0].first_name, r[0].last_name, r[0].username))
    return [(person.username, figures, below) for person, figures, below in rows]


def shown_agents(people) -> list[tuple]:
    names = ["self_avg", "self_pct", "review_avg", "review_pct", "scored", "reviewed"]
    names += ["interaction_count", "percent_reviewed"]
    return [
        (p.username, {name: getattr(p, name) for name in names}, p.below_threshold) for p in people
    ]


def gaps(contacts) -> list[tuple]:
    sums = defaultdict(lambda: [0, 0, 0, 0])
    for contact in contacts:
        if contact.review is None or contact.self is None:
            continue
        for key in V2_WEIGHTS:
            entry = sums[contact.agent_id, key]
            for offset, value in enumerate(
                (contact.self.ratings[key], contact.review.ratings[key])
            ):
                if value is not None:
                    entry[2 * offset] += value
                    entry[2 * offset + 1] += 1
    rows = [
        (agent_id, key, Fraction(s, sn) - Fraction(r, rn), rn)
        for (agent_id, key), (s, sn, r, rn) in sums.items()
        if sn and rn
    ]
    rows = sorted((r for r in rows if r[2]), key=lambda r: (-abs(r[2]), r[0], r[1]))[:10]
    return [(agent_id, key, float(gap), pairs) for agent_id, key, gap, pairs in rows]


def waiting(world, teams, agent_id=None, channel=None) -> dict:
    """Whatever the window: reviews under an open dispute, and the others not acknowledged."""
    mine = [
        c
        for c in world.contacts
        if c.review
        and c.team_id in teams
        and agent_id in (None, c.agent_id)
        and channel in (None, c.interaction.channel)
    ]
    disputed = sorted(c.review.evaluation.pk for c in mine if c.disputed)
    waiting = sorted(
        c.review.evaluation.pk for c in mine if not c.disputed and not c.review.acknowledged
    )
    return {"disputes": disputed, "unacknowledged": waiting}


def query(dates, **extra) -> str:
    first, last = dates
    params = {"date_from": first, "date_to": last, **extra}
    return "&".join(f"{name}={value}" for name, value in params.items() if value is not None)


def check_dashboard(
    world, context, dates, teams, *, blind, threshold, agent_id=None, org=False, channel=None
):
    contacts = in_window(world, dates, teams, agent_id, channel)
    totals = averages(contacts, blind)
    shown = {name: context["totals"][name] for name in totals}
    assert shown == totals
    queue = waiting(world, teams, agent_id, channel)
    assert context["totals"]["open_disputes"] == len(queue["disputes"])
    assert context["totals"]["unacknowledged"] == len(queue["unacknowledged"])
    assert {kind: [r.pk for r in reviews] for kind, reviews in context["waiting"].items()} == {
        kind: pks[:10] for kind, pks in queue.items()
    }
    assert context["criteria"] == criteria(world, contacts, blind)
    assert context["trend"] == trend(world, contacts, blind)
    distribution_shown = {kind: context["distribution"][kind] for kind in ("self", "review")}
    assert distribution_shown == distribution(contacts, blind)
    everyone = in_window(world, dates, teams, channel=channel)
    under_only = org and len(teams) > 1 and agent_id is None
    expected_agents = agent_rows(world, everyone, teams, blind, threshold, under_only)
    assert shown_agents(context["agents"]) == expected_agents
    shown_gaps = [
        (row["agent_id"], row["criterion__key"], row["gap"], row["pairs"])
        for row in context["gaps"]
    ]
    assert shown_gaps == gaps(contacts)
    return expected_agents


def check_comparison(world, teams_shown, dates, blind):
    for team in teams_shown:
        figures = averages(in_window(world, dates, {team.pk}), blind)
        figures["gap"] = (
            figures["self_avg"] - figures["review_avg"]
            if figures["self_avg"] is not None and figures["review_avg"] is not None
            else None
        )
        assert {name: getattr(team, name) for name in figures} == figures, team.name


def two_places(value, places="0.01"):
    if value is None:
        return None
    return str(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def check_summary(world, client, team, dates, blind):
    first, last = world.window(dates)
    body = client.get(f"/api/v1/teams/{team.pk}/summary/?from={first}&to={last}").json()
    contacts = in_window(world, dates, {team.pk})
    figures = averages(contacts, blind)
    assert body["count"] == figures["interaction_count"] and body["reviewed"] == figures["reviewed"]
    assert (body["date_from"], body["date_to"]) == (first.isoformat(), last.isoformat())
    for field, name, places in [
        ("self_score", "self_avg", "0.01"),
        ("self_percent", "self_pct", "0.1"),
        ("review_score", "review_avg", "0.01"),
        ("review_percent", "review_pct", "0.1"),
    ]:
        assert (field, body[field]) == (field, two_places(figures[name], places))
    assert body["criteria"] == [
        {
            "key": row["key"],
            "name": row["name"],
            "weight": row["weight"],
            "self_average": two_places(row["self_avg"]),
            "review_average": two_places(row["review_avg"]),
        }
        for row in criteria(world, contacts, blind)
    ]


def check_export(world, client, dates, teams, *, blind, channel=None):
    response = client.get(f"/dashboard/export.csv?{query(dates, channel=channel)}")
    assert response.status_code == 200
    reader = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    rows = list(reader)
    current = Rubric.objects.current().version
    # The current version's order (turned round from version 1's).
    keys = sorted(V2_WEIGHTS, key=lambda key: world.criteria[current, key].position)
    assert reader.fieldnames[-len(keys) :] == keys
    expected = []
    order = sorted(
        in_window(world, dates, teams, channel=channel),
        key=lambda c: (c.occurred, c.interaction.pk),
    )
    for contact in order:
        kinds = [("self", contact.self)] if contact.self and (contact.review or not blind) else []
        for kind, scored in kinds + ([("review", contact.review)] if contact.review else []):
            ratings = ["" if scored.ratings[k] is None else str(scored.ratings[k]) for k in keys]
            expected.append(
                [contact.interaction.reference, kind, str(contact.version)]
                + [str(scored.score), str(scored.percent)]
                + ratings
            )
    fields = ["reference", "kind", "rubric_version", "score", "percent"]
    assert [[row[f] for f in fields + keys] for row in rows] == expected


def check_my_scores(world, client, person, dates):
    first, last = world.window(dates)
    context = client.get(f"/my/scores/?{query((first, last))}").context
    mine = [c for c in world.contacts if c.agent_id == person.pk and first <= world.day(c) <= last]
    assert {name: context["totals"][name] for name in averages(mine, False)} == averages(
        mine, False
    )
    assert context["criteria"] == criteria(world, mine, False)
    assert context["trend"] == trend(world, mine, False)
    team_id = Membership.objects.get(user=person).team_id
    team = averages(in_window(world, (first, last), {team_id}), False)
    assert {name: context["team"][name] for name in team} == team
    newest = sorted(mine, key=lambda c: (c.occurred, c.interaction.pk), reverse=True)[:25]
    shown = [(i.pk, i.self_score, i.review_score) for i in context["page"].object_list]
    expected = [
        (c.interaction.pk, c.self and c.self.score, c.review.score if c.review else None)
        for c in newest
    ]
    assert shown == expected


def check_evidence(world, client, person, dates, *, blind):
    first, last = world.window(dates)
    url = f"/proof-plan/evidence/{person.pk}/?{query((first, last))}"
    context = client.get(url).context
    mine = [c for c in world.contacts if c.agent_id == person.pk and first <= world.day(c) <= last]
    figures = averages(mine, blind)
    assert {name: context["score_totals"][name] for name in figures} == figures
    assert context["criteria"] == criteria(world, mine, blind)
    assert context["trend"] == trend(world, mine, blind)


def test_pages_equal_the_oracle(world, client):
    """Each window of the case, as a blind supervisor, an admin and two agents see it."""
    north, south = world.teams["north"].pk, world.teams["south"].pk
    sue, ada = world.leaders[north], world.admin
    dora = world.agents[-1]
    north_agent = next(a for a in world.agents if a.membership.team_id == north)
    for dates in world.case.windows:
        client.force_login(sue)  # blind: she reviews North
        context = client.get(f"/dashboard/?{query(dates, threshold=70)}").context
        check_dashboard(world, context, dates, {north}, blind=True, threshold=Decimal(70))
        context = client.get(f"/dashboard/?{query(dates, agent=north_agent.pk, threshold=55)}")
        check_dashboard(
            world,
            context.context,
            dates,
            {north},
            blind=True,
            threshold=55,
            agent_id=north_agent.pk,
        )
        check_summary(world, client, world.teams["north"], dates, blind=True)
        check_evidence(world, client, north_agent, dates, blind=True)
        check_export(world, client, dates, {north}, blind=True)
        # Sliced by channel: the agents' self-scored chats, the supervisors' recorded calls.
        context = client.get(f"/dashboard/?{query(dates, channel='chat', threshold=70)}").context
        check_dashboard(world, context, dates, {north}, blind=True, threshold=70, channel="chat")
        check_export(world, client, dates, {north}, blind=True, channel="phone")

        client.force_login(ada)
        context = client.get(f"/dashboard/organisation/?{query(dates, threshold=60)}").context
        check_dashboard(world, context, dates, {north, south}, blind=False, threshold=60, org=True)
        check_comparison(world, context["comparison"], dates, blind=False)
        context = client.get(f"/dashboard/?{query(dates, team=south, threshold=60)}").context
        check_dashboard(world, context, dates, {south}, blind=False, threshold=60)
        check_summary(world, client, world.teams["south"], dates, blind=False)
        check_export(world, client, dates, {north, south}, blind=False)
        url = f"/dashboard/organisation/?{query(dates, channel='phone', threshold=60)}"
        context = client.get(url).context
        check_dashboard(
            world,
            context,
            dates,
            {north, south},
            blind=False,
            threshold=60,
            org=True,
            channel="phone",
        )
        context = client.get(f"/dashboard/?{query(dates, team=south, channel='chat')}").context
        check_dashboard(world, context, dates, {south}, blind=False, threshold=60, channel="chat")

        for person in (north_agent, dora):
            client.force_login(person)
            check_my_scores(world, client, person, dates)
    check_threshold_is_strict(world, client)


def check_threshold_is_strict(world, client):
    """Dora's one interaction is reviewed: her average is that review's percent, to the tenth.
    At exactly that threshold she is not under it; a tenth above it she is."""
    teams = {world.teams["north"].pk, world.teams["south"].pk}
    percent = world.contacts[-1].review.percent
    client.force_login(world.admin)
    for threshold, under in [(percent, False), (percent + Decimal("0.1"), True)]:
        context = client.get(f"/dashboard/organisation/?threshold={threshold}").context
        everyone = in_window(world, (None, None), teams)
        expected = agent_rows(world, everyone, teams, False, threshold, under_only=True)
        assert shown_agents(context["agents"]) == expected
        assert ("dora" in [row[0] for row in expected]) == under
