"""A registry of help shown beside a checklist's "no" answers.

A "no" is where help is wanted: apps above this floor (the library's scripts linked to the
item) register a finder from item ids to, per item id, a list of `Helpful(title, url)`. The
run, interaction and review pages show what the finders give, in one call per page.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Helpful:
    title: str
    url: str


# (label, finder): finder(item ids) -> {item id: [Helpful, ...]}
_FINDERS: list[tuple[str, Callable[[Iterable[int]], dict]]] = []


def register(label: str, finder: Callable[[Iterable[int]], dict]) -> None:
    if all(existing is not finder for _, existing in _FINDERS):
        _FINDERS.append((label, finder))


def help_for(item_ids: list[int]) -> dict[int, list[tuple[str, list[Helpful]]]]:
    """Per item id, each registered label with what it offers for that item."""
    found: dict[int, list] = {}
    if not item_ids:
        return found
    for label, finder in _FINDERS:
        for item_id, items in finder(item_ids).items():
            if items:
                found.setdefault(item_id, []).append((label, items))
    return found
