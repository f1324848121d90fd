"""A pytest plugin: with `CI` set, a skipped test fails the run unless it is on the allow-list.

A check that turns itself off when a tool is missing (pg_dump, Chromium, ../shared/tools) must
not pass unnoticed where the tool is meant to be: in CI every test runs or says why it may not.
"""

import os

import pytest

# Test ids (as pytest prints them) that may skip in CI, each with the reason it may.
ALLOWED_IN_CI: dict[str, str] = {}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail"):
        return
    if item.nodeid in ALLOWED_IN_CI:
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = (
        f"{item.nodeid} was skipped in CI ({reason}). CI allows no skip that is not listed, "
        "with its reason, in ALLOWED_IN_CI in tests/no_silent_skips.py."
    )
