"""Shortest plans in the symbolic world: breadth-first search over a skill library's options.

Used for the task generator's gold plans, for the Pay model's notion of progress (which steps start a
shortest plan to a goal), and for planning ahead. Only options that touch the goal's objects, the
object in the hand, or a tool the goal needs are expanded: a shortest plan never moves anything else,
and this keeps the search to a few hundred states in a kitchen.
"""

from __future__ import annotations

from collections import OrderedDict
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
# Goals whose searched states `progress` keeps (least recently asked dropped first): a plan asks about a few
# goals at every step, so this holds many requests' worth.
KNOWN_GOALS = 256


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
        # scene's names -> (its options, each with its skill and arguments): made once per scene
        self._options: dict[tuple[str, ...], tuple[list[Option], list[tuple[Option, Skill, dict[str, str]]]]] = {}
        self._known: OrderedDict[Hashable, dict[Hashable, Progress]] = OrderedDict()

    def options(self, world: SymbolicWorld) -> list[Option]:
        """Every non-terminal option of the scene (computed once per scene)."""
        return self._of_scene(world)[0]

    def _of_scene(self, world: SymbolicWorld) -> tuple[list[Option], list[tuple[Option, Skill, dict[str, str]]]]:
        """The scene's options, and each with its skill and arguments (the search reads them in every state it
        expands), made once per scene."""
        key = (*world.objects, "|", *world.locations, "|", *world.spills)
        if key not in self._options:
            options = [o for s in self.skills.values() for o in s.options(world)]
            self._options[key] = options, [(o, self.skills[o.skill], o.kwargs) for o in options]
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
        self, world: SymbolicWorld, relevant: set[str], doors: set[str] | None = None, here: Hashable | None = None
    ) -> Iterator[tuple[Option, SymbolicWorld, Hashable]]:
        """(option, the world after it, its key) for every feasible option that changes the state (whose key,
        ``here``, is computed when not given), moves nothing but ``relevant`` objects and the one in the hand,
        and names no place with a door but ``doors`` (None: any): a shortest plan never opens, or goes to, a
        door that holds or receives nothing it needs."""
        here = world.key() if here is None else here
        closed = world.scene.closed
        for option, skill, kwargs in self._of_scene(world)[1]:
            obj = kwargs.get("object")
            if obj is not None and obj not in relevant and obj != world.holding:
                continue
            place = kwargs.get("location")
            if doors is not None and place in closed and place not in doors:
                continue
            if skill.value(world, **kwargs) <= 0:
                continue
            after = world.copy()
            try:
                skill.apply(after, **kwargs)
            except SkillFailure:
                continue
            key = after.key()
            if key != here:
                yield option, after, key

    def progress(self, world: SymbolicWorld, goal: Goal) -> Progress:
        """The distance from ``world`` to ``goal`` and the first steps of every shortest plan to it.

        A state's distance and first steps are its own, given the goal and the successor rule (the goal's
        objects and doors), so each search keeps them for every state on the shortest paths it found: the
        state after a step along one of them is answered without a search (the next planning step's usual
        case), exactly as a new search would answer it.
        """
        if self._by_clause(goal):
            reached = [p for p in (self.progress(world, (clause,)) for clause in goal) if p.distance is not None]
            if not reached:
                return Progress(None, frozenset())
            best = min(p.distance for p in reached)
            return Progress(best, frozenset().union(*(p.steps for p in reached if p.distance == best)))
        relevant = self.relevant(goal)
        doors = self.doors(goal, world, relevant)
        rule = (id(self.options(world)), goal, frozenset(doors))
        here = world.key()
        known = self._known.get(rule)
        if known is not None and here in known:
            self._known.move_to_end(rule)
            return known[here]
        found = self._search(world, goal, relevant, doors)
        if found is None:
            answers = {here: Progress(None, frozenset())}
        else:
            answers = self._answers(*found)
        if known is None:
            known = self._known[rule] = {}
            while len(self._known) > KNOWN_GOALS:
                self._known.popitem(last=False)
        known.update(answers)
        return answers[here]

    def _search(
        self, world: SymbolicWorld, goal: Goal, relevant: set[str], doors: set[str]
    ) -> tuple[int, dict[Hashable, list[tuple[Hashable, str]]], Hashable, list[Hashable]] | None:
        """Breadth-first search to ``goal`` moving ``relevant`` objects through ``doors`` (`successors`): (its
        depth, each state's parents on shortest ways in (parent key, option text), the root's key, the goal
        states at that depth), or None when not found."""
        root = world.key()
        if goal_reached(goal, world):
            return 0, {root: []}, root, [root]
        depth_of: dict[Hashable, int] = {root: 0}
        parents: dict[Hashable, list[tuple[Hashable, str]]] = {root: []}
        layer: list[tuple[Hashable, SymbolicWorld]] = [(root, world)]
        for depth in range(1, self.max_depth + 1):
            found, nxt = [], []
            for key, state in layer:
                for option, after, new in self.successors(state, relevant, doors, key):
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
    def _answers(
        depth: int, parents: dict[Hashable, list[tuple[Hashable, str]]], root: Hashable, goals: list[Hashable]
    ) -> dict[Hashable, Progress]:
        """State key -> `Progress` for every state on a shortest path the search found (to any of ``goals``),
        walked back from them: a state's parent on such a path is one step farther (every path the search
        found is shortest), and its texts on the paths are every first step of its own shortest plans."""
        if depth == 0:
            return {root: Progress(0, frozenset())}
        distance, steps, level = dict.fromkeys(goals, 0), {}, list(goals)
        while level:
            above = []
            for key in level:
                for parent, text in parents[key]:
                    steps.setdefault(parent, set()).add(text)
                    if parent not in distance:
                        distance[parent] = distance[key] + 1
                        above.append(parent)
            level = above
        answers = {key: Progress(distance[key], frozenset(texts)) for key, texts in steps.items()}
        answers.update((key, Progress(0, frozenset())) for key in goals)
        return answers

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
        relevant = self.relevant(goal)
        found = self._search(world, goal, relevant, self.doors(goal, world, relevant))
        if found is None:
            return None
        answers = self._answers(*found)
        plan, state = [], world.copy()
        while steps := answers[state.key()].steps:
            text = min(steps, key=lambda t: self._preference(t, state, goal))
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
