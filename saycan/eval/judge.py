"""Plan success judged as the SayCan paper did: the plan does what was asked, and nothing nobody asked for.

A plan succeeds when it ends with ``done``, a success clause holds at the end, every object the
clause does not name is where it started, and every door closed at the start is closed again (unless
the clause asks it open). Objects a clause's predicates need may move (the wiping tool for
``clean(spill)``), and so may a task's ``may_move`` list. The old figure, "ends with done and
a clause holds", is kept as ``goal_reached``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from saycan.world.predicates import Goal, Predicate
from saycan.world.scene import Scene
from saycan.world.state import SymbolicWorld

HAND = "(in the hand)"


@dataclass(frozen=True)
class Verdict:
    """One plan's outcome.

    Attributes:
        success: Finished, a clause holds, and no object moved that the clause does not allow.
        goal_reached: Finished and a clause holds (the figure before the side-effect rule).
        side_effects: Objects that moved though the request did not need them, and ``"the fridge left
            open"`` for a door (for the clause that holds with the fewest; for all clauses when none holds).
    """

    success: bool
    goal_reached: bool
    side_effects: list[str] = field(default_factory=list)


def position(scene: Scene, world: SymbolicWorld | None, obj: str) -> str:
    """Where ``obj`` is: its location, or `HAND`; in ``world``, or at the start of ``scene`` when None."""
    if world is None:
        return HAND if scene.holding == obj else scene.objects[obj]
    return HAND if world.holding == obj else str(world.location_of(obj))


def moved(scene: Scene, world: SymbolicWorld) -> list[str]:
    """Objects not where they started. An object held at the start and put down where the robot
    stood counts as unmoved: that is where the scene places it."""
    out = []
    for obj in world.objects:
        start, end = position(scene, None, obj), position(scene, world, obj)
        if end != start and not (start == HAND and end == scene.robot_at):
            out.append(obj)
    return out


def allowed(clause: Sequence[Predicate], tools: Collection[str], may_move: Collection[str]) -> set[str]:
    """Objects a clause lets move: the ones it names, the tools its ``clean`` needs, and ``may_move``."""
    named = {p.args[0] for p in clause if p.name in ("at", "holding")}
    needed = set(tools) if any(p.name == "clean" for p in clause) else set()
    return named | needed | set(may_move)


def judge(
    goal: Goal,
    scene: Scene,
    world: SymbolicWorld,
    finished: bool,
    tools: Collection[str] = (),
    may_move: Collection[str] = (),
) -> Verdict:
    """Judge the end state ``world`` of a plan that started in ``scene``.

    Args:
        goal: The task's success clauses (any one must fully hold).
        finished: The plan ended with ``done``.
        tools: Objects skills use to make ``clean`` hold (the wiping tool).
        may_move: Objects the task lets move besides.
    """
    changed = moved(scene, world)
    left_open = [p for p in scene.closed if p not in scene.opened and not world.is_closed(p)]
    holding = [c for c in goal if all(p.holds(world) for p in c)]
    if not holding:
        named = set().union(*(allowed(c, tools, may_move) for c in goal))
        asked_open = {p.args[0] for c in goal for p in c if p.name == "open"}
        return Verdict(False, False, [o for o in changed if o not in named] + _open(left_open, asked_open))

    def side_effects(clause: Sequence[Predicate]) -> list[str]:
        asked_open = {p.args[0] for p in clause if p.name == "open"}
        return [o for o in changed if o not in allowed(clause, tools, may_move)] + _open(left_open, asked_open)

    side = min((side_effects(c) for c in holding), key=len)
    return Verdict(finished and not side, finished, side)


def _open(left_open: Sequence[str], asked_open: Collection[str]) -> list[str]:
    return [f"the {p} left open" for p in left_open if p not in asked_open]
