"""The mutation score of `make mutation`, per module, from the results mutmut leaves in mutants/.

    python tests/mutation_report.py           the table; exits 1 if a module misses its target
    python tests/mutation_report.py --names   the mutant names for `mutmut run` to test

A mutant counts as killed when a test failed or timed out with it in place; one that no test
reached counts as surviving. Each module's functions are listed below; the functions of these
files that are left out, and why, are in docs/testing.md ("Mutation score").
"""

import json
import sys
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEPARATOR = "ǁ"  # mutmut's: "module.xǁClassǁmethod__mutmut_3", "module.x_function__mutmut_3"

# name, source file, its functions ("Class.method" or "function"; "*" for all), target percent,
# and the tests a mutant of that file runs (those of them that reach the mutated function).
TARGETS = [
    (
        "scoring engine",
        "rubrics/scoring.py",
        ["*"],
        90,
        ["tests/test_scoring_engine.py", "tests/test_scoring_engine_mutants.py"],
    ),
    (
        "blind review",
        "rubrics/models.py",
        [
            "InteractionQuerySet.reviewable_by",
            "InteractionQuerySet.unreviewed",
            "InteractionQuerySet.self_score_hidden_from",
            "InteractionQuerySet.with_self_score_hidden",
            "Interaction.self_score_hidden_from",
            "self_scores_blind_for",
        ],
        90,
        ["tests/test_blind_review.py", "tests/test_blind_review_rule.py"],
    ),
    (
        "access helpers",
        "teams/access.py",
        [
            "user_roles",
            "has_role",
            "is_admin",
            "teams_led_by",
            "teams_supervised_by",
            "owned_or_led",
            "chosen_teams",
            "role_required",
            "get_agent_for_user",
        ],
        90,
        ["tests/test_roles_and_teams.py", "tests/test_access_helpers.py"],
    ),
    (
        "privacy guard",
        "core/privacy/numbers.py",
        [
            "_luhn_checksum_is_valid",
            "_is_compact_timestamp",
            "_separator_kind",
            "_separators_are_consistent",
            "_looks_like_card",
            "_looks_like_phone",
            "find_numbers",
            "is_exempt_reference",
            "_numbers_in_chain",
            "_windows",
        ],
        80,
        ["tests/test_privacy_guard.py", "tests/test_privacy_guard_mutants.py"],
    ),
    (
        "rollup writes",
        "rubrics/rollups.py",
        ["_contributions", "_apply", "_difference", "_tracking", "rebuild"],
        80,
        ["tests/test_rollups.py", "tests/test_rollup_writes.py"],
    ),
]


def tests_for_mutant(mutant_name: str) -> list[str]:
    """The test files a mutant runs: those of its source file's target."""
    module = mutant_name.split(f".x{SEPARATOR}")[0].split(".x_")[0]
    return next(
        (tests for _, path, _, _, tests in TARGETS if module_of(path) == module),
        [],
    )


KILLED = {1, 3, 36, 24, -24, 152, 255}  # a failing test, pytest's internal error, a timeout
NOT_RUN = {None}


def module_of(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def mangled(function: str) -> str:
    if "." in function:
        class_name, method = function.split(".")
        return f"x{SEPARATOR}{class_name}{SEPARATOR}{method}"
    return f"x_{function}"


def name_patterns(path: str, functions: list[str]) -> list[str]:
    """mutmut's names for the mutants of these functions, as globs."""
    module = module_of(path)
    if functions == ["*"]:
        return [f"{module}.*"]
    return [f"{module}.{mangled(function)}__mutmut_*" for function in functions]


def results(path: str) -> dict[str, int | None]:
    meta = ROOT / "mutants" / f"{path}.meta"
    if not meta.exists():
        return {}
    return json.loads(meta.read_text())["exit_code_by_key"]


def score(path: str, functions: list[str]) -> tuple[int, int, list[str], list[str]]:
    """(killed, total, surviving mutants, mutants not run) for the functions' mutants."""
    patterns = name_patterns(path, functions)
    chosen = {
        name: code
        for name, code in results(path).items()
        if any(fnmatch(name, pattern) for pattern in patterns)
    }
    killed = sum(code in KILLED for code in chosen.values())
    survivors = sorted(name for name, code in chosen.items() if code not in KILLED | NOT_RUN)
    not_run = sorted(name for name, code in chosen.items() if code in NOT_RUN)
    return killed, len(chosen), survivors, not_run


def report() -> int:
    rows, missed = [], []
    for name, path, functions, target, _ in TARGETS:
        killed, total, survivors, not_run = score(path, functions)
        percent = 100 * killed / total if total else 0.0
        met = total > 0 and not not_run and percent >= target
        if not met:
            missed.append(name)
        rows.append((name, path, killed, total, percent, target, met, survivors, not_run))

    print()
    print(f"{'Module':<16} {'File':<20} {'Killed':>13} {'Score':>7} {'Target':>7}")
    for name, path, killed, total, percent, target, met, _, _ in rows:
        verdict = "ok" if met else "MISSED"
        print(
            f"{name:<16} {path:<20} {killed:>6} / {total:<4} {percent:>6.1f}% {target:>6}%  {verdict}"
        )
    for name, _, _, _, _, _, _, survivors, not_run in rows:
        if survivors:
            print(f"\nSurviving in {name} (see docs/testing.md; `mutmut show NAME` for the diff):")
            print("\n".join(f"  {survivor}" for survivor in survivors))
        if not_run:
            print(f"\nNot run in {name}: {len(not_run)} mutants (run `make mutation` to the end).")
    if missed:
        print(f"\nBelow target: {', '.join(missed)}.")
        return 1
    return 0


def main(argv: list[str]) -> int:
    if argv == ["--names"]:
        for _, path, functions, _, _ in TARGETS:
            print("\n".join(name_patterns(path, functions)))
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    return report()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
