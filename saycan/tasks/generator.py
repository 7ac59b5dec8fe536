"""Tasks generated from a scene, its object attributes and phrase lists, each with a shortest gold plan.

Every task is (instruction, start state, success clauses, gold plan) in one of SayCan's seven families.
A reference ("a drink that isn't soda") resolves to the set of objects whose attributes fit, and the
success clauses are every way to satisfy the request with them. Phrase lists are split into train and
dev (`phrase_split`), so a model can be measured on wordings it never saw.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saycan.plan_search import PlanSearch
from saycan.skill import Skill
from saycan.storage.yaml_safe import safe_load
from saycan.tasks.phrase_split import split_all
from saycan.world.predicates import Goal, Predicate
from saycan.world.scene import USER, Scene

PHRASES = Path(__file__).with_name("phrases.yaml")
REFERENCE_KINDS = ("name", "noun", "adjective", "adjective_noun", "negated", "except")
# Kinds that only read within a context that narrows the objects ("I'm thirsty, bring me something that
# isn't soda"): drawn only when asked for by name, with the narrowed objects.
CONTEXT_KINDS = ("negated_bare",)
SHARED = ("nouns", "uses", "count_nouns", "mass_nouns")  # phrase-file keys that are vocabulary, not wordings


@dataclass(frozen=True)
class Reference:
    """Words for objects: ``text`` ("a drink that isn't soda") means any one of ``objects``."""

    text: str
    objects: frozenset[str]
    kind: str


@dataclass(frozen=True)
class Request:
    """A core request (no framing yet), the goal it sets and what it is about."""

    text: str
    goal: Goal
    kind: str
    objects: frozenset[str] = frozenset()


class TaskGenerator:
    """Writes tasks for ``scene`` with ``skills``.

    Args:
        scene: The scene; its ``attributes`` give what objects can be called.
        skills: Skill id -> skill (gold plans are searched over these).
        seed: Seeds every choice.
        split: ``train``, ``dev`` or ``all`` phrases (`phrase_split`).
        phrases: The phrase lists (default: the shipped ``phrases.yaml``).
    """

    def __init__(
        self,
        scene: Scene,
        skills: Mapping[str, Skill],
        seed: int = 0,
        split: str = "train",
        phrases: Mapping[str, Any] | None = None,
    ) -> None:
        data = dict(phrases) if phrases is not None else safe_load(PHRASES.read_text())
        # Only wordings are split; the attribute vocabulary (nouns, uses, what a need asks for) is shared.
        self.p = {key: value if key in SHARED else split_all(value, split) for key, value in data.items()}
        self.scene, self.rng = scene, random.Random(seed)
        self.search = PlanSearch(skills)
        self.nouns, self.uses = set(data["nouns"]), dict(data["uses"])
        self.count_nouns = set(data.get("count_nouns", ()))
        self.mass_nouns = set(data.get("mass_nouns", ()))
        self.places = [loc for loc in scene.locations if loc != USER]
        # where "throw away" and "recycle" put things; None: the scene has no such place
        self.trash, self.recycling = scene.trash, scene.recycling

    # -- references ----------------------------------------------------------------------
    def having(self, words: Sequence[str] = (), without: Sequence[str] = (), pool: Sequence[str] = ()) -> set[str]:
        """Objects (of ``pool``, default all) whose attributes include every word and none of ``without``."""
        attrs = self.scene.attributes
        objs = pool or list(self.scene.objects)
        return {
            o for o in objs if all(w in attrs.get(o, ()) for w in words) and not set(without) & set(attrs.get(o, ()))
        }

    def reference(
        self, objects: Sequence[str] | None = None, single: bool = False, kinds: Sequence[str] | None = None
    ) -> Reference | None:
        """A reference to some of ``objects`` (default: every object).

        Args:
            single: By name or by a description that fits one object only.
            kinds: Kinds of reference to draw from (`REFERENCE_KINDS`, `CONTEXT_KINDS`). Default: by name,
                or when not ``single`` by name 3 times in 9 and by negation 2 times in 9.
        """
        objects = list(objects or self.scene.objects)
        if kinds is None:
            kinds = ["name"] * 3 + ([] if single else [*REFERENCE_KINDS[1:], "negated"])  # negation: 2 in 9
        for _ in range(20):
            kind = self.rng.choice(kinds)
            ref = getattr(self, f"_ref_{kind}")(objects)
            if ref is not None and (not single or len(ref.objects) == 1):
                return ref
        return None

    def _words(self, objects: Sequence[str], nouns: bool) -> list[str]:
        return sorted({w for o in objects for w in self.scene.attributes.get(o, ()) if (w in self.nouns) == nouns})

    def _ref_name(self, objects: Sequence[str]) -> Reference:
        name = self.rng.choice(objects)
        return Reference(self.rng.choice(self.p["references"]["name"]).format(name=name), frozenset([name]), "name")

    def _ref_noun(self, objects: Sequence[str]) -> Reference | None:
        nouns = self._words(objects, nouns=True)
        if not nouns:
            return None
        noun = self.rng.choice(nouns)
        return Reference(
            self.rng.choice(self.p["references"]["noun"]).format(noun=noun), frozenset(self.having([noun])), "noun"
        )

    def _ref_adjective(self, objects: Sequence[str]) -> Reference | None:
        adjs = self._words(objects, nouns=False)
        if not adjs:
            return None
        adj = self.rng.choice(adjs)
        text = self.rng.choice(self.p["references"]["adjective"]).format(adj=adj)
        return Reference(text, frozenset(self.having([adj])), "adjective")

    def _ref_adjective_noun(self, objects: Sequence[str]) -> Reference | None:
        obj = self.rng.choice(objects)
        attrs = self.scene.attributes.get(obj, ())
        nouns, adjs = [w for w in attrs if w in self.nouns], [w for w in attrs if w not in self.nouns]
        if not nouns or not adjs:
            return None
        noun, adj = self.rng.choice(nouns), self.rng.choice(adjs)
        phrases = self._phrases_for("adjective_noun", noun)
        if not phrases:
            return None
        text = self.rng.choice(phrases).format(adj=adj, noun=noun, use=self.uses.get(noun, ""))
        return Reference(text, frozenset(self.having([noun, adj])), "adjective_noun")

    def _phrases_for(self, kind: str, noun: str) -> list[str]:
        """The ``references`` phrases of ``kind`` that can describe ``noun``: "... to {use}" only if it has a use."""
        return [t for t in self.p["references"][kind] if "{use}" not in t or noun in self.uses]

    def _noun_group(self, objects: Sequence[str]) -> tuple[str, set[str]] | None:
        """A noun one of ``objects`` is described by, and every object it describes (None: no noun)."""
        obj = self.rng.choice(objects)
        nouns = [w for w in self.scene.attributes.get(obj, ()) if w in self.nouns]
        if not nouns:
            return None
        noun = self.rng.choice(nouns)
        return noun, self.having([noun])

    def _ref_negated(self, objects: Sequence[str]) -> Reference | None:
        picked = self._noun_group(objects)
        if picked is None:
            return None
        noun, group = picked
        adjs = sorted({w for o in group for w in self.scene.attributes.get(o, ()) if w not in (noun,)} - {noun})
        adjs = [a for a in adjs if self.having([noun], [a]) and self.having([noun], [a]) != group]
        if not adjs:
            return None
        adj = self._ruled_out(adjs)
        phrases = self._phrases_for("negated", noun)
        if adj in self.nouns:  # "a drink that isn't soda" reads; "a non-soda drink" does too
            phrases = [t for t in phrases if "anything {adj}" not in t]
        text = self.rng.choice(phrases).format(noun=noun, adj=adj, use=self.uses.get(noun, ""))
        return Reference(text, frozenset(self.having([noun], [adj])), "negated")

    def _ref_negated_bare(self, objects: Sequence[str]) -> Reference | None:
        """Those of ``objects`` without a word, no noun said ("something that isn't soda"): ``objects`` is
        what the context allows, so the reference means nothing outside them."""
        words = sorted({w for o in objects for w in self.scene.attributes.get(o, ())})
        left = {w: self.having(without=[w], pool=objects) for w in words}
        words = [w for w in words if 0 < len(left[w]) < len(set(objects))]
        if not words:
            return None
        word = self._ruled_out(words)
        phrases = [t for t in self.p["references"]["negated_bare"] if word in self.nouns or " other than " not in t]
        said = f"a {word}" if word in self.count_nouns else word  # "anything but a can", "... isn't soda"
        text = self.rng.choice(phrases).format(adj=said)
        return Reference(text, frozenset(left[word]), "negated_bare")

    def _ruled_out(self, words: Sequence[str]) -> str:
        """The word a negation rules out. People mostly rule out a kind ("a drink that isn't soda"), less
        often a property ("... isn't clear"), but kinds are few among an object's words: draw them half
        the time."""
        categories = [w for w in words if w in self.nouns]
        return self.rng.choice(categories if categories and self.rng.random() < 0.5 else list(words))

    def _ref_except(self, objects: Sequence[str]) -> Reference | None:
        picked = self._noun_group(objects)
        if picked is None or len(picked[1]) < 2:
            return None
        noun, group = picked
        name = self.rng.choice(sorted(group))
        text = self.rng.choice(self.p["references"]["except"]).format(noun=noun, name=name)
        return Reference(text, frozenset(group - {name}), "except")

    # -- requests --------------------------------------------------------------------------
    def request(self, verb: str, ref: Reference | None = None, loc: str | None = None) -> Request | None:
        """A core request with ``verb`` (a key of ``verbs``) about ``ref`` (and a place)."""
        phrase = self.rng.choice(self.p["verbs"][verb])
        spills = list(self.scene.spills)
        if verb == "clean":
            spill = self.rng.choice(spills) if spills else None
            if spill is None:
                return None
            text = phrase.format(spill=spill, spill_loc=self.scene.spills[spill])
            return Request(text, ((Predicate("clean", (spill,)),),), verb)
        if verb == "goto":
            loc = loc or self.rng.choice(self.places)
            return Request(phrase.format(loc=loc), ((Predicate("robot_at", (loc,)),),), verb)
        if verb in ("open", "close"):  # a place with a door (`close` needs it open at the start)
            if not self.scene.closed:
                return None
            loc = loc or self.rng.choice(self.scene.closed)
            return Request(phrase.format(loc=loc), ((Predicate(verb.replace("close", "closed"), (loc,)),),), verb)
        if ref is None:
            return None
        if verb == "place":
            loc = loc or self.rng.choice([p for p in self.places if p != self.trash])
            if any(self.scene.objects[o] == loc for o in ref.objects):
                return None  # already there: not a request anyone makes
        if (verb == "trash" and self.trash is None) or (verb == "recycle" and self.recycling is None):
            return None
        objects = sorted(ref.objects)
        target = {"bring": USER, "trash": self.trash, "recycle": self.recycling, "place": loc}.get(verb)
        if target is not None:
            clauses = tuple((Predicate("at", (o, target)),) for o in objects)
        elif verb == "hold":
            clauses = tuple((Predicate("holding", (o,)),) for o in objects)
        elif verb == "find":
            clauses = tuple((Predicate("robot_at", (self.scene.objects[o],)),) for o in objects)
        else:  # putdown: where the robot stands
            clauses = tuple((Predicate("at", (o, self.scene.robot_at)),) for o in objects)
        return Request(phrase.format(ref=ref.text, loc=loc), clauses, verb, ref.objects)

    def plural(self, noun: str) -> str:
        """``noun`` as "all the ..." says it: mass nouns as they are ("food"), others plural ("drinks")."""
        if noun in self.mass_nouns or noun.endswith("s"):
            return noun
        if noun.endswith(("x", "ch", "sh")):
            return noun + "es"
        if noun.endswith("y") and noun[-2:-1] not in "aeiou":
            return noun[:-1] + "ies"
        return noun + "s"

    def frame(self, core: str) -> str:
        """A request said one of the `framings` ways (a statement: `statement_framings`), capitalised."""
        framings = self.p["statement_framings" if _statement(core) else "framings"]
        return _capital(self.rng.choice(framings).format(request=self.inside(core)))

    def inside(self, text: str) -> str:
        """``text`` with things "in" a place with a door or a bin, not "on" it ("put the milk in the fridge")."""
        for door in [*self.scene.closed, *([self.recycling] if self.recycling else [])]:
            text = text.replace(f" on the {door}", f" in the {door}").replace(f" onto the {door}", f" into the {door}")
        return text

    def frame_need(self, need: str) -> str:
        """A need voiced one of the `need_framings` ways, capitalised."""
        return _capital(self.rng.choice(self.p["need_framings"]).format(need=need))

    def frame_need_request(self, need: str, core: str) -> str:
        """A need and a request in one (`need_requests`; a statement core is not asked "could you ...")."""
        phrases = self.p["need_requests"]
        if _statement(core):
            phrases = [t for t in phrases if "you {request}" not in t and "please {request}" not in t.lower()]
        text = self.rng.choice(phrases).format(need=need, request=core)
        return _capital(re.sub(r"([.?!] )([a-z])", lambda m: m[1] + m[2].upper(), text))


def _statement(core: str) -> bool:
    """A core request that is a statement ("I want {ref}", "{ref} goes in the trash"), not an order."""
    starts = core.startswith(("I ", "I'", "can I ")) or not core.split(" ", 1)[0].isalpha()
    return starts or any(w in core for w in (" goes ", " belongs ", " can be "))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def task_row(task_id: str, family: str, instruction: str, init: Mapping[str, Any], goal: Goal, plan: Sequence[str],
             template: str) -> dict[str, Any]:  # fmt: skip
    """A task as a suite file holds it."""
    row: dict[str, Any] = {"id": task_id, "family": family, "instruction": instruction}
    if init:
        row["init"] = dict(init)
    success = [[str(p) for p in clause] for clause in goal]
    return {**row, "success": success, "plan": [*plan, "done"], "template": template}
