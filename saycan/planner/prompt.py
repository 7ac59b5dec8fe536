"""The few-shot prompt of SayCan ("Human: ... / Robot: 1. ..., 2. ..."), built from config."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from saycan.errors import ConfigError
from saycan.skill import Skill
from saycan.storage.yaml_safe import safe_load
from saycan.world.scene import Scene

FIELDS = (
    "header",
    "examples",
    "query",
    "state",
    "step",
    "separator",
    "failed_suffix",
    "option_prefix",
    "retrieve",
    "retrieve_by",
    "bank",
    "bank_tasks",
)
RETRIEVE_BY = ("text", "both")
# Placeholders a bank template may use: scene objects, a second different object, places the robot
# can go to, spills, the place of the spill being filled in, and the scene's bin (`Scene.trash`).
SLOTS = ("object", "other", "location", "spill", "spill_location", "trash")
SHIPPED_TASKS = Path(__file__).resolve().parents[1] / "tasks"  # prompt.bank_tasks names files here


@dataclass(frozen=True)
class PromptExample:
    """A solved instruction; ``holding`` is the object in the robot's hand when it starts, if any."""

    instruction: str
    steps: tuple[str, ...]
    holding: str | None = None


def slots_of(example: PromptExample) -> list[str]:
    """The placeholders an example's instruction, hand and steps use, sorted."""
    texts = [example.instruction, example.holding or "", *example.steps]
    return sorted({name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name})


def examples_from(items: Any, key: str, templates: bool = False) -> tuple[PromptExample, ...]:
    """Solved instructions from config (``prompt.<key>``) or a skill's ``examples``, checked; with
    ``templates``, their placeholders must be `SLOTS` (the bank fills them with the scene's names)."""
    examples = []
    for i, ex in enumerate(items or []):
        if not isinstance(ex, Mapping) or not ex.get("instruction") or not ex.get("steps"):
            raise ConfigError(f"prompt.{key}[{i}] needs 'instruction' and a non-empty 'steps' list, got {ex!r}")
        holding = ex.get("holding")
        if holding is not None and (not isinstance(holding, str) or not holding.strip()):
            raise ConfigError(f"prompt.{key}[{i}].holding must be an object name or left out, got {holding!r}")
        example = PromptExample(str(ex["instruction"]), tuple(str(s) for s in ex["steps"]), holding)
        unknown = [s for s in slots_of(example) if s not in SLOTS] if templates else []
        if unknown:
            said = f"prompt.{key}[{i}] ({example.instruction!r})"
            raise ConfigError(f"{said} uses {unknown}; valid placeholders: {SLOTS}")
        examples.append(example)
    return tuple(examples)


def rows_as_examples(rows: Sequence[Mapping[str, Any]], where: str) -> tuple[PromptExample, ...]:
    """Solved requests from generated tasks (suite rows with a ``plan``). Tasks that start with more changed
    than the hand (the prompt can only say what the robot holds) are left out."""
    examples = []
    for i, task in enumerate(rows):
        init = task.get("init") or {}
        if not isinstance(task.get("plan"), list):
            raise ConfigError(f"prompt.bank_tasks: {where} task {i}: needs a plan (a list of skill texts)")
        if not set(init) - {"holding", "robot_at"}:
            examples.append({"instruction": task["instruction"], "steps": task["plan"], "holding": init.get("holding")})
    return examples_from([{k: v for k, v in ex.items() if v is not None} for ex in examples], "bank_tasks")


