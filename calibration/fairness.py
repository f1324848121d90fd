"""The fairness audit: are some reviewers lenient or severe, some teams, channels or agents
scored more harshly, by the same rubric?

Each comparison sets one group (a reviewer, team, channel or agent) against all the other
current reviews of the same scope and period, with Welch's t-test (scipy) on summary figures
(count, sum, sum of squares). A reviewer is compared on agent-centred percents: each review's
percent minus the mean percent the other reviewers gave the same agent (agents whom nobody
else reviewed are left out), so a reviewer of stronger agents is not taken for a lenient one. The
p-values of one audit are corrected together with Holm's method. A difference is flagged only
when it is at least `FAIRNESS_FLAG_POINTS` percentage points, significant after the correction
(at `FAIRNESS_SIGNIFICANCE`, 0.1 %), and rests on at least `MIN_REVIEWS` reviews.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings

MIN_REVIEWS = 10


def flag_points() -> float:
    return float(getattr(settings, "FAIRNESS_FLAG_POINTS", 5))


def significance() -> float:
    """The family-wise level: the chance that an audit with no real difference flags anything.
    Flags name people, so it is strict (0.1 %) unless set otherwise."""
    return float(getattr(settings, "FAIRNESS_SIGNIFICANCE", 0.001))


@dataclass
class Sums:
    n: int = 0
    total: float = 0.0
    squares: float = 0.0

    def add(self, value: float) -> None:
        self.n += 1
        self.total += value
        self.squares += value * value

    def minus(self, other: "Sums") -> "Sums":
        return Sums(self.n - other.n, self.total - other.total, self.squares - other.squares)

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def sd(self) -> float | None:
        if self.n < 2:
            return None
        variance = (self.squares - self.total * self.total / self.n) / (self.n - 1)
        return math.sqrt(max(variance, 0.0))


@dataclass
class Comparison:
    kind: str  # reviewer, team, channel, agent
    key: str
    label: str
    group: Sums
    rest: Sums
    measure: str  # what was compared, in words
    extra: dict = field(default_factory=dict)
    p_value: float | None = None
    p_adjusted: float | None = None
    flagged: bool = False
    # Set when the comparison is not a plain two-group one (reviewers).
    fixed_difference: float | None = None
    fixed_p: float | None = None

    @property
    def difference(self) -> float | None:
        if self.kind == "reviewer":
            return self.fixed_difference
        if self.group.mean is None or self.rest.mean is None:
            return None
        return self.group.mean - self.rest.mean

    def welch(self) -> float | None:
        """Welch's two-sided p-value, or None when either side is too small or has no spread."""
        if self.kind == "reviewer":
            return self.fixed_p
        g, r = self.group, self.rest
        if g.n < 2 or r.n < 2 or not g.sd or not r.sd:
            if g.n >= 2 and r.n >= 2 and g.sd == 0 and r.sd == 0 and g.mean != r.mean:
                return 0.0  # two constant groups that differ: certainly different
            return None
        from scipy import stats  # only the nightly job tests: ~70 MB a web worker never needs

        result = stats.ttest_ind_from_stats(g.mean, g.sd, g.n, r.mean, r.sd, r.n, equal_var=False)
        return float(result.pvalue)

    @property
    def words(self) -> str:
        if self.difference is None:
            return f"{self.label}: too few reviews to compare."
        direction = "higher" if self.difference > 0 else "lower"
        return (
            f"{self.label}'s {self.measure} ({self.group.n} reviews) is "
            f"{abs(self.difference):.1f} points {direction} than "
            + (
                "the other reviewers gave the same agents."
                if self.kind == "reviewer"
                else f"that of the other reviews in scope ({self.rest.n})."
            )
        )


def holm(p_values: list[float | None]) -> list[float | None]:
    """Holm's step-down adjustment; None (no test) stays None and does not count."""
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(indexed)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def judge(comparisons: list[Comparison]) -> list[Comparison]:
    """Test every comparison, correct the p-values together, and flag the large, significant
    ones that rest on enough reviews."""
    for comparison in comparisons:
        comparison.p_value = comparison.welch() if comparison.group.n >= MIN_REVIEWS else None
    for comparison, adjusted in zip(
        comparisons, holm([c.p_value for c in comparisons]), strict=True
    ):
        comparison.p_adjusted = adjusted
        comparison.flagged = (
            adjusted is not None
            and adjusted < significance()
            and comparison.group.n >= MIN_REVIEWS
            and comparison.difference is not None
            and abs(comparison.difference) >= flag_points()
        )
    return comparisons


