"""Independent oracles for the rollups: after seeded random writes (self-scores, reviews,
corrections, acknowledgements and disputes, by agents of two teams, on two rubric versions,
and interactions a supervisor recorded and reviewed that the agent never self-scored),
every stored rollup row must equal what plain Python computes from the inputs the test wrote.

Nothing here shares SQL with the app: the scores come from the weights and ratings, the days
from `zoneinfo`, the periods from the calendar, the bands from the percent. Each case runs in
its own time zone with "now" pinned by time-machine, so local midnights, DST changes, week,
month, quarter and year edges are hit on purpose. `tests/test_oracles_pages.py` holds the
dashboards, My scores, the CSV and the API to the same oracle.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
import time_machine

from rubrics import rollups
from rubrics.disputes import dispute_raise, dispute_resolve
from rubrics.models import Criterion, CriterionRollup, Dispute, Rubric, ScoreRollup
from rubrics.recording import interaction_record
from rubrics.services import (
    evaluation_revise,
    interaction_self_score,
    review_acknowledge,
    review_submit,
)
from rubrics.versions import CRITERION_CONTENT, rubric_version_create
from teams.models import Role, Team
from tests.conftest import low_comments, make_user

pytestmark = pytest.mark.django_db

# Version 2 moves the weights, turns the criteria's order round and lets transparency be N/A.
V2_WEIGHTS = {"empathy": 40, "accuracy": 20, "fairness": 20, "transparency": 10, "respect": 10}


@dataclass(frozen=True)
class Case:
    tz: str
    now: datetime  # local wall-clock time
    edges: list[date]  # local days that sit on a week, month, quarter, year or DST edge
    windows: list[tuple]  # (date_from, date_to) the pages are asked for; None: the default
    seed: int


CASES = {
    # Sunday 23:58: four minutes of clock slack reach into Monday of the next year's week.
    "UTC": Case(
        "UTC",
        datetime(2027, 1, 3, 23, 58),
        [date(2026, 9, 30), date(2026, 10, 1), date(2026, 11, 30), date(2026, 12, 1)]
        + [date(2026, 12, 27), date(2026, 12, 28), date(2026, 12, 31), date(2027, 1, 1)]
        + [date(2027, 1, 3)],
        [(None, None), (date(2026, 9, 27), date(2027, 1, 1)), (date(2027, 1, 1), date(2027, 1, 1))],
        2027,
    ),
    # Monday 00:03 British Summer Time (still Sunday in UTC), the day after the clocks went
    # forward; the window reaches back over New Year and the autumn change of 2025.
    "Europe/London": Case(
        "Europe/London",
        datetime(2026, 3, 30, 0, 3),
        [date(2025, 10, 25), date(2025, 10, 26), date(2025, 12, 31), date(2026, 1, 1)]
        + [date(2026, 1, 4), date(2026, 1, 5), date(2026, 2, 28), date(2026, 3, 1)]
        + [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)],
        [
            (None, None),
            (date(2025, 10, 26), date(2026, 3, 29)),
            (date(2026, 3, 29), date(2026, 5, 9)),
        ],
        2026,
    ),
    # Monday 00:01 EST, the day after the clocks went back.
    "America/New_York": Case(
        "America/New_York",
        datetime(2026, 11, 2, 0, 1),
        [date(2026, 3, 8), date(2026, 9, 30), date(2026, 10, 1), date(2026, 10, 31)]
        + [date(2026, 11, 1), date(2026, 11, 2)],
        [
            (None, None),
            (date(2026, 3, 1), date(2026, 10, 31)),
            (date(2026, 11, 1), date(2026, 11, 1)),
        ],
        1101,
    ),
    # UTC+14: local midnight is 10:00 UTC the day before. Wednesday 1 July, a new quarter.
    "Pacific/Kiritimati": Case(
        "Pacific/Kiritimati",
        datetime(2026, 7, 1, 0, 4),
        [date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1)]
        + [date(2026, 6, 28), date(2026, 6, 29), date(2026, 6, 30), date(2026, 7, 1)],
        [
            (None, None),
            (date(2025, 12, 31), date(2026, 6, 30)),
            (date(2026, 6, 29), date(2026, 8, 15)),
        ],
        14,
    ),
}
NEAR_MIDNIGHT = [time(0, 0), time(0, 0, 30), time(0, 3), time(23, 57), time(23, 59, 59)]


# The scoring engine's rule, restated over exact fractions.
def half_up(value: Fraction, places: int) -> Decimal:
    return Decimal(math.floor(value * 10**places + Fraction(1, 2))).scaleb(-places)


def score_of(weights: dict, ratings: dict) -> tuple[Decimal, Decimal]:
    rated = [(weights[key], value) for key, value in ratings.items() if value is not None]
    raw = Fraction(sum(w * v for w, v in rated), sum(w for w, _ in rated))
    score = half_up(raw, 2)
    return score, half_up((Fraction(score) - 1) / 4 * 100, 1)


@dataclass
class Scored:
    evaluation: object  # the Evaluation the service returned (for the next write's call)
    ratings: dict
    score: Decimal
    percent: Decimal
    acknowledged: bool = False


@dataclass
class Contact:
    interaction: object
    agent_id: int
    team_id: int
    occurred: datetime
    version: int
    self: Scored | None  # None: recorded and reviewed by a supervisor, never self-scored
    review: Scored | None = None
    dispute: object = None  # the Dispute, open or settled

    @property
    def disputed(self) -> bool:  # under an open dispute
        return self.dispute is not None and self.dispute.status == Dispute.Status.OPEN


@dataclass
class World:
    case: Case
    tz: ZoneInfo
    now: datetime
    teams: dict
    leaders: dict  # team id -> its supervisor
    admin: object
    agents: list
    weights: dict  # version -> {key: weight}
    criteria: dict  # (version, key) -> Criterion
    contacts: list = field(default_factory=list)
    done: set = field(default_factory=set)  # which kinds of write happened

    def day(self, contact) -> date:
        return contact.occurred.astimezone(self.tz).date()

    @property
    def today(self) -> date:
        return self.now.date()

    def window(self, dates) -> tuple[date, date]:
        first, last = dates
        last = last or self.today
        return first or last - timedelta(days=89), last


def _writer(world: World, rng: random.Random):
    skill = {agent.pk: rng.randint(1, 5) for agent in world.agents}

    def ratings_for(agent_id, version):
        base = skill[agent_id]
        ratings = {key: min(5, max(1, base + rng.randint(-2, 1))) for key in V2_WEIGHTS}
        if version == 2 and rng.random() < 0.3:
            ratings["transparency"] = None
        return ratings

    def scored(evaluation, version, ratings):
        score, percent = score_of(world.weights[version], ratings)
        assert (evaluation.score, evaluation.percent) == (score, percent)
        return Scored(evaluation, ratings, score, percent)

    def self_score(agent, occurred):
        rubric = Rubric.objects.current()
        ratings = ratings_for(agent.pk, rubric.version)
        evaluation = interaction_self_score(
            agent=agent,
            rubric=rubric,
            interaction_fields={
                "occurred_at": occurred,
                "channel": "chat",
                "reference": f"OR-{len(world.contacts)}",
                "topic": "Delivery question",
                "summary": "",
            },
            ratings=ratings,
            comments=low_comments(ratings),
        )
        interaction = evaluation.interaction
        world.contacts.append(
            Contact(
                interaction,
                agent.pk,
                interaction.team_id,
                occurred,
                rubric.version,
                scored(evaluation, rubric.version, ratings),
            )
        )

    def review(contact):
        ratings = ratings_for(contact.agent_id, contact.version)
        evaluation = review_submit(
            interaction=contact.interaction,
            reviewer=world.leaders[contact.team_id],
            ratings=ratings,
            comments=low_comments(ratings),
        )
        contact.review = scored(evaluation, contact.version, ratings)

    def revise(contact, kind, author):
        ratings = ratings_for(contact.agent_id, contact.version)
        old = getattr(contact, kind)
        evaluation = evaluation_revise(
            evaluation=old.evaluation,
            author=author,
            ratings=ratings,
            comments=low_comments(ratings),
            reason="Listened again",
        )
        setattr(contact, kind, scored(evaluation, contact.version, ratings))
        world.done.add(f"revise {kind}")

    def act(contact):
        agent = contact.interaction.agent
        leader = world.leaders[contact.team_id]
        if contact.review is None:
            if rng.random() < 0.75:
                review(contact)
            else:
                revise(contact, "self", agent)
        elif contact.dispute is None and not contact.review.acknowledged:
            low = [k for k, v in contact.review.ratings.items() if v is not None and v < 5]
            choice = rng.random()
            if choice < 0.25:
                review_acknowledge(interaction=contact.interaction, agent=agent)
                contact.review.acknowledged = True
                world.done.add("acknowledge")
            elif choice < 0.45:
                revise(contact, "review", leader)
            elif low:
                contact.dispute = dispute_raise(
                    interaction=contact.interaction,
                    agent=agent,
                    reason="Please listen again",
                    proposed={low[0]: 5},
                )
                world.done.add("dispute")
        elif contact.disputed and rng.random() < 0.6:
            settled = sum(c.dispute is not None and not c.disputed for c in world.contacts)
            decision = (Dispute.Status.ACCEPTED, Dispute.Status.REJECTED)[settled % 2]
            contact.dispute = dispute_resolve(
                dispute=contact.dispute, resolver=leader, decision=decision, reason="Heard it"
            )
            if decision == Dispute.Status.ACCEPTED:
                key = contact.dispute.items.get().criterion.key
                ratings = {**contact.review.ratings, key: 5}
                contact.review = scored(contact.dispute.corrected_review, contact.version, ratings)
            world.done.add(f"dispute {decision}")

    def record_and_review(agent, occurred):
        """A supervisor records an interaction the agent never self-scores, and reviews it on
        the current version."""
        team_id = agent.membership.team_id
        interaction = interaction_record(
            recorder=world.leaders[team_id],
            agent_username=agent.username,
            interaction_fields={
                "occurred_at": occurred,
                "channel": "phone",
                "reference": f"REC-{len(world.contacts)}",
                "topic": "Billing question",
                "summary": "",
            },
        )
        contact = Contact(
            interaction, agent.pk, team_id, occurred, Rubric.objects.current().version, None
        )
        world.contacts.append(contact)
        review(contact)
        world.done.add("review only")

    return self_score, review, act, record_and_review


def _local_moment(world, rng) -> datetime:
    """A local time near midnight (or any time) on an edge day (or any day of the window)."""
    while True:
        if rng.random() < 0.6:
            day = rng.choice(world.case.edges)
        else:
            day = world.today - timedelta(days=rng.randint(0, 120))
        at = rng.choice(NEAR_MIDNIGHT) if rng.random() < 0.7 else time(rng.randint(0, 23), 30)
        moment = datetime.combine(day, at, tzinfo=world.tz)
        if moment <= world.now:
            return moment


def build_world(case: Case) -> World:
    """Two teams, their supervisors, an admin and nine agents; about 110 writes."""
    rng = random.Random(case.seed)
    tz = ZoneInfo(case.tz)
    north, south = Team.objects.create(name="North"), Team.objects.create(name="South")
    sue = make_user("sue", Role.SUPERVISOR, leads=[north], first_name="Sue")
    sam = make_user("sam", Role.SUPERVISOR, leads=[south], first_name="Sam")
    admin = make_user("ada", Role.ADMIN, is_staff=True, first_name="Ada")
    agents = [
        make_user(
            f"agent{n}",
            Role.AGENT,
            team=(north, south)[n % 2],
            first_name=("Ann", "Ben", "Cy")[n % 3],
            last_name=f"Lee{7 - n}",
        )
        for n in range(8)
    ]
    # Dora has one interaction, reviewed once: her average is that review's percent.
    dora = make_user("dora", Role.AGENT, team=north, first_name="Dora")
    v1 = Rubric.objects.current()
    world = World(
        case,
        tz,
        case.now.replace(tzinfo=tz),
        {"north": north, "south": south},
        {north.pk: sue, south.pk: sam},
        admin,
        agents + [dora],
        {1: {c.key: c.weight for c in v1.criteria.all()}, 2: V2_WEIGHTS},
        {},
    )
    self_score, review, act, record_and_review = _writer(world, rng)
    # Either side of now, within the clock slack the app allows: next to midnight in most cases.
    for moment in (world.now - timedelta(minutes=5), world.now + timedelta(minutes=4)):
        self_score(rng.choice(agents), moment)
    for number, day in enumerate(case.edges):
        moment = datetime.combine(day, NEAR_MIDNIGHT[number % 5], tzinfo=tz)
        if moment > world.now:
            moment = datetime.combine(day, time(0, 0, 30), tzinfo=tz)
        self_score(agents[number % 8], moment)
    for _ in range(16):
        self_score(rng.choice(agents), _local_moment(world, rng))
    for contact in rng.sample(world.contacts, 8):
        review(contact)
    content = [{name: getattr(c, name) for name in CRITERION_CONTENT} for c in v1.criteria.all()]
    ends = min(row["position"] for row in content) + max(row["position"] for row in content)
    for row in content:
        row["weight"] = V2_WEIGHTS[row["key"]]
        row["position"] = ends - row["position"]
        row["allows_na"] = row["key"] == "transparency"
    v2 = rubric_version_create(
        name=v1.name, notes="Empathy counts for more.", criteria=content, based_on=v1
    )
    assert v2.version == 2
    for _ in range(24):
        self_score(rng.choice(agents), _local_moment(world, rng))
    self_score(dora, datetime.combine(world.today - timedelta(days=1), time(0, 0, 30), tzinfo=tz))
    review(world.contacts[-1])
    for _ in range(70):
        # Dora's one contact stays as it is; the others that have a next step left take one.
        waiting = [
            c
            for c in world.contacts[:-1]
            if c.review is None or c.disputed or not (c.dispute or c.review.acknowledged)
        ]
        act(rng.choice(waiting))
    # Reviews of interactions never self-scored (their own random numbers, so the writes above
    # stay as they were), each then acknowledged, corrected or disputed like any review; Dora's
    # contact stays the last.
    dora_contact = world.contacts.pop()
    extra = random.Random(case.seed + 1)
    for number in range(6):
        record_and_review(agents[number % 8], _local_moment(world, extra))
        act(world.contacts[-1])
    world.contacts.append(dora_contact)
    world.criteria = {
        (c.rubric.version, c.key): c for c in Criterion.objects.select_related("rubric")
    }
    return world


def pinned_world(name: str, settings):
    """The case's world, built and then read in its time zone with the clock stopped at its
    "now" (a generator for fixtures: the clock runs again when the test is done)."""
    case = CASES[name]
    settings.TIME_ZONE = case.tz
    with time_machine.travel(case.now.replace(tzinfo=ZoneInfo(case.tz)), tick=False):
        yield build_world(case)


@pytest.fixture(params=list(CASES))
def world(request, settings):
    yield from pinned_world(request.param, settings)


# The calendar, from the local day alone.
def period_start(period: str, day: date) -> date:
    if period == "W":
        return day - timedelta(days=day.weekday())
    if period == "M":
        return date(day.year, day.month, 1)
    if period == "Q":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if period == "Y":
        return date(day.year, 1, 1)
    return day


def band(percent: Decimal) -> int:
    return min(int(percent // 10), 9)


def _buckets(world, contact):
    day = world.day(contact)
    for period in "DWMQY":
        for agent_id in (contact.agent_id, None):
            yield (period, period_start(period, day), contact.team_id, agent_id)


def expected_score_rollups(world) -> dict:
    rows = defaultdict(lambda: [0, Decimal(0), Decimal(0)] + [0] * 12)
    for contact in world.contacts:
        kinds = [("self", contact.self)] if contact.self else []
        if contact.review:
            kinds.append(("review", contact.review))
            if contact.self:
                kinds.append((rollups.PAIRED, contact.self))
        for bucket in _buckets(world, contact):
            for kind, scored in kinds:
                row = rows[(*bucket, kind)]
                row[0] += 1
                row[1] += scored.score
                row[2] += scored.percent
                row[3 + band(scored.percent)] += 1
                if kind == "review":
                    row[13] += not scored.acknowledged and not contact.disputed
                    row[14] += contact.disputed
    return {key: tuple(value) for key, value in rows.items()}


def expected_criterion_rollups(world) -> dict:
    rows = defaultdict(lambda: [0] * 8)
    for contact in world.contacts:
        for bucket in _buckets(world, contact):
            for key, criterion in ((k, world.criteria[contact.version, k]) for k in V2_WEIGHTS):
                row = rows[(*bucket, criterion.pk)]
                for offset, scored in ((0, contact.self), (2, contact.review)):
                    value = scored.ratings[key] if scored else None
                    if value is not None:
                        row[offset] += 1
                        row[offset + 1] += value
                mine = contact.self.ratings[key] if contact.self else None
                if contact.review and mine is not None:
                    row[4] += 1
                    row[5] += mine
                theirs = contact.review.ratings[key] if contact.review else None
                if contact.self and theirs is not None:
                    row[6] += 1
                    row[7] += theirs
    return {key: tuple(value) for key, value in rows.items() if value[0] or value[2]}


def stored_rows(model, keys, sums) -> dict:
    return {
        tuple(row[: len(keys)]): tuple(row[len(keys) :])
        for row in model.objects.values_list(*keys, *sums)
    }


def assert_same_rows(table, stored, expected):
    """The same buckets, then the same sums in each (the first few differences shown)."""
    missing = sorted(expected.keys() - stored.keys(), key=str)[:3]
    extra = sorted(stored.keys() - expected.keys(), key=str)[:3]
    assert (table, "missing", missing, "extra", extra) == (table, "missing", [], "extra", [])
    wrong = [
        {"bucket": key, "stored": stored[key], "oracle": expected[key]}
        for key in sorted(expected, key=str)
        if stored[key] != expected[key]
    ]
    assert (table, wrong[:2]) == (table, [])


def assert_rollups_match(world):
    stored = stored_rows(ScoreRollup, rollups.SCORE_KEYS, rollups.SCORE_SUMS)
    assert_same_rows("ScoreRollup", stored, expected_score_rollups(world))
    stored = stored_rows(CriterionRollup, rollups.CRITERION_KEYS, rollups.CRITERION_SUMS)
    assert_same_rows("CriterionRollup", stored, expected_criterion_rollups(world))


def test_rollups_equal_the_oracle(world):
    """Every kind of write happened; the rollups as the writes left them equal plain Python,
    row for row, and so does a rebuild from scratch."""
    assert world.done >= {
        "revise self",
        "revise review",
        "acknowledge",
        "dispute",
        "review only",
        f"dispute {Dispute.Status.ACCEPTED}",
        f"dispute {Dispute.Status.REJECTED}",
    }
    assert any(contact.disputed for contact in world.contacts)
    assert {c.version for c in world.contacts if c.review} == {1, 2}
    assert any(c.self and c.self.ratings["transparency"] is None for c in world.contacts)
    review_only = [c for c in world.contacts if c.self is None]
    assert review_only and all(c.review for c in review_only)
    utc_days = {c.occurred.astimezone(ZoneInfo("UTC")).date() for c in world.contacts}
    local_days = {world.day(c) for c in world.contacts}
    assert (utc_days != local_days) == (world.case.tz != "UTC")
    assert set(world.case.edges) <= local_days

    assert_rollups_match(world)
    rollups.rebuild()
    assert_rollups_match(world)
