"""More to save with a self-score, offered by apps above this floor (the checklist runs an
agent made before the call, to attach to it).

Each extra gives the self-score form a fragment (`template`, rendered with the context that
`context(user, data, query)` returns; an empty context shows nothing) and a `save(user,
interaction, data)` called in the self-score's transaction when `wanted(data)` says the form
asked for something: a ValidationError it raises refuses the whole score, so the score and
its extras are saved together or not at all. A score that asks for no extra takes no more
queries than one without extras.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ScoreExtra:
    template: str
    context: Callable[..., dict]
    save: Callable[..., None]
    wanted: Callable[..., bool]


EXTRAS: list[ScoreExtra] = []


def register(extra: ScoreExtra) -> None:
    if extra not in EXTRAS:
        EXTRAS.append(extra)


def forms_for(user, data=None, query=None) -> list[dict]:
    """The fragments to show: [{"template", "context"}], leaving out extras with nothing to offer."""
    shown = []
    for extra in EXTRAS:
        context = extra.context(user=user, data=data, query=query or {})
        if context:
            shown.append({"template": extra.template, "context": context})
    return shown


def wanted(data) -> list[ScoreExtra]:
    """The extras the posted form asks to save."""
    return [extra for extra in EXTRAS if extra.wanted(data)]


def save_all(extras, user, interaction, data) -> None:
    for extra in extras:
        extra.save(user=user, interaction=interaction, data=data)