@dataclass(frozen=True)
class TaskBank:
    """Generated solved requests (``prompt.bank_tasks``): shown as written in the scene they were generated
    for; in any other scene, the same recipe generates tasks for that scene (`saycan.tasks.bank`, cached).

    Attributes:
        name: The file's name (``kitchen_bank``).
        scene: The scene the file's tasks were generated for.
        examples: Its tasks as examples.
        recipe: How they were generated (the file's ``generated`` header).
    """

    name: str
    scene: str
    examples: tuple[PromptExample, ...]
    recipe: Mapping[str, Any]

    def for_scene(self, scene: Scene, skills: Mapping[str, Skill]) -> tuple[PromptExample, ...]:
        """The examples to show in ``scene``: these where ``scene`` is the one they were made for or holds
        all its places and objects (the kitchen grown to 550 skills), else the recipe's tasks generated for it."""
        if not self.generates_for(scene):
            return self.examples
        from saycan.tasks.bank import scene_tasks

        return rows_as_examples(scene_tasks(scene, skills, self.recipe), f"{self.name} for scene {scene.name!r}")

    def generates_for(self, scene: Scene) -> bool:
        """Whether ``scene`` gets tasks generated for it: it is not the scene these were made for, nor holds
        every place and object of it (a shipped scene's)."""
        from saycan.storage.resources import conf_dir
        from saycan.world.scene import load_scene

        origin = conf_dir() / "scene" / f"{self.scene}.yaml"
        if scene.name == self.scene:
            return False
        if not origin.is_file():
            return True
        return not scene.holds(load_scene(origin))


def task_banks(files: Sequence[str]) -> tuple[TaskBank, ...]:
    """Task files (``saycan.generate_tasks`` writes them) as banks. A bare name is a file shipped in
    ``saycan/tasks/`` (``kitchen_bank``)."""
    from saycan.tasks.bank import recipe_of

    banks = []
    for name in files:
        path = Path(name) if Path(name).suffix else SHIPPED_TASKS / f"{name}.yaml"
        try:
            data = safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"prompt.bank_tasks: cannot read {str(path)!r}: {exc}") from None
        if not isinstance(data, Mapping) or not isinstance(data.get("tasks"), list):
            fix = "python -m saycan.generate_tasks writes one"
            raise ConfigError(f"prompt.bank_tasks: {path} needs a 'tasks' list ({fix})")
        examples = rows_as_examples(data["tasks"], str(path))
        recipe = recipe_of(data.get("generated"), f"prompt.bank_tasks: {path}")
        banks.append(TaskBank(path.stem, str(data.get("scene", "kitchen")), examples, recipe))
    return tuple(banks)


