"""SayCan's seven task families, generated: which request, which start state, and a shortest gold plan."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from saycan.tasks.family_weights import check_weights
from saycan.tasks.generator import REFERENCE_KINDS, Reference, Request, TaskGenerator, task_row
from saycan.world.predicates import Goal, Predicate, conjoin
from saycan.world.scene import USER
from saycan.world.state import SymbolicWorld
from saycan.world.suite import FAMILIES

NEED_AND_REQUEST = 0.4  # share of "bring" needs said with a request ("I'm thirsty, bring me ...")
RECYCLE = 0.5  # share of "trash" draws said as "recycle" where the scene has a recycling place
SETS = 0.25  # share of long-horizon requests over a set of things ("bring me every drink from the fridge")
NEAR_BATCH = 32  # drafts checked for near-copies of the suites at once
# References after a need: mostly the bare negation that only reads there ("something that isn't soda").
NEED_REFERENCE_KINDS = ("negated_bare", "negated_bare", "name", "noun", "adjective", "negated", "except")


@dataclass
class Draft:
    """A task before its gold plan: the instruction, start-state overrides, the goal, what made it."""

    instruction: str
    goal: Goal
    template: str
    init: dict[str, Any] = field(default_factory=dict)


class Families:
    """Drafts of each family from a `TaskGenerator`."""

    def __init__(self, gen: TaskGenerator) -> None:
        self.g, self.rng = gen, gen.rng
        self.makers: dict[str, Callable[[], Draft | None]] = {f: getattr(self, f) for f in FAMILIES}
        # objects never start in a bin (or the hand)
        self.spots = [p for p in gen.places if p not in (gen.trash, gen.recycling)]

    def _verb(self, verbs: Sequence[str]) -> str:
        """One of ``verbs``; "trash" is "recycle" `RECYCLE` of the time in a scene with a recycling place."""
        verb = self.rng.choice(list(verbs))
        recycle = verb == "trash" and self.g.recycling is not None and self.rng.random() < RECYCLE
        return "recycle" if recycle else verb

    def _request(self, verbs: Sequence[str], single: bool) -> Request | None:
        verb = self._verb(verbs)
        ref = None if verb in ("clean", "goto") else self.g.reference(single=single or verb in ("find", "hold"))
        return self.g.request(verb, ref)

    def _spill(self) -> tuple[str, str] | None:
        spills = sorted(self.g.scene.spills)
        if not spills:
            return None
        spill = self.rng.choice(spills)
        return spill, self.g.scene.spills[spill]

    def primitive(self) -> Draft | None:
        verb = self.rng.choice(("hold", "goto", "find", "putdown", *(("door",) if self.g.scene.closed else ())))
        if verb == "door":
            verb = self.rng.choice(("open", "close"))
        if verb in ("open", "close"):
            req = self.g.request(verb)
            if req is None:
                return None
            (door,) = req.goal[0][0].args
            init = {"robot_at": self.rng.choice([door, *self.spots])}
            if verb == "close":
                init["opened"] = [door]
            return Draft(self.g.frame(req.text), req.goal, f"primitive:{verb}", init)
        if verb != "putdown":
            req = self.g.request(verb, self.g.reference(single=True) if verb != "goto" else None)
            return Draft(self.g.frame(req.text), req.goal, f"primitive:{verb}") if req else None
        obj, at = self.rng.choice(list(self.g.scene.objects)), self.rng.choice(self.spots)
        ref = self.g.reference([obj], single=True)
        text = self.rng.choice(self.g.p["verbs"]["putdown"]).format(ref=ref.text) if ref else ""
        goal = ((Predicate("at", (obj, at)),),)
        return Draft(self.g.frame(text), goal, "primitive:putdown", {"holding": obj, "robot_at": at}) if ref else None

    def nouns(self) -> Draft | None:
        ref = next((r for r in (self.g.reference() for _ in range(10)) if r and r.kind != "name"), None)
        req = self.g.request(self._verb(("bring", "bring", "trash", "hold")), ref) if ref else None
        return Draft(self.g.frame(req.text), req.goal, f"nouns:{req.kind}:{ref.kind}") if req and ref else None

    def verbs(self) -> Draft | None:
        req = self._request(("bring", "trash", "place", "clean"), single=True)
        return Draft(self.g.frame(req.text), req.goal, f"verbs:{req.kind}") if req else None

    def structured(self) -> Draft | None:
        entry = self.rng.choice(self.g.p["structured"])
        if entry["to"] == "clean":
            spill = self._spill()
            text = entry["text"].format(spill=spill[0], spill_loc=spill[1]) if spill else ""
            return (
                Draft(self.g.frame(text), ((Predicate("clean", (spill[0],)),),), "structured:clean") if spill else None
            )
        ref = self.g.reference(single=True)
        if ref is None:
            return None
        (obj,) = ref.objects
        start = self.g.scene.objects[obj]
        if "out of the {from}" in entry["text"] and start not in self.g.scene.closed:
            return None  # "out of" a place with a door only
        loc = self.rng.choice([p for p in self.g.places if p not in (start, self.g.trash)])
        if entry["to"] == "trash" and self.g.trash is None:
            return None
        target = {"user": USER, "trash": self.g.trash}.get(entry["to"], loc)
        text = entry["text"].format(ref=ref.text, loc=loc, **{"from": start})
        return Draft(self.g.frame(text), ((Predicate("at", (obj, target)),),), f"structured:{entry['to']}")

    def embodiment(self) -> Draft | None:
        """A request whose obvious first step is wrong: the hand is full, or a thing is not where it was."""
        req = self._request(("bring", "trash", "place", "clean", "hold"), single=self.rng.random() < 0.6)
        if req is None:
            return None
        kind = self.rng.choice(("holding", "moved", "elsewhere"))
        if kind == "holding":
            others = [o for o in self.g.scene.objects if o not in req.objects]
            init: dict[str, Any] = {"holding": self.rng.choice(others), "robot_at": self.rng.choice(self.spots)}
        elif kind == "moved":
            thing = self.rng.choice(sorted(req.objects) or sorted(self.g.search.tools) or [""])
            if thing not in self.g.scene.objects:
                return None
            init = {"objects": {thing: self.rng.choice([p for p in self.spots if p != self.g.scene.objects[thing]])}}
        else:
            init = {"robot_at": self.rng.choice([p for p in self.spots if p != self.g.scene.robot_at])}
        return Draft(self.g.frame(req.text), req.goal, f"embodiment:{kind}:{req.kind}", init)

    def crowd(self) -> Draft | None:
        need = self.rng.choice(self.g.p["needs"])
        phrase = self.rng.choice(need["phrases"])
        if need["kind"] == "clean":
            spill = self._spill()
            text = phrase.format(spill_loc=spill[1]) if spill else ""
            return (
                Draft(self.g.frame_need(text), ((Predicate("clean", (spill[0],)),),), "crowd:clean") if spill else None
            )
        if need["kind"] == "trash":
            ref = self.g.reference(single=True)
            req = self.g.request("trash", ref) if ref else None
            return (
                Draft(self.g.frame_need(phrase.format(ref=ref.text)), req.goal, "crowd:trash") if req and ref else None
            )
        objects = {o for w in need.get("any", []) for o in self.g.having([w])} & self.g.having(need.get("all", []))
        template = f"crowd:{'+'.join(need['any'])}"
        asks = any(w in phrase for w in ("get me", "give me"))  # the need already says what to do
        if objects and not asks and self.rng.random() < NEED_AND_REQUEST:
            return self._need_and_request(phrase, objects, template)
        goal = tuple((Predicate("at", (o, USER)),) for o in sorted(objects))
        return Draft(self.g.frame_need(phrase), goal, template) if goal else None

    def _need_and_request(self, need: str, objects: set[str], template: str) -> Draft | None:
        """A need and what to bring for it ("I'm thirsty, bring me something that isn't soda"): the
        reference is read within what the need asks for, so "something that isn't soda" means the drinks
        that are not soda, not the sponge."""
        ref = self.g.reference(sorted(objects), kinds=NEED_REFERENCE_KINDS)
        wanted = ref.objects & objects if ref else frozenset()
        if ref is None or not wanted:
            return None
        req = self.g.request("bring", replace(ref, objects=wanted))
        if req is None:
            return None
        return Draft(self.g.frame_need_request(need, req.text), req.goal, f"{template}+request:{ref.kind}")

    def long_horizon(self) -> Draft | None:
        draw = self.rng.random()
        if draw < SETS:
            return self.set_request() if self.rng.random() < 0.75 else self._two_alike()
        if draw < SETS + (1 - SETS) / 2:
            return self._two_objects()
        a = self._request(("bring", "trash", "place", "clean"), single=True)
        b = self._request(("bring", "trash", "place", "clean", "goto"), single=True)
        if a is None or b is None or a.kind == b.kind == "clean":
            return None
        goal = conjoin(a.goal, b.goal)
        text = self.rng.choice(self.g.p["joins"]).format(a=a.text, b=b.text)
        return Draft(self.g.frame(text), goal, f"long_horizon:join:{a.kind}+{b.kind}") if goal else None

    def _two_objects(self) -> Draft | None:
        """One verb, two objects. The second is read as a different kind from the first when it can be
        ("a fruit and a snack": not a second fruit). Half the pairs name neither object, half of those by
        category ("a drink and a snack"), the commonest way to ask for two things: with references drawn
        as for one object, two categories would come up in 1 pair in 81."""
        verb = self._verb(("bring", "trash", "place"))
        draw = self.rng.random()
        kinds = ("noun",) if draw < 0.25 else REFERENCE_KINDS[1:] if draw < 0.5 else None
        first = self.g.reference(kinds=kinds)
        rest = [o for o in self.g.scene.objects if first and o not in first.objects]
        second = self.g.reference(rest, kinds=kinds)
        if first is None or second is None or not second.objects - first.objects:
            return None
        second = replace(second, objects=second.objects - first.objects)
        text = self.rng.choice(self.g.p["pairs"]).format(ref=first.text, ref2=second.text)
        both = self.g.request(verb, Reference(text, first.objects | second.objects, "pair"))
        loc = next((p.args[1] for c in both.goal for p in c if p.name == "at"), None) if both else None
        one, two = self.g.request(verb, first, loc), self.g.request(verb, second, loc)
        if both is None or one is None or two is None:
            return None
        return Draft(self.g.frame(both.text), conjoin(one.goal, two.goal), f"long_horizon:pair:{verb}")

    def set_request(self) -> Draft | None:
        """Every object some words pick out, anywhere or at one place ("bring me every drink from the fridge",
        "throw away everything on the table"): all of them must end at the target (2 or 3 objects)."""
        verb = self._verb(("bring", "trash", "place"))
        phrase = self.rng.choice(self.g.p["sets"][verb])
        at = self.rng.choice(self.spots)
        here = [o for o, loc in self.g.scene.objects.items() if loc == at]
        if "everything" in phrase or "whatever" in phrase or "clear the" in phrase:
            group, noun = set(here), ""
        else:
            nouns = sorted({w for o in (here if "{from}" in phrase else self.g.scene.objects)
                            for w in self.g.scene.attributes.get(o, ()) if w in self.g.nouns})  # fmt: skip
            if not nouns or ("{group}" in phrase and not nouns_counted(nouns, self.g.count_nouns)):
                return None
            noun = self.rng.choice(nouns_counted(nouns, self.g.count_nouns) if "{group}" in phrase else nouns)
            group = self.g.having([noun], pool=here if "{from}" in phrase else ())
        if not 2 <= len(group) <= 3 or ("both" in phrase and len(group) != 2):
            return None
        loc = self.rng.choice([p for p in self.spots if p != at])
        target = {"bring": USER, "trash": self.g.trash, "recycle": self.g.recycling, "place": loc}[verb]
        if target is None or any(self.g.scene.objects[o] == target for o in group):
            return None
        text = phrase.format(group=noun, groups=self.g.plural(noun), **{"from": at}, loc=loc)
        goal = (tuple(Predicate("at", (o, target)) for o in sorted(group)),)
        return Draft(self.g.frame(text), goal, f"long_horizon:set:{verb}")

    def _two_alike(self) -> Draft | None:
        """Any two of the objects a noun picks out ("bring me two different snacks")."""
        nouns = sorted({w for words in self.g.scene.attributes.values() for w in words if w in self.g.nouns})
        if not nouns:
            return None
        noun = self.rng.choice(nouns)
        group = sorted(self.g.having([noun]))
        if len(group) < 2 or len(group) > 5:
            return None
        text = self.rng.choice(self.g.p["two"]).format(groups=self.g.plural(noun))
        pairs = itertools.combinations(group, 2)
        goal = tuple((Predicate("at", (a, USER)), Predicate("at", (b, USER))) for a, b in pairs)
        return Draft(self.g.frame(text), goal, "long_horizon:two")

    def drafts(self, weights: Mapping[str, int] | None = None) -> Iterator[tuple[str, Draft]]:
        """Drafts without end, the families in turn: each once a round, then each family's extra draws
        (``weights[family] - 1``; see `check_weights`). A draw that does not fit the scene (a need for
        objects it lacks) is skipped, so such a family yields fewer drafts than its weight."""
        weights = check_weights(weights)
        cycle = [*FAMILIES, *(f for f in FAMILIES for _ in range(weights[f] - 1))]
        while True:
            for family in cycle:
                draft = self.makers[family]()
                if draft is not None and draft.goal:
                    yield family, draft


def nouns_counted(nouns: Sequence[str], count_nouns: Collection[str]) -> list[str]:
    """Those of ``nouns`` one can count ("every drink"; not "every food")."""
    return [n for n in nouns if n in count_nouns]


def generate(
    gen: TaskGenerator, n: int, avoid: Any = None, max_tries: int = 50, weights: Mapping[str, int] | None = None
) -> list[dict[str, Any]]:
    """``n`` distinct tasks as suite rows, each with its shortest gold plan.

    Args:
        avoid: A `saycan.text.NearCopies` of requests no task may come near (the suites).
        max_tries: Drafts tried per task kept, at most, before giving up with fewer.
        weights: Drafts of each family per round (`check_weights`); default one each.
    """
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    drafts = Families(gen).drafts(weights)
    for _ in range(0, n * max_tries, NEAR_BATCH):
        if len(rows) == n:
            break
        batch = [next(drafts) for _ in range(NEAR_BATCH)]  # checked for near-copies at once: one embedding call
        near = avoid.near([d.instruction for _, d in batch]) if avoid is not None else [False] * len(batch)
        for (family, draft), is_near in zip(batch, near, strict=True):
            key = f"{draft.instruction.lower()}|{sorted(draft.init.items())}"
            if len(rows) == n or key in seen or is_near:
                continue
            scene = gen.scene.with_init(draft.init)
            plan = shortest(gen, scene, draft.goal)
            if not plan:  # unreachable, or already true at the start: not a task
                continue
            seen.add(key)
            rows.append(task_row(f"g{len(rows) + 1:05d}", family, draft.instruction, draft.init, draft.goal, plan,
                                 draft.template))  # fmt: skip
    return rows


def shortest(gen: TaskGenerator, scene: Any, goal: Goal) -> list[str] | None:
    """The shortest plan in ``scene`` that reaches a clause of ``goal`` and leaves the rest undisturbed."""
    return gen.search.shortest_plan(SymbolicWorld(scene), gen.search.undisturbed(goal, scene))
