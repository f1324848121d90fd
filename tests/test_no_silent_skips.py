"""With CI set, a skip fails the run; without it, a skip stays a skip."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SKIPPING = """
import pytest

def test_runs():
    pass

def test_needs_a_missing_tool():
    pytest.skip("the tool is not installed")

@pytest.mark.skipif(True, reason="not beside this checkout")
def test_marked():
    pass

@pytest.mark.xfail(reason="known")
def test_expected_to_fail():
    assert False
"""


def run_pytest(tmp_path, ci):
    (tmp_path / "test_sample.py").write_text(SKIPPING)
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:django",
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.no_silent_skips",
            "-c",
            os.devnull,
            "-rA",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("ci", ["true", "1"])
def test_in_ci_every_skip_fails_the_run(tmp_path, ci):
    result = run_pytest(tmp_path, ci)
    assert result.returncode == 1, result.stdout
    # A skip inside the test fails it; a skip mark (met while setting up) is an error.
    assert "1 failed, 1 passed, 1 xfailed, 1 error" in result.stdout
    assert "was skipped in CI (the tool is not installed)" in result.stdout
    assert "was skipped in CI (not beside this checkout)" in result.stdout


@pytest.mark.parametrize("ci", [None, "false", "0"])
def test_outside_ci_a_skip_is_a_skip(tmp_path, ci):
    result = run_pytest(tmp_path, ci)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 2 skipped, 1 xfailed" in result.stdout


def test_the_allow_list_gives_a_reason_for_each_entry():
    from tests.no_silent_skips import ALLOWED_IN_CI

    assert all(reason.strip() for reason in ALLOWED_IN_CI.values())
