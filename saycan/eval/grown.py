"""A suite's requests for a kind of thing, run in a grown scene: the grown scene's things of that kind answer too.

``eval.scene=kitchen_large`` runs the kitchen's suite among 178 objects. "bring me a snack" was written
for nine objects, and its success clauses list the five snacks there; in the grown kitchen the almonds
are a snack too, and a plan bringing them is right, but the clauses as written count it a failure.
"""

from __future__ import annotations

import re
from dataclasses import replace

from saycan.text import name_said
from saycan.world.predicates import Predicate
from saycan.world.scene import Scene
from saycan.world.suite import Task


def widen(task: Task, own: Scene, grown: Scene) -> Task:
    """``task``, written for ``own``, with the success alternatives ``grown`` (which holds ``own``) adds.

    The rule is mechanical, so it cannot favour the planner: when every alternative is one
    ``at(X, place)`` at the same place, X running over exactly the objects of ``own`` that carry some
    attribute A, and the request names none of them ("bring me a snack"; not "throw away the energy bar"),
    each object of ``grown`` not in ``own`` whose attributes hold A, or whose name is A ("bring me the
    protein bar", which the energy bar is described as), also succeeds there.

    Returns:
        The task with the added alternatives (the same task when the rule adds none).
    """
    if task.expect or not task.goal or any(len(alt) != 1 or alt[0].name != "at" for alt in task.goal):
        return task
    objects = {alt[0].args[0] for alt in task.goal}
    places = {alt[0].args[1] for alt in task.goal}
    said = task.instruction.lower()
    if len(places) != 1 or any(re.search(name_said(o), said) for o in objects):
        return task
    kinds = {a for a in own.attributes.get(next(iter(objects)), ()) if _carrying(own, a) == objects}
    extra = [
        o for o in grown.objects if o not in own.objects and (o in kinds or kinds & set(grown.attributes.get(o, ())))
    ]
    place = places.pop()
    return replace(task, goal=(*task.goal, *((Predicate("at", (o, place)),) for o in extra))) if extra else task


def _carrying(scene: Scene, attribute: str) -> set[str]:
    """The objects of ``scene`` whose attributes hold ``attribute``."""
    return {o for o in scene.objects if attribute in scene.attributes.get(o, ())}