@dataclass(frozen=True)
class PromptTemplate:
    """Formats the prompt for one planning step.

    The prompt ends right after the next step's number (``"... Robot: 1. find the sponge, 2."``)
    and every option is scored as ``option_prefix + text`` (``" pick up the sponge"``).

    Attributes:
        header: Text before the examples; may use ``{objects}`` and ``{locations}``.
        examples: Solved instructions shown before the query.
        query: The instruction line, with ``{instruction}``.
        state: Said after the query when the robot starts with something in its hand, with
            ``{holding}`` (" I am holding the {holding}."); "" never mentions the hand and
            leaves out bank examples that start holding something.
        step: One numbered step, with ``{n}`` and ``{text}``.
        separator: Between steps.
        failed_suffix: Appended to a step that failed, so the LLM can replan.
        option_prefix: Put before each option (the space belongs to the option).
        retrieve: 0 shows ``examples``; k > 0 shows instead the k examples of ``bank`` nearest
            to the instruction (see `saycan.planner.retrieval`).
        retrieve_by: ``"text"``: similarity of the instructions; ``"both"``: its mean with the
            similarity of the instructions with scene names masked (their structure).
        bank: Solved instructions with placeholders (``{object}``, ``{location}``, ...), filled in
            with the scene's names.
        bank_tasks: Generated solved requests (`TaskBank`), retrieved from with ``bank``.
        holding: What the robot holds at the start of this request (set per request by the
            planner, not from config).
    """

    header: str = ""
    examples: tuple[PromptExample, ...] = ()
    query: str = "Human: {instruction}\nRobot:"
    state: str = ""
    step: str = " {n}.{text}"
    separator: str = ","
    failed_suffix: str = " (failed)"
    option_prefix: str = " "
    retrieve: int = 0
    retrieve_by: str = "text"
    bank: tuple[PromptExample, ...] = ()
    bank_tasks: tuple[TaskBank, ...] = ()
    holding: str | None = None

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> PromptTemplate:
        cfg = dict(cfg)
        for key in cfg:
            if key not in FIELDS:
                raise ConfigError(f"prompt.{key} is not a prompt setting; valid: {', '.join(FIELDS)}")
        lists = {key: examples_from(cfg.pop(key, None), key, templates=key == "bank") for key in ("examples", "bank")}
        banks = task_banks(cfg.pop("bank_tasks", None) or ())
        retrieve = cfg.pop("retrieve", 0)
        if isinstance(retrieve, bool) or not isinstance(retrieve, int) or retrieve < 0:
            raise ConfigError(f"prompt.retrieve must be an integer >= 0 (0: fixed examples), got {retrieve!r}")
        template = cls(retrieve=retrieve, bank_tasks=banks, **lists, **{k: str(v) for k, v in cfg.items()})
        if template.retrieve_by not in RETRIEVE_BY:
            raise ConfigError(f"prompt.retrieve_by={template.retrieve_by!r}; valid: {', '.join(RETRIEVE_BY)}")
        for name, keys in (("query", ("instruction",)), ("state", ("holding",)), ("step", ("n", "text"))):
            try:
                getattr(template, name).format(**{k: "x" for k in keys})
            except (KeyError, IndexError, ValueError) as exc:
                raise ConfigError(f"prompt.{name}={getattr(template, name)!r} may only use {keys}: {exc}") from None
        return template

    def _steps(self, steps: Sequence[tuple[str, bool]], start: int = 1) -> str:
        parts = [
            self.step.format(n=i, text=self.option_prefix + text + ("" if ok else self.failed_suffix))
            for i, (text, ok) in enumerate(steps, start)
        ]
        return self.separator.join(parts)

    def _request(self, instruction: str, holding: str | None) -> str:
        hand = self.state.format(holding=holding) if holding and self.state else ""
        return self.query.format(instruction=instruction) + hand

    def render(
        self,
        instruction: str,
        steps: Sequence[tuple[str, bool]],
        objects: Sequence[str] = (),
        locations: Sequence[str] = (),
    ) -> str:
        """The prompt for the next step.

        Args:
            instruction: The user's request.
            steps: (text, succeeded) of every step so far.
            objects, locations: Names for ``{objects}``/``{locations}`` in the header.

        Returns:
            Text ending with the next step's number, e.g. ``"...Robot: 1. find the sponge, 2."``.
        """
        header = self.header.format(objects=", ".join(objects), locations=", ".join(locations))
        shots = "".join(
            self._request(ex.instruction, ex.holding) + self._steps([(s, True) for s in ex.steps]) + "\n"
            for ex in self.examples
        )
        done = self._steps(steps)
        nxt = self.step.format(n=len(steps) + 1, text="")
        request = self._request(instruction, self.holding)
        return header + shots + request + done + (self.separator if steps else "") + nxt


@dataclass(frozen=True)
class PlanText:
    """A LoRA training sequence (`saycan.train_lora`): the planner's prompt for an instruction, then its plan."""

    instruction: str
    prompt: str  # ends with the first step's number, as at planning time
    completion: str  # " find the apple, 2. pick up the apple, ..., 5. done"


def plan_texts(template: PromptTemplate, plans: Iterable[PromptExample]) -> list[PlanText]:
    """Render each solved instruction exactly as the planner will see it, step after step."""
    texts = []
    for ex in plans:
        start = replace(template, holding=ex.holding)
        prompt = start.render(ex.instruction, [])
        full = start.render(ex.instruction, [(s, True) for s in ex.steps])
        tail = template.separator + template.step.format(n=len(ex.steps) + 1, text="")
        texts.append(PlanText(ex.instruction, prompt, full[len(prompt) : len(full) - len(tail)]))
    return texts
