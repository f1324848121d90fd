"""Worked examples beside a criterion's level descriptions on the scoring and review pages.

A worked example is an interaction whose rating on a criterion was settled together (in a
calibration session): its ticket reference, topic, the agreed level and the note saying why.
Never the agent's name. Apps above this floor provide them through `register`; this floor
only shows what they give.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkedExample:
    criterion_key: str
    level: int
    reference: str
    topic: str
    note: str


# Each provider takes criterion keys and returns examples for any of them.
PROVIDERS: list[Callable[[list[str]], Iterable[WorkedExample]]] = []


def register(provider: Callable[[list[str]], Iterable[WorkedExample]]) -> None:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def attach_worked_examples(criteria) -> None:
    """Set `criterion.worked_examples` (a list, newest first as given) on each criterion.
    Examples are matched by criterion key, so they carry over to later rubric versions."""
    keys = [criterion.key for criterion in criteria]
    found: dict[str, list[WorkedExample]] = {key: [] for key in keys}
    for provider in PROVIDERS:
        for example in provider(keys):
            if example.criterion_key in found:
                found[example.criterion_key].append(example)
    for criterion in criteria:
        criterion.worked_examples = found[criterion.key]
