"""Print the Markdown table of docs/performance.md from bench/results-<rows>.json, both sizes
side by side: `.venv/bin/python bench/table.py 1000000 10000000`."""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cell(page: dict | None) -> str:
    if not page:
        return "—"
    if page.get("failing"):
        return (
            f"FAILING: {page.get('requests', 0)} requests, p95 {page['p95_ms']:,.1f} "
            f"({page['p95_per_factor_ms']:,.1f})"
        )
    if "rows_per_s" in page:
        return f"{page['rows_per_s']:,.0f} rows/s, {page['seconds']} s"
    if "share_of_signed_in" in page:
        return f"{page['rps']:,.0f} req/s ({page['share_of_signed_in']:.0%} of signed-in)"
    if page.get("target", "").startswith("rate"):
        return f"{page['rps']:,.0f} events/s (×f {page['rate_times_factor']:,.0f})"
    return f"{page['p95_ms']:,.1f} ({page['p95_per_factor_ms']:,.1f})"


def main(sizes: list[str]):
    runs = [json.loads((HERE / f"results-{size}.json").read_text()) for size in sizes]
    names = list(dict.fromkeys(name for run in runs for name in run["pages"]))
    head = " | ".join(f"{int(size):,}" for size in sizes)
    print(f"| Page: p95 ms (p95/f) | {head} | Target | Met |")
    print("|---|" + "---:|" * len(sizes) + "---|---|")
    for name in names:
        pages = [run["pages"].get(name) for run in runs]
        target = next((p.get("target", "") for p in pages if p), "")
        met = [("yes" if p.get("met") else "no") if p and target else "" for p in pages]
        print(
            f"| `{name}` | " + " | ".join(cell(p) for p in pages) + f" | {target} | "
            f"{' / '.join(met) if any(met) else ''} |"
        )
    for label, key in (
        ("Bare view, req/s", "bare_view"),
        ("Signed-in view, req/s", "signed_in_view"),
    ):
        print(
            f"| {label} | "
            + " | ".join(f"{run['floors'][key]['rps']:,.0f}" for run in runs)
            + " | | |"
        )
    print(
        "| Machine factor | "
        + " | ".join(f"{run['machine_factor']:.2f}" for run in runs)
        + " | | |"
    )
    print(
        "| Worker RSS, MB | "
        + " | ".join(", ".join(str(mb) for mb in run["worker_rss_mb"]) for run in runs)
        + " | < 150 | |"
    )
    print(
        "| Raw SQL per-team averages, ms | "
        + " | ".join(f"{run['floors']['sql_team_averages_ms']:,.0f}" for run in runs)
        + " | floor | |"
    )


if __name__ == "__main__":
    main(sys.argv[1:] or ["1000000", "10000000"])
