"""The few-shot examples a request is shown: retrieved from the bank, with the requests being measured held out."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import replace

from saycan.errors import warn
from saycan.planner.prompt import PromptExample, PromptTemplate
from saycan.planner.retrieval import ExampleRetriever, expand_bank
from saycan.skill import Skill
from saycan.text import NearCopies, name_masker
from saycan.world.scene import scene_definition
from saycan.world.state import SymbolicWorld


class FewShot:
    """Picks each request's examples from ``prompt.bank`` and ``prompt.bank_tasks``, made for the scene being
    planned in (filled with its names, generated tasks made for it) once per scene.

    Args:
        prompt: The prompt template; ``prompt.retrieve`` > 0 turns retrieval on.
        skills: Skill id -> skill: generated tasks for a new scene are planned with these.
        held_out: Requests never answered by their own entry: an evaluation's instructions.
        holdout_similarity: With ``held_out``, also hold out every bank entry whose cosine to one
            of them is at least this, plain or with scene names masked, or that is the same text
            without articles and prepositions (`saycan.text`). None: exact text only.
    """

    def __init__(
        self,
        prompt: PromptTemplate,
        skills: Mapping[str, Skill],
        held_out: Collection[str] = (),
        holdout_similarity: float | None = None,
    ) -> None:
        self.prompt, self.skills = prompt, skills
        self.held_out = list(held_out)
        self.holdout_similarity = holdout_similarity
        self._scene: Hashable | None = None
        self._kept: list[PromptExample] = []
        self._fixed: tuple[PromptExample, ...] = ()
        self._retriever: ExampleRetriever | None = None
        self._mask = None

    def _build(self, world: SymbolicWorld, valid_steps: set[str]) -> None:
        """The bank for this scene: filled in, misfits and held-out entries removed, a retriever over the rest."""
        from saycan.embed import shared_embedder

        generated = [ex for bank in self.prompt.bank_tasks for ex in bank.for_scene(world.scene, self.skills)]
        bank, groups, misfits = expand_bank([*self.prompt.bank, *generated], world, valid_steps)
        if misfits:
            first = misfits[0]
            warn(
                f"{len(misfits)} prompt examples do not fit scene {world.scene.name!r} and its skills and are left "
                f"out (e.g. {first.instruction!r}: {first.step!r} is no skill text here)"
            )
        exact = {text.strip().lower() for text in self.held_out}
        kept = [
            i
            for i, ex in enumerate(bank)
            if ex.instruction.strip().lower() not in exact and (self.prompt.state or ex.holding is None)
        ]
        names = [*world.objects, *world.locations, *world.spills]
        self._mask = name_masker(names)
        fixed = fitting(self.prompt.examples, valid_steps)
        if self.held_out and self.holdout_similarity is not None:
            copies = NearCopies(self.held_out, shared_embedder(), self._mask, self.holdout_similarity)
            kept = [
                i for i, drop in zip(kept, copies.near([bank[i].instruction for i in kept]), strict=True) if not drop
            ]
            fixed = [
                ex for ex, drop in zip(fixed, copies.near([ex.instruction for ex in fixed]), strict=True) if not drop
            ]
        self._kept, self._fixed = [bank[i] for i in kept], tuple(fixed)
        self._retriever = None
        if self._kept:  # else: the fixed examples that survived the hold-out
            self._retriever = ExampleRetriever(
                self._kept,
                self.prompt.retrieve,
                [groups[i] for i in kept],
                names=names if self.prompt.retrieve_by == "both" else (),
            )

    def template(self, instruction: str, world: SymbolicWorld, valid_steps: set[str]) -> PromptTemplate:
        """The prompt for ``instruction`` from ``world``'s state: the hand (``prompt.state``) and,
        when ``prompt.retrieve`` > 0, the bank examples nearest to the request that start alike."""
        holding = world.holding if self.prompt.state else None
        if not self.prompt.retrieve:  # the fixed examples, those that fit this scene and these skills
            return replace(self.prompt, examples=fitting(self.prompt.examples, valid_steps), holding=holding)
        self._ensure(world, valid_steps)
        examples = self._retriever(instruction, holding) if self._retriever else self._fixed
        return replace(self.prompt, examples=examples, holding=holding)

    def nearest(self, instruction: str, world: SymbolicWorld, valid_steps: set[str]) -> tuple[str | None, float]:
        """The bank entry (after the hold-out) nearest to ``instruction``, and its similarity as the hold-out
        measures it (`NearCopies.nearest_to`). (None, 0.0) when retrieval is off or the bank is empty."""
        if not self.prompt.retrieve:
            return None, 0.0
        self._ensure(world, valid_steps)
        if not self._kept:
            return None, 0.0
        from saycan.embed import shared_embedder

        texts = list(dict.fromkeys(ex.instruction for ex in self._kept))
        index, similarity = NearCopies(texts, shared_embedder(), self._mask).nearest_to(instruction)
        return texts[index], round(similarity, 4)

    def _ensure(self, world: SymbolicWorld, valid_steps: set[str]) -> None:
        key = (world.objects, world.locations, world.spills)
        if any(bank.generates_for(world.scene) for bank in self.prompt.bank_tasks):
            key = (*key, repr(scene_definition(world.scene)))  # a generated bank depends on the start state
        if self._scene != key:  # built once per scene
            self._build(world, valid_steps)
            self._scene = key


def fitting(examples: Sequence[PromptExample], valid_steps: set[str]) -> tuple[PromptExample, ...]:
    """The examples whose every step is a skill text here."""
    return tuple(ex for ex in examples if all(step in valid_steps for step in ex.steps))
