"""Goal predicates (`at(OBJ, LOC)`, `holding(OBJ)`, `robot_at(LOC)`, `clean(SPILL)`, `open(LOC)`, `closed(LOC)`)
parsed and checked."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from saycan.errors import ConfigError, choices_hint
from saycan.world.scene import Scene
from saycan.world.state import SymbolicWorld

MAX_CLAUSES = 30  # "a drink and a snack" has 15; more would only repeat the same kind of plan

ARITY = {"at": 2, "holding": 1, "robot_at": 1, "clean": 1, "open": 1, "closed": 1}
_SYNTAX = re.compile(r"^\s*([a-z_]+)\s*\(([^()]*)\)\s*$")
_PREDICATE = re.compile(r"[A-Za-z_]\w*\s*\([^()]*\)")
# What may stand between two predicates of a goal written as text, after spaces and quotes are dropped.
_AND, _OR = ("and", ",", "&", "&&"), ("or", "|", "||", "],[")


@dataclass(frozen=True)
class Predicate:
    """One ground predicate, e.g. ``Predicate("at", ("apple", "you"))``."""

    name: str
    args: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.name}({', '.join(self.args)})"

    def holds(self, world: SymbolicWorld) -> bool:
        if self.name == "at":
            return world.location_of(self.args[0]) == self.args[1]
        if self.name == "holding":
            return world.holding == self.args[0]
        if self.name == "robot_at":
            return world.robot_at == self.args[0]
        if self.name == "open":
            return not world.is_closed(self.args[0])
        if self.name == "closed":
            return world.is_closed(self.args[0])
        return world.is_clean(self.args[0])


def parse_predicate(text: str, scene: Scene, where: str = "goal") -> Predicate:
    """Parse ``"at(apple, you)"`` and check its names against ``scene``.

    Raises:
        ConfigError: naming ``where``, the bad name and the valid choices.
    """
    match = _SYNTAX.match(str(text))
    if not match:
        raise ConfigError(f"{where}: {text!r} is not a predicate; write e.g. 'at(apple, you)' or 'clean(spill)'")
    name, raw_args = match.group(1), match.group(2)
    if name not in ARITY:
        raise ConfigError(f"{where}: unknown predicate {name!r} in {text!r}; {choices_hint(name, ARITY)}")
    args = tuple(a.strip() for a in raw_args.split(",")) if raw_args.strip() else ()
    if len(args) != ARITY[name]:
        raise ConfigError(f"{where}: {name} takes {ARITY[name]} argument(s), got {len(args)} in {text!r}")
    things = {"at": scene.objects, "holding": scene.objects, "clean": scene.spills, "robot_at": scene.locations,
              "open": scene.closed, "closed": scene.closed}[name]  # fmt: skip
    if name in ("open", "closed") and args[0] in scene.locations and args[0] not in scene.closed:
        raise ConfigError(f"{where}: the {args[0]} has no door in {text!r}; places with one: {list(scene.closed)}")
    if args[0] not in things:
        raise ConfigError(f"{where}: unknown name {args[0]!r} in {text!r}; {choices_hint(args[0], things)}")
    if name == "at" and args[1] not in scene.locations:
        raise ConfigError(
            f"{where}: unknown location {args[1]!r} in {text!r}; {choices_hint(args[1], scene.locations)}"
        )
    return Predicate(name, args)


Goal = tuple[tuple[Predicate, ...], ...]  # any one clause; every predicate in a clause


def goal_clauses(text: str, where: str = "goal") -> list[list[str]]:
    """A goal written as text, as clauses of predicates.

    ``"at(apple, you) or at(orange, you)"``, ``"clean(spill) and at(sponge, you)"`` and the list
    form ``"[[at(apple, you)], [at(orange, you)]]"`` all read as written: ``and`` (or ``,``) joins
    predicates in a clause, ``or`` (or ``], [``) starts the next clause.
    """
    found = list(_PREDICATE.finditer(text))
    example = 'write e.g. goal="at(apple, you) or at(orange, you)"'
    if not found:
        raise ConfigError(f"{where}: no predicate in {text!r}; {example}")
    outside = [text[: found[0].start()], text[found[-1].end() :]]
    if any(re.sub(r"[\s\[\]'\"]", "", part) for part in outside):
        raise ConfigError(f"{where}: cannot read {text!r} around its predicates; {example}")
    clauses = [[found[0].group()]]
    for before, match in itertools.pairwise(found):
        joint = re.sub(r"[\s'\"]", "", text[before.end() : match.start()]).lower()
        if joint in _AND:
            clauses[-1].append(match.group())
        elif joint in _OR:
            clauses.append([match.group()])
        else:
            raise ConfigError(
                f"{where}: {text[before.end() : match.start()].strip()!r} between {before.group()} and "
                f"{match.group()}: join predicates with 'and' or 'or'"
            )
    return clauses


def parse_goal(clauses: Sequence[Sequence[str]] | Sequence[str] | str, scene: Scene, where: str = "goal") -> Goal:
    """A goal from text (`goal_clauses`) or a list of clauses, each a list of predicates (a flat list: one clause)."""
    example = "e.g. [['at(apple, you)'], ['at(orange, you)']]"
    if isinstance(clauses, str):
        clauses = goal_clauses(clauses, where)
    elif isinstance(clauses, list | tuple) and clauses and all(isinstance(c, str) for c in clauses):
        clauses = [list(clauses)]  # type: ignore[list-item]
    if not isinstance(clauses, list | tuple) or not clauses:
        raise ConfigError(f"{where}: a goal is a non-empty list of clauses, {example}; got {clauses!r}")
    for clause in clauses:
        if not isinstance(clause, list | tuple) or not clause or not all(isinstance(p, str) for p in clause):
            raise ConfigError(f"{where}: each goal clause is a non-empty list of predicates, {example}; got {clause!r}")
    return tuple(tuple(parse_predicate(p, scene, where) for p in clause) for clause in clauses)


def goal_reached(goal: Goal, world: SymbolicWorld) -> bool:
    """True when every predicate of at least one clause holds."""
    return any(all(p.holds(world) for p in clause) for clause in goal)


def format_goal(goal: Goal) -> str:
    return " or ".join(" and ".join(str(p) for p in clause) for clause in goal)


def conjoin(a: Goal, b: Goal) -> Goal:
    """Every way to satisfy both goals (clause pairs that name different objects), at most `MAX_CLAUSES`."""
    out = []
    for x, y in itertools.product(a, b):
        named_x = {p.args[0] for p in x if p.name in ("at", "holding")}
        named_y = {p.args[0] for p in y if p.name in ("at", "holding")}
        if not named_x & named_y:
            out.append((*x, *y))
    return tuple(out[:MAX_CLAUSES])
