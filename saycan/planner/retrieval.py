"""Few-shot examples picked per instruction from a bank of solved instructions by embedding similarity."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from saycan.errors import ConfigError
from saycan.planner.prompt import PromptExample, slots_of
from saycan.text import name_masker
from saycan.world.scene import USER
from saycan.world.state import SymbolicWorld

# Fillings kept per template. Two-object templates grow as objects squared (31k in a 550-skill
# scene); an evenly spaced subset keeps every object in the bank while the embedding stays quick.
MAX_FILLINGS = 400


@dataclass(frozen=True)
class Misfit:
    """A bank example left out: it names a step that is no skill text here (another scene's object, a
    skill not chosen)."""

    index: int
    instruction: str
    step: str


def expand_bank(
    templates: Sequence[PromptExample], world: SymbolicWorld, valid_steps: set[str]
) -> tuple[list[PromptExample], list[int], list[Misfit]]:
    """Fill each template's placeholders with every combination of the scene's names.

    Args:
        templates: Examples whose instruction and steps may use the placeholders in `SLOTS` (checked
            when they were read: `saycan.planner.prompt.examples_from`).
        world: The scene being planned in.
        valid_steps: Skill texts the planner can choose; a filling with a step outside them is left out.

    Returns:
        (the solved instructions, one per distinct (hand, instruction); the template index of each;
        one `Misfit` per template that lost a filling so).
    """
    names = {
        "object": world.objects,
        "other": world.objects,
        "location": [loc for loc in world.locations if loc != USER],
        "spill": world.spills,
        "trash": [world.scene.trash] if world.scene.trash else [],
    }
    bank: dict[tuple[str | None, str], tuple[PromptExample, int]] = {}
    misfits: list[Misfit] = []
    for i, tpl in enumerate(templates):
        used = slots_of(tpl)
        free = [s for s in used if s != "spill_location"]
        if "spill_location" in used and "spill" not in free:
            free.append("spill")
        fills = [dict(zip(free, values, strict=True)) for values in itertools.product(*(names[s] for s in free))]
        fills = [f for f in fills if "other" not in f or f["other"] != f.get("object")]
        if len(fills) > MAX_FILLINGS:
            fills = [fills[j] for j in np.linspace(0, len(fills) - 1, MAX_FILLINGS).astype(int)]
        for fill in fills:
            if "spill_location" in used:
                fill["spill_location"] = world.location_of(fill["spill"])
            steps = tuple(s.format(**fill) for s in tpl.steps)
            bad = next((s for s in steps if s not in valid_steps), None)
            if bad is not None:
                if not misfits or misfits[-1].index != i:
                    misfits.append(Misfit(i, tpl.instruction, bad))
                continue
            instruction = tpl.instruction.format(**fill)
            holding = tpl.holding.format(**fill) if tpl.holding else None
            bank.setdefault((holding, instruction), (PromptExample(instruction, steps, holding), i))
    return [ex for ex, _ in bank.values()], [i for _, i in bank.values()], misfits


def retrieval_key(instruction: str, holding: str | None = None) -> str:
    """The text embedded for retrieval: the request, and what the robot holds when it starts."""
    return instruction if holding is None else f"{instruction}, while holding the {holding}"


class ExampleRetriever:
    """The ``k`` bank examples nearest to an instruction, most similar last (next to the query).

    LLM-Planner (Song et al., 2023) retrieves in-context examples this way; a small LM copies
    the nearest example's structure, so showing it relevant ones replaces a fixed prompt's
    pull towards its own last example. At most ``per_group`` examples come from one group
    (one bank template): otherwise the many two-object fillings crowd out the one-object
    plan that "bring me the chips" needs, and the LM goes on to fetch a second object.

    With ``names`` (the scene's), similarity is the mean of the plain texts' and of the texts
    with every name masked: "pick up the sponge" then ranks "pick up the apple" (same plan
    shape) above "put the sponge on the sink" (same object), which plain MiniLM prefers.
    Examples start with the hand as empty, or as full, as the request's; a full hand's object
    is part of the compared text (`retrieval_key`). Each of the two is embedded when first needed.

    Args:
        bank: Solved instructions.
        k: Examples per prompt, >= 1.
        groups: (len(bank),) group of each example (default: all different).
        per_group: Most examples taken from one group.
        embed: texts -> (n, d) unit vectors; default MiniLM (offline).
        names: Scene names to mask for the structural similarity; empty: plain similarity only.
    """

    def __init__(
        self,
        bank: Sequence[PromptExample],
        k: int,
        groups: Sequence[int] | None = None,
        per_group: int = 2,
        embed: Callable[[Sequence[str]], np.ndarray] | None = None,
        names: Sequence[str] = (),
    ) -> None:
        if int(k) < 1:
            raise ConfigError(f"prompt.retrieve must be >= 1 to retrieve examples (0 turns retrieval off), got {k!r}")
        if not bank:
            raise ConfigError("prompt.retrieve > 0 needs a non-empty prompt.bank of solved instructions")
        if embed is None:
            from saycan.embed import shared_embedder

            embed = shared_embedder()
        self.bank, self.k, self.embed, self.per_group = list(bank), int(k), embed, int(per_group)
        self.groups = list(groups) if groups is not None else list(range(len(self.bank)))
        self.mask = name_masker(names) if names else None  # scene names, masked for the structure
        self._parts: dict[bool, tuple[list[int], np.ndarray, np.ndarray | None]] = {}

    def _part(self, full_hand: bool) -> tuple[list[int], np.ndarray, np.ndarray | None]:
        """(bank indices, (n, d) text vectors, (n, d) masked vectors or None) of one hand state.

        Embedded on first use: a run that starts with an empty hand never embeds the others.
        """
        if full_hand not in self._parts:
            index = [i for i, ex in enumerate(self.bank) if (ex.holding is not None) == full_hand]
            keys = [retrieval_key(self.bank[i].instruction, self.bank[i].holding) for i in index]
            vectors = self.embed(keys) if keys else np.zeros((0, 1), np.float32)
            masked = None
            if self.mask is not None and keys:  # fillings of one template mask alike: embed each distinct text once
                texts = [self.mask(k) for k in keys]
                distinct = sorted(set(texts))
                rows = dict(zip(distinct, self.embed(distinct), strict=True))
                masked = np.stack([rows[t] for t in texts])
            self._parts[full_hand] = (index, vectors, masked)
        return self._parts[full_hand]

    def __call__(self, instruction: str, holding: str | None = None) -> tuple[PromptExample, ...]:
        """Examples that start with the hand as empty, or as full, as the request's (the others
        if the bank has none such).

        Returns:
            Up to ``k`` examples, ascending similarity (ties: bank order).
        """
        index, vectors, masked = self._part(holding is not None)
        if not index:
            index, vectors, masked = self._part(holding is None)
        key = retrieval_key(instruction, holding)
        similarity = vectors @ self.embed([key])[0]  # cosine: both sides are unit vectors
        if masked is not None:
            similarity = (similarity + masked @ self.embed([self.mask(key)])[0]) / 2
        top: list[int] = []
        taken: Counter[int] = Counter()
        for j in np.argsort(-similarity, kind="stable"):
            i = index[j]
            if taken[self.groups[i]] < self.per_group:
                top.append(i)
                taken[self.groups[i]] += 1
                if len(top) == self.k:
                    break
        return tuple(self.bank[i] for i in reversed(top))
