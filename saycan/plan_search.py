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
# A goal any of many objects satisfies ("something to eat" in a 550-skill kitchen) is searched one clause
# at a time above this many objects: searched at once, every object's moves multiply the states.
JOINT_SEARCH_OBJECTS = 8


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

    @staticmethod
    def doors(goal: Goal, world: SymbolicWorld, relevant: set[str]) -> set[str]:
        """Places with a door a plan for ``goal`` may need: where a relevant object is, where the goal puts
        something (`undisturbed` names where an object held at the start must end) or the robot, the ones it
        asks open, and the ones it asks closed that are open now (closed ones it keeps closed need nothing)."""
        if not world.scene.closed:
            return set()
        places = {world.location_of(o) for o in relevant if o in world.scene.objects}
        for p in (p for clause in goal for p in clause):
            if p.name in ("at", "robot_at", "open") or (p.name == "closed" and not world.is_closed(p.args[0])):
                places.add(p.args[-1])
        return places & set(world.scene.closed)

    def successors(
        self, world: SymbolicWorld, relevant: set[str], doors: set[str] | None = None
    ) -> Iterator[tuple[Option, SymbolicWorld]]:
        """(option, the world after it) for every feasible option that changes the state, moves nothing but
        ``relevant`` objects and the one in the hand, and names no place with a door but ``doors`` (None:
        any): a shortest plan never opens, or goes to, a door that holds or receives nothing it needs."""
        here, closed = world.key(), set(world.scene.closed)
        for option in self.options(world):
            obj = option.kwargs.get("object")
            if obj is not None and obj not in relevant and obj != world.holding:
                continue
            place = option.kwargs.get("location")
            if doors is not None and place in closed and place not in doors:
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
        if self._by_clause(goal):
            reached = [p for p in (self.progress(world, (clause,)) for clause in goal) if p.distance is not None]
            if not reached:
                return Progress(None, frozenset())
            best = min(p.distance for p in reached)
            return Progress(best, frozenset().union(*(p.steps for p in reached if p.distance == best)))
        found = self._search(world, goal)
        if found is None:
            return Progress(None, frozenset())
        depth, parents, root, goals = found
        if depth == 0:
            return Progress(0, frozenset())
        return Progress(depth, frozenset(t for key, t in self._on_paths(parents, root, goals) if key == root))

    def _search(
        self, world: SymbolicWorld, goal: Goal
    ) -> tuple[int, dict[Hashable, list[tuple[Hashable, str]]], Hashable, list[Hashable]] | None:
        """Breadth-first search to ``goal``: (its depth, each state's parents on shortest ways in (parent
        key, option text), the root's key, the goal states at that depth), or None when not found."""
        root = world.key()
        if goal_reached(goal, world):
            return 0, {root: []}, root, [root]
        relevant = self.relevant(goal)
        doors = self.doors(goal, world, relevant)
        depth_of: dict[Hashable, int] = {root: 0}
        parents: dict[Hashable, list[tuple[Hashable, str]]] = {root: []}
        layer: list[tuple[Hashable, SymbolicWorld]] = [(root, world)]
        for depth in range(1, self.max_depth + 1):
            found, nxt = [], []
            for key, state in layer:
                for option, after in self.successors(state, relevant, doors):
                    new = after.key()
                    if new not in depth_of:
                        depth_of[new], parents[new] = depth, [(key, option.text)]
                        nxt.append((new, after))
                        if goal_reached(goal, after):
                            found.append(new)
                    elif depth_of[new] == depth:  # another shortest way in
                        parents[new].append((key, option.text))
            if found:
                return depth, parents, root, found
            layer = nxt
            if not layer:
                break
        return None

    @staticmethod
    def _on_paths(
        parents: dict[Hashable, list[tuple[Hashable, str]]], root: Hashable, goals: list[Hashable]
    ) -> set[tuple[Hashable, str]]:
        """(state key, option text) of every step on a shortest path to any of ``goals`` (every path the
        search found is shortest), walked back from them."""
        steps, seen, stack = set(), set(goals), list(goals)
        while stack:
            for parent, text in parents[stack.pop()]:
                steps.add((parent, text))
                if parent != root and parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return steps

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
        """One shortest plan (option texts, without ``done``), or None when none is found: one search, then
        the plan walked forward along shortest paths, taking the natural step (`_preference`) at each."""
        if self._by_clause(goal):
            plans = [p for p in (self.shortest_plan(world, (clause,)) for clause in goal) if p is not None]
            return min(plans, key=len) if plans else None  # the first of equally short ones
        found = self._search(world, goal)
        if found is None:
            return None
        _, parents, root, goals = found
        on_paths = self._on_paths(parents, root, goals)
        plan, state, ends = [], world.copy(), set(goals)
        while (key := state.key()) not in ends:
            text = min((t for k, t in on_paths if k == key), key=lambda t: self._preference(t, state, goal))
            option = next(o for o in self.options(state) if o.text == text)
            self.skills[option.skill].apply(state, **option.kwargs)
            plan.append(text)
        return plan

    def _by_clause(self, goal: Goal) -> bool:
        """Whether ``goal`` is searched one clause at a time (`JOINT_SEARCH_OBJECTS`)."""
        return len(goal) > 1 and len(self.relevant(goal)) > JOINT_SEARCH_OBJECTS

    def _preference(self, text: str, world: SymbolicWorld, goal: Goal) -> tuple[int, str]:
        """Among equally short plans, the natural one: "find the X" for an X to fetch with a free hand
        (as the paper's plans read), else going or bringing, and finding an object only as a last resort."""
        if not text.startswith("find "):
            return (1, text)
        wanted = world.holding is None and text.removeprefix("find the ") in self.relevant(goal)
        return (0 if wanted else 2, text)
