"""The benchmark's verdicts (bench/load.py, bench/report.py), without a server: a page that
finishes too few requests or times out is failing and never reported as 0 ms; figures are
read against the machine factor; the growth check compares sizes."""

import json
from types import SimpleNamespace

from bench import report
from bench.load import Load

ARGS = SimpleNamespace(
    seconds=10, concurrency=2, min_requests=100, drain_seconds=60, slow_timeout=120
)


def raw(requests, *, timeouts=0, p95_us=20_000):
    return {
        "requests": requests,
        "duration_us": 10_000_000,
        "p50_us": p95_us // 2,
        "p95_us": p95_us,
        "socket_errors": 0,
        "timeouts": timeouts,
        "unexpected": 0,
    }


def test_too_few_requests_or_a_timeout_is_failing_and_never_zero_ms():
    load = Load("wrk", 0, None, "", ARGS)
    nothing = load.summarise(raw(0, p95_us=0))
    assert nothing["failing"] and nothing["p95_ms"] is None and nothing["p50_ms"] is None
    assert load.summarise(raw(99))["failing"]
    timed_out = load.summarise(raw(500, timeouts=1))
    assert timed_out["failing"] and timed_out["errors"] == 1
    assert not load.summarise(raw(100))["failing"]


def test_figures_are_read_against_the_machine_factor():
    factor = report.machine_factor(1850)  # a machine half as fast as the reference
    assert factor == 2.0
    page = {"p95_ms": 90.0, "rps": 20.0, "errors": 0, "failing": False}
    report.judge("team_dashboard", page, factor, signed_in_rps=600)
    assert page["p95_per_factor_ms"] == 45.0 and page["met"] is True
    webhook = {"p95_ms": 5.0, "rps": 160.0, "errors": 0, "failing": False}
    report.judge("webhook", webhook, factor, signed_in_rps=600)
    assert webhook["rate_times_factor"] == 320.0 and webhook["met"] is True
    home = {"p95_ms": 3.0, "rps": 470.0, "errors": 0, "failing": False}
    report.judge("agent_home", home, factor, signed_in_rps=600)
    assert home["met"] is False  # 78% of the signed-in floor


def test_a_failing_page_or_an_error_misses_its_target_and_the_verdict_names_it():
    failing = {"p95_ms": None, "rps": 0.0, "errors": 0, "failing": True, "requests": 0}
    report.judge("review_queue", failing, 1.0, signed_in_rps=600)
    erring = {"p95_ms": 5.0, "rps": 50.0, "errors": 3, "failing": False}
    report.judge("my_scores", erring, 1.0, signed_in_rps=600)
    unavailable = {"status": "not available: no webhook endpoint"}
    report.judge("webhook", unavailable, 1.0, signed_in_rps=600)
    assert failing["met"] is False and erring["met"] is False and unavailable["met"] is None
    results = {
        "pages": {"review_queue": failing, "my_scores": erring, "webhook": unavailable},
        "worker_rss_mb": [96.0, 151.0],
    }
    misses = report.verdict(results)
    assert misses[0].startswith("review_queue: failing")
    assert "my_scores" in misses[1] and "3 errors" in misses[1]
    assert "worker memory" in misses[2] and len(misses) == 3


def test_growth_from_one_million_to_ten(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    assert report.check_growth() is None
    small = {"pages": {"search": {"p95_per_factor_ms": 20}, "webhook": {"rate_times_factor": 400}}}
    large = {"pages": {"search": {"p95_per_factor_ms": 26}, "webhook": {"rate_times_factor": 400}}}
    (tmp_path / "results-1000000.json").write_text(json.dumps(small))
    (tmp_path / "results-10000000.json").write_text(json.dumps(large))
    assert report.check_growth() == {"search": 1.3, "webhook": 1.0}
    assert report.verdict({"pages": {}, "worker_rss_mb": [], "growth": {"search": 1.3}})
