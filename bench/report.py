"""The benchmark's verdict: every figure beside the run's machine factor, the targets of
issue 28 checked against them, and the results kept per data size."""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent
# The bare view's throughput on the machine the targets were set on (docs/performance.md).
REFERENCE_BARE_RPS = 3700
# Page: (what is compared, limit). "p95": p95 divided by the machine factor, at most the
# limit in ms; "rate": throughput times the factor, at least the limit; "signed_in": the
# share of the signed-in floor's throughput (both from the same run, so no factor).
TARGETS = {
    "agent_home": ("signed_in", 0.80),
    "self_score_submit": ("p95", 30),
    "team_dashboard": ("p95", 50),
    "organisation_dashboard": ("p95", 100),
    "review_queue": ("p95", 40),
    "my_assignments": ("p95", 40),
    "inbox": ("p95", 20),
    "fairness_audit": ("p95", 150),
    "calibration_session": ("p95", 60),
    "case_list": ("p95", 40),
    "practice_set": ("p95", 30),
    "search": ("p95", 25),
    "webhook": ("rate", 300),
    "import": ("rate", 2000),
}
MAX_RSS_MB = 150
MAX_GROWTH = 1.25  # a page's cost at 10,000,000 over its cost at 1,000,000
SIZES = (1_000_000, 10_000_000)


def machine_factor(bare_rps: float) -> float:
    """Above 1: this machine is slower than the reference, so its times are divided by it."""
    return round(REFERENCE_BARE_RPS / bare_rps, 3)


def judge(name: str, page: dict, factor: float, signed_in_rps: float) -> None:
    """Add the factor-adjusted figure, the target and whether it is met to `page`."""
    if page.get("status", "ok") != "ok" and not page.get("failing"):
        page["met"] = None  # not available in this code
        return
    if page.get("p95_ms") is not None:
        page["p95_per_factor_ms"] = round(page["p95_ms"] / factor, 2)
    rate = page.get("rows_per_s", page.get("rps"))
    if rate is not None:
        page["rate_times_factor"] = round(rate * factor, 1)
    kind, limit = TARGETS.get(name, (None, None))
    page["target"] = describe(kind, limit)
    if page.get("failing"):
        page["met"] = False
    elif kind == "p95":
        page["met"] = page["p95_per_factor_ms"] <= limit
    elif kind == "rate":
        page["met"] = page["rate_times_factor"] >= limit
    elif kind == "signed_in":
        page["share_of_signed_in"] = round(page["rps"] / signed_in_rps, 3)
        page["met"] = page["share_of_signed_in"] >= limit
    else:
        page["met"] = None
    if page.get("errors"):
        page["met"] = False  # zero errors is every page's target


def describe(kind, limit) -> str:
    if kind == "p95":
        return f"p95/f ≤ {limit} ms"
    if kind == "rate":
        return f"rate×f ≥ {limit:,}/s"
    if kind == "signed_in":
        return f"≥ {limit:.0%} of signed-in"
    return ""


def cell(value, digits=1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def print_table(pages: dict, factor: float) -> None:
    print(
        f"\nMachine factor of this run: {factor:.2f} (reference bare view "
        f"{REFERENCE_BARE_RPS:,} req/s ÷ this run's); p95/f is p95 divided by it, "
        "rate×f a throughput times it."
    )
    print(
        f"{'page':<24}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}{'errors':>7}{'factor':>7}"
        f"{'p95/f':>8}  {'target':<24}{'met'}"
    )
    for name, page in pages.items():
        status = page.get("status", "ok")
        if status.startswith("not available"):
            print(f"{name:<24}  {status}")
            continue
        met = {True: "yes", False: "NO", None: ""}[page.get("met")]
        if page.get("failing"):
            took = page.get("one_request_ms")
            alone = f"; one alone {took:,.0f} ms" if took is not None else ""
            print(
                f"{name:<24}  FAILING: {page.get('requests', 0)} requests finished in the window, "
                f"{page.get('timeouts', 0)} timed out{alone}  {page.get('target', '')}  {met}"
            )
            continue
        if "rows_per_s" in page:
            print(
                f"{name:<24}{page['rows']:>9,} rows in {page['seconds']} s: "
                f"{page['rows_per_s']:,.0f} rows/s{factor:>7.2f}  ×f "
                f"{page['rate_times_factor']:,.0f}  {page['target']:<24}{met}"
            )
            continue
        print(
            f"{name:<24}{cell(page['p50_ms']):>9}{cell(page['p95_ms']):>9}{cell(page['rps']):>9}"
            f"{page['errors']:>7}{factor:>7.2f}{cell(page.get('p95_per_factor_ms')):>8}  "
            f"{page.get('target', ''):<24}{met}"
        )


def growth(small: dict, large: dict) -> dict[str, float]:
    """Each page's cost at the large size over the small one, machine factors taken out:
    p95/f for timed pages, the inverse of rate×f for throughputs."""
    ratios = {}
    for name, page in large["pages"].items():
        before = small["pages"].get(name, {})
        if page.get("p95_per_factor_ms") and before.get("p95_per_factor_ms"):
            ratios[name] = round(page["p95_per_factor_ms"] / before["p95_per_factor_ms"], 2)
        elif page.get("rate_times_factor") and before.get("rate_times_factor"):
            ratios[name] = round(before["rate_times_factor"] / page["rate_times_factor"], 2)
    return ratios


def check_growth() -> dict[str, float] | None:
    """The 10,000,000 / 1,000,000 check, when both sizes' results are kept."""
    files = [RESULTS / f"results-{rows}.json" for rows in SIZES]
    if not all(file.exists() for file in files):
        print(
            "\nGrowth 1,000,000 → 10,000,000: not checked (needs bench/results-1000000.json "
            "and bench/results-10000000.json)."
        )
        return None
    small, large = (json.loads(file.read_text()) for file in files)
    ratios = growth(small, large)
    print(f"\nGrowth 1,000,000 → 10,000,000 (at most {MAX_GROWTH}× the cost):")
    for name, ratio in ratios.items():
        print(f"  {name:<24}{ratio:>6.2f}×  {'yes' if ratio <= MAX_GROWTH else 'NO'}")
    return ratios


def verdict(results: dict) -> list[str]:
    """What misses a target, in words (empty when everything is met)."""
    misses = [
        f"{name}: "
        + ("failing" if page.get("failing") else page.get("target", ""))
        + (f", {page['errors']} errors" if page.get("errors") else "")
        for name, page in results["pages"].items()
        if page.get("met") is False
    ]
    if any(mb >= MAX_RSS_MB for mb in results["worker_rss_mb"]):
        misses.append(f"worker memory: {results['worker_rss_mb']} MB (limit {MAX_RSS_MB})")
    misses += [
        f"{name}: {ratio}× its cost at 1,000,000"
        for name, ratio in (results.get("growth") or {}).items()
        if ratio > MAX_GROWTH
    ]
    return misses


def save(results: dict) -> None:
    """bench/results.json (the latest run) and bench/results-<rows>.json (per size)."""
    text = json.dumps(results, indent=2) + "\n"
    (RESULTS / "results.json").write_text(text)
    (RESULTS / f"results-{results['size']}.json").write_text(text)
    print(f"Wrote bench/results.json and bench/results-{results['size']}.json.")