@dataclass(frozen=True)
class Review:
    """One current review, as the audit reads it."""

    reviewer: int
    agent: int
    team: int
    channel: str
    percent: float
    self_percent: float | None = None


def _within_agent_sd(agent_sums: dict, reviews: list) -> float | None:
    """The spread of reviews around their agent's mean, pooled over agents."""
    squares, freedom = 0.0, 0
    for sums in agent_sums.values():
        if sums.n >= 2:
            squares += sums.squares - sums.total * sums.total / sums.n
            freedom += sums.n - 1
    return math.sqrt(max(squares, 0.0) / freedom) if freedom else None


def _reviewer_comparison(reviewer, label, agent_sums, pair_sums, raw, spread) -> "Comparison":
    """A reviewer against the other reviewers of the same agents: per agent, the reviewer's mean
    minus the others' mean, averaged with the reviewer's review counts as weights. Its standard
    error takes the pooled within-agent spread, and the p-value is a two-sided z-test, so the
    shared 'others' mean of each agent is counted once, not once per review."""
    weight_total, weighted, variance = 0, 0.0, 0.0
    compared = Sums()
    for (agent, who), own in pair_sums.items():
        if who != reviewer:
            continue
        others = agent_sums[agent].minus(own)
        if not others.n:
            continue
        weight_total += own.n
        weighted += own.n * (own.mean - others.mean)
        if spread is not None:
            variance += own.n**2 * spread**2 * (1 / own.n + 1 / others.n)
        compared.n += own.n
    comparison = Comparison(
        "reviewer",
        str(reviewer),
        label,
        compared,
        Sums(),
        "percent given, relative to the other reviewers on the same agents",
        extra={"reviews": raw.n, "mean_percent": raw.mean},
    )
    if weight_total:
        comparison.fixed_difference = weighted / weight_total
        if variance > 0:
            z = comparison.fixed_difference / (math.sqrt(variance) / weight_total)
            from scipy import stats  # see `p_value`

            comparison.fixed_p = float(2 * stats.norm.sf(abs(z)))
    return comparison


def compare(reviews: list[Review], labels: dict) -> list[Comparison]:
    """Every comparison of one scope: reviewers on agent-centred percents, and teams, channels
    and agents on reviewed percent. `labels` maps (kind, key) to a name to show."""
    comparisons = []
    agent_sums: dict[int, Sums] = {}
    pair_sums: dict[tuple[int, int], Sums] = {}
    raw: dict[int, Sums] = {}
    for review in reviews:
        agent_sums.setdefault(review.agent, Sums()).add(review.percent)
        pair_sums.setdefault((review.agent, review.reviewer), Sums()).add(review.percent)
        raw.setdefault(review.reviewer, Sums()).add(review.percent)
    spread = _within_agent_sd(agent_sums, reviews)
    for reviewer in sorted(raw):
        comparisons.append(
            _reviewer_comparison(
                reviewer,
                labels.get(("reviewer", reviewer), str(reviewer)),
                agent_sums,
                pair_sums,
                raw[reviewer],
                spread,
            )
        )
    for kind, key_of in (
        ("team", lambda r: r.team),
        ("channel", lambda r: r.channel),
        ("agent", lambda r: r.agent),
    ):
        everyone, groups, gaps = Sums(), {}, {}
        for review in reviews:
            everyone.add(review.percent)
            groups.setdefault(key_of(review), Sums()).add(review.percent)
            if review.self_percent is not None:
                gaps.setdefault(key_of(review), Sums()).add(review.self_percent - review.percent)
        if kind == "team" and len(groups) < 2:
            continue
        for key in sorted(groups, key=str):
            gap = gaps.get(key)
            comparisons.append(
                Comparison(
                    kind,
                    str(key),
                    labels.get((kind, key), str(key)),
                    groups[key],
                    everyone.minus(groups[key]),
                    "mean reviewed percent",
                    extra={
                        "reviews": groups[key].n,
                        "mean_percent": groups[key].mean,
                        "gap": gap.mean if gap else None,
                    },
                )
            )
    return judge(comparisons)
