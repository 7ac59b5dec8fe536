"""Shortest plans in the symbolic world: breadth-first search over a skill library's options.

Used for the task generator's gold plans, for the Pay model's notion of progress (which steps start a
shortest plan to a goal), and for planning ahead. Only options that touch the goal's objects, the
object in the hand, or a tool the goal needs are expanded: a shortest plan never moves anything else,
and this keeps the search to a few hundred states in a kitchen.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from saycan.errors import ConfigError
from saycan.skill import Option, Skill
from saycan.world.predicates import Goal, Predicate, goal_reached
from saycan.world.scene import Scene
from saycan.world.state import SkillFailure, SymbolicWorld

MAX_DEPTH = 14  # the longest gold plan (two objects, the hand full first) is 11 steps


@dataclass(frozen=True)
class Progress:
    """How far a goal is from a state, and which steps start a shortest plan to it.

    Attributes:
        distance: Steps to the nearest state where the goal holds (0: it holds); None when it is
            not reachable within the search's depth.
        steps: Option texts that begin a shortest plan.
    """

    distance: int | None
    steps: frozenset[str]


class PlanSearch:
    """Breadth-first search over ``skills`` in the symbolic world.

    Args:
        skills: Skill id -> skill; terminal skills (``done``) are never expanded.
        max_depth: Deepest plan searched for.
    """

    def __init__(self, skills: Mapping[str, Skill], max_depth: int = MAX_DEPTH) -> None:
        self.skills = {sid: s for sid, s in skills.items() if not s.terminal}
        self.tools = {str(s.params["tool"]) for s in self.skills.values() if "tool" in s.params}
        self.max_depth = max_depth
        self._options: dict[tuple[str, ...], list[Option]] = {}

    def options(self, world: SymbolicWorld) -> list[Option]:
        """Every non-terminal option of the scene (computed once per scene)."""
        key = (*world.objects, "|", *world.locations, "|", *world.spills)
        if key not in self._options:
            self._options[key] = [o for s in self.skills.values() for o in s.options(world)]
        return self._options[key]

    def along(self, scene: Scene, steps: Sequence[str]) -> list[SymbolicWorld]:
        """The states along ``steps`` (skill texts, without ``done``) from ``scene``: the start, then the
        state after each step."""
        world = SymbolicWorld(scene)
        states = [world]
        for text in steps:
            option = next((o for o in self.options(world) if o.text == text), None)
            if option is None:
                raise ConfigError(f"plan step {text!r} is not an option of scene {scene.name!r}")
            world = world.copy()
            self.skills[option.skill].apply(world, **option.kwargs)
            states.append(world)
        return states

    def relevant(self, goal: Goal) -> set[str]:
        """Objects a plan for ``goal`` may need to move: the ones it names, and the tools ``clean`` needs."""
        named = {p.args[0] for clause in goal for p in clause if p.name in ("at", "holding")}
        needs_tool = any(p.name == "clean" for clause in goal for p in clause)
        return named | (self.tools if needs_tool else set())

    def successors(self, world: SymbolicWorld, relevant: set[str]) -> Iterator[tuple[Option, SymbolicWorld]]:
        """(option, the world after it) for every feasible option that changes the state and moves
        nothing but ``relevant`` objects and the one in the hand."""
        here = world.key()
        for option in self.options(world):
            obj = option.kwargs.get("object")
            if obj is not None and obj not in relevant and obj != world.holding:
                continue
            skill = self.skills[option.skill]
            if skill.value(world, **option.kwargs) <= 0:
                continue
            after = world.copy()
            try:
                skill.apply(after, **option.kwargs)
            except SkillFailure:
                continue
            if after.key() != here:
                yield option, after

    def progress(self, world: SymbolicWorld, goal: Goal) -> Progress:
        """The distance from ``world`` to ``goal`` and the first steps of every shortest plan to it."""
        if goal_reached(goal, world):
            return Progress(0, frozenset())
        relevant = self.relevant(goal)
        root = world.key()
        depth_of: dict[Hashable, int] = {root: 0}
        parents: dict[Hashable, list[tuple[Hashable, str]]] = {root: []}
        layer: list[tuple[Hashable, SymbolicWorld]] = [(root, world)]
        for depth in range(1, self.max_depth + 1):
            found, nxt = [], []
            for key, state in layer:
                for option, after in self.successors(state, relevant):
                    new = after.key()
                    if new not in depth_of:
                        depth_of[new], parents[new] = depth, [(key, option.text)]
                        nxt.append((new, after))
                        if goal_reached(goal, after):
                            found.append(new)
                    elif depth_of[new] == depth:  # another shortest way in
                        parents[new].append((key, option.text))
            if found:
                return Progress(depth, self._first_steps(parents, root, found))
            layer = nxt
            if not layer:
                break
        return Progress(None, frozenset())

    @staticmethod
    def _first_steps(parents: dict[Hashable, list[tuple[Hashable, str]]], root: Hashable, goals: list) -> frozenset:
        """The root's options that lie on a path back from any of ``goals`` (every path found is shortest)."""
        steps, seen, stack = set(), set(goals), list(goals)
        while stack:
            for parent, text in parents[stack.pop()]:
                if parent == root:
                    steps.add(text)
                elif parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return frozenset(steps)

    def undisturbed(self, goal: Goal, start: Scene) -> Goal:
        """``goal`` with each clause also asking that the object held at ``start`` ends where the robot
        stood, unless the clause needs it, and that every place with a door closed at ``start`` is closed
        again, unless the clause asks it open: `saycan.eval.judge` fails a plan that leaves either
        otherwise. (A search moves no other object: `successors` only touches the goal's objects and the hand.)"""
        doors = [p for p in start.closed if p not in start.opened]
        out = []
        for clause in goal:
            keep = [Predicate("closed", (p,)) for p in doors if Predicate("open", (p,)) not in clause]
            if start.holding is not None and start.holding not in self.relevant((clause,)):
                keep.append(Predicate("at", (start.holding, start.robot_at)))
            out.append((*clause, *(k for k in keep if k not in clause)))
        return tuple(out)

    def shortest_plan(self, world: SymbolicWorld, goal: Goal) -> list[str] | None:
        """One shortest plan (option texts, without ``done``), or None when none is found."""
        plan, state = [], world.copy()
        while True:
            progress = self.progress(state, goal)
            if progress.distance is None:
                return None
            if progress.distance == 0:
                return plan
            text = min(progress.steps, key=lambda t: self._preference(t, state, goal))
            option = next(o for o in self.options(state) if o.text == text)
            self.skills[option.skill].apply(state, **option.kwargs)
            plan.append(text)

    def _preference(self, text: str, world: SymbolicWorld, goal: Goal) -> tuple[int, str]:
        """Among equally short plans, the natural one: "find the X" for an X to fetch with a free hand
        (as the paper's plans read), else going or bringing, and finding an object only as a last resort."""
        if not text.startswith("find "):
            return (1, text)
        wanted = world.holding is None and text.removeprefix("find the ") in self.relevant(goal)
        return (0 if wanted else 2, text)
