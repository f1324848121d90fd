"""Micro-benchmark of the privacy guard: how long `validate_no_personal_data` takes on typical
interaction summaries (clean ones, and ones holding personal data). `make bench-privacy`;
docs/performance.md records the figures. Not a test: timings vary with the machine."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ethicskit.settings")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402

from core.privacy import validate_no_personal_data  # noqa: E402

# Summaries as agents write them: a few sentences with references, money, dates and versions.
CLEAN = [
    "Customer chased order #481203 which was due on 03/11/2026. Courier scan shows it held at "
    "the depot since Tuesday. Apologised, explained the delay and offered a £5.00 credit, which "
    "she accepted. Set a reminder to check tracking 1Z999AA10123456784 tomorrow at 10:00.",
    "Refund request for a kettle (SKU KTL-2200-WHT) that stopped heating after 3 weeks. Talked "
    "through the reset steps from KB0012345; no luck. Raised RMA-88213 and sent the returns "
    "label. Refund of £49.99 will follow once the item is scanned in, 3-5 working days.",
    "App crashed on start after updating to version 4.2.1 on iOS 17.4.1. Cleared the cache and "
    "reinstalled; the crash stopped. Logged error E-1042 on ticket ZD-4821 for the developers "
    "and told the customer we would follow up if the fix in 4.2.2 changes anything.",
    "Customer unhappy that the price dropped by 20% two days after she ordered. Our price-match "
    "policy covers 14 days, so refunded the difference of €18.40 to the original payment card. "
    "She asked whether the sale ends 30/11/2026; confirmed it does, at 23:59.",
]
WITH_PERSONAL_DATA = [
    text.replace("she accepted.", "she accepted; IBAN GB82 WEST 1234 5698 7654 32, SW1A 1AA.")
    for text in CLEAN[:1]
] + [CLEAN[1] + " Call her back on 020 7946 0958.", CLEAN[2] + " Her name is Jane Doe."]


def time_calls(texts: list[str], rounds: int) -> list[float]:
    """Milliseconds per call, one figure per text per round."""
    timings = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            try:
                validate_no_personal_data(text)
            except ValidationError:
                pass
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def report(name: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"{name:<28} median {statistics.median(ordered):6.3f} ms   p95 {p95:6.3f} ms   "
        f"({len(ordered)} calls)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    time_calls(CLEAN + WITH_PERSONAL_DATA, 20)  # warm up: compiled patterns, phone metadata
    length = statistics.mean(len(text) for text in CLEAN)
    print(f"Privacy guard, summaries of about {length:.0f} characters:")
    print(report("clean summaries", time_calls(CLEAN, args.rounds)))
    print(report("with personal data", time_calls(WITH_PERSONAL_DATA, args.rounds)))


if __name__ == "__main__":
    main()
