"""Requests for what the scene lacks: say so and do nothing, or, when asking, offer the things of its kind.

"bring me the banana" in a kitchen with no banana used to bring the apple, the nearest thing, with a
warning nobody reads. Now the request is read against the catalogues before any step: objects
(`saycan.world.catalogue.missing_objects`) and places (`missing_places`: "put the milk in the fridge" where
there is no fridge). Without ``planner.ask=conformal`` the plan stops ``not_possible`` and moves nothing;
with it, the person is asked "there is no banana: the apple or the orange instead?" (options whose skill is
`SUBSTITUTE`, and "none of these"), and the request is planned with the one they chose.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

from saycan.errors import warn
from saycan.planner.ask import Answer, heard
from saycan.planner.trace import Question, ScoredOption
from saycan.text import claim_names, name_said
from saycan.world.catalogue import CATEGORY_OF, missing_objects
from saycan.world.scene import USER
from saycan.world.state import SymbolicWorld

SUBSTITUTE = "substitute"  # the skill field of an option offered in place of an object the scene lacks
ARTICLE = "(?:the|a|an|my|your|our) "  # a place is named only after one of these ("let it sink" names no sink)


def missing_in(instruction: str, world: SymbolicWorld) -> dict[str, list[str]]:
    """Catalogue objects and places the request names that the scene lacks -> the scene's things of their kind."""
    return {**missing_objects(instruction, world.objects, world.scene.attributes), **missing_places(instruction, world)}


@functools.cache
def catalogue_places() -> dict[str, bool]:
    """The household catalogue's places (`saycan.tasks.household`) -> whether each has a door; bins are left
    out (any bin will do for "throw it in the trash can"), as are names that are also catalogue objects."""
    from saycan.tasks.household import catalogue

    cat = catalogue()
    places = {place: place in room.doors for room in cat.rooms.values() for place in room.places}
    return {p: door for p, door in places.items() if p not in cat.objects and p not in CATEGORY_OF}


def missing_places(instruction: str, world: SymbolicWorld) -> dict[str, list[str]]:
    """Catalogue places the request names ("the fridge") that the scene lacks -> the scene's places of their
    kind (with a door, or without; never the person or a bin).

    A place counts only after "the", "a", "my", "your" or "our" ("let it sink" names no sink), longest names
    first ("the kitchen table" is not also "the table"), and not when it is a word of the scene's own places,
    objects or attributes ("the desk" where there is a "standing desk").
    """
    scene = world.scene
    text = f" {instruction.lower()} "
    own = " | ".join([*scene.locations, *world.objects, *(w for ws in scene.attributes.values() for w in ws)]).lower()
    bins = (USER, scene.trash, scene.recycling)
    doors = catalogue_places()
    found = {}
    for name, _ in claim_names(text, doors, lambda name: name_said(name, plural=False, after=ARTICLE)):
        if name not in scene.locations and not re.search(name_said(name, plural=False), own):
            found[name] = [loc for loc in scene.locations if loc not in bins and (loc in scene.closed) == doors[name]]
    return found


def refusal_warnings(missing: Mapping[str, Sequence[str]]) -> list[str]:
    """One warning (also printed) per missing object or place, naming the scene's things of its kind."""
    warnings = []
    for name, alike in missing.items():
        kind = f"; of its kind there are: {', '.join(alike)}" if alike else ""
        warnings.append(f"the scene has no {name}, so the robot did nothing{kind}")
        warn(warnings[-1])
    return warnings


def substitutes(name: str, alike: Sequence[str]) -> list[ScoredOption]:
    """The options of "there is no {name}: which instead?", one per thing of its kind, equally scored."""
    share = 1.0 / max(len(alike), 1)
    return [ScoredOption(f"the {obj} instead of the {name}", SUBSTITUTE, 0.0, share, 1.0, share) for obj in alike]


def substitute_object(option: ScoredOption) -> str:
    """The object a `substitutes` option offers (``"the apple instead of the banana"`` -> ``"apple"``)."""
    return option.text.removeprefix("the ").split(" instead of the ")[0]


def ask_instead(
    instruction: str, missing: Mapping[str, Sequence[str]], answer: Answer | None
) -> tuple[str | None, list[Question]]:
    """Ask, for each missing object, which of its kind to take instead.

    Returns:
        (the request with each missing name replaced by the chosen object, or None when a question had no
        answer to offer, was answered "none of these", or nobody answered; the questions asked).
    """
    questions = []
    for name, alike in missing.items():
        options = substitutes(name, alike)
        if not options:
            return None, questions
        answered, reply = heard(answer, options)
        text = reply.text if isinstance(reply, ScoredOption) else reply
        chosen = next((substitute_object(o) for o in options if o.text == text), None)
        if answered and text is not None and chosen is None:
            raise ValueError(f"the answer {text!r} is not one of the options asked about: {[o.text for o in options]}")
        by = "person" if answered else "fallback"
        questions.append(Question(0, [o.text for o in options], text if answered else None, by))
        if chosen is None:
            if not answered:
                warn(f"nobody answered whether to take {', '.join(alike)} instead of the {name}: the robot did nothing")
            return None, questions
        instruction = re.sub(name_said(name), chosen, instruction, flags=re.IGNORECASE)
    return instruction, questions
