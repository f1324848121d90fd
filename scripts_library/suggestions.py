"""A registry of further suggestions shown beside the scripts for criteria rated 1 or 2.

Apps above the library (training's dilemmas) register a function from criterion keys to, per
key, a list of `Suggested(title, url)`; the interaction page shows them next to the scripts.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Suggested:
    title: str
    url: str


# (label, finder): finder(keys) -> {criterion key: [Suggested, ...]}
_EXTRAS: list[tuple[str, Callable[[Iterable[str]], dict]]] = []


def register_low_rating_extra(label: str, finder: Callable[[Iterable[str]], dict]) -> None:
    if all(existing is not finder for _, existing in _EXTRAS):
        _EXTRAS.append((label, finder))


def extras_for(keys: list[str]) -> dict[str, list[tuple[str, list[Suggested]]]]:
    """Per criterion key, each registered label with what it suggests for that key."""
    found: dict[str, list] = {}
    for label, finder in _EXTRAS:
        for key, items in finder(keys).items():
            if items:
                found.setdefault(key, []).append((label, items))
    return found
