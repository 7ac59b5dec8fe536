"""Task suites (YAML): instructions with families, start-state overrides and success clauses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from saycan.errors import ConfigError, choices_hint
from saycan.storage.yaml_safe import safe_load
from saycan.world.predicates import Goal, parse_goal
from saycan.world.scene import Scene, scene_from_dict

FAMILIES = ("primitive", "nouns", "verbs", "structured", "embodiment", "crowd", "long_horizon")
TASK_KEYS = (
    "id", "family", "instruction", "scene", "init", "success", "expect", "may_move", "plan", "template", "language",
)  # fmt: skip
# A task whose right answer is to refuse says so instead of giving success clauses: it succeeds only when
# the plan stops so, having moved nothing ("bring me the banana" where there is none).
EXPECTS = ("not_possible",)
LANGUAGE = re.compile(r"[a-z]{2,3}")  # the request's language as an ISO 639 code ("es", "zh"); "en" if unsaid


@dataclass(frozen=True)
class Task:
    id: str
    family: str
    instruction: str
    scene: Scene
    goal: Goal
    init: dict[str, Any] = field(default_factory=dict)
    may_move: tuple[str, ...] = ()  # objects the task lets move besides the ones its clauses name
    plan: tuple[str, ...] = ()  # a known right plan (generated tasks carry the shortest one)
    template: str = ""  # the generator template a generated task came from
    expect: str = ""  # "" (reach ``goal``) or one of `EXPECTS`, with an empty ``goal``
    language: str = "en"  # the language the request is written in (eval reports success per language)

    @property
    def named(self) -> set[str]:
        """The objects the task's success clauses name."""
        return {p.args[0] for clause in self.goal for p in clause if p.name in ("at", "holding")}


@dataclass(frozen=True)
class Suite:
    name: str
    scene: str
    tasks: tuple[Task, ...]
    source: str

    def find(self, instruction: str) -> Task | None:
        """The task whose instruction matches (ignoring case and end punctuation) and has no init."""

        def key(text: str) -> str:
            return " ".join(text.lower().strip(" .!?").split())

        for task in self.tasks:
            if not task.init and key(task.instruction) == key(instruction):
                return task
        return None


def _names(value: Any, valid: Mapping[str, Any], where: str) -> tuple[str, ...]:
    """A list of object names (or nothing), each one of ``valid``."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of object names, got {value!r}")
    for name in value:
        if name not in valid:
            raise ConfigError(f"{where}: unknown object {name!r}; {choices_hint(name, valid)}")
    return tuple(value)


def suite_scene(path: str | Path) -> str:
    """The name of the scene a suite file is written for: its ``scene``, the kitchen when unsaid."""
    return str((safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("scene", "kitchen"))


def load_suite(path: str | Path, scenes: Mapping[str, Scene]) -> Suite:
    """Read a suite and check every task against its scene before anything runs.

    Args:
        path: The suite YAML.
        scenes: Scene name -> `Scene` the suite may name.

    Raises:
        ConfigError: naming the file, the task id and the valid choices.
    """
    path = Path(path)
    try:
        data = safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"suite file {str(path)!r} does not exist") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("tasks"), list) or not data["tasks"]:
        raise ConfigError(f"{path}: a suite needs 'name', 'scene' and a non-empty 'tasks' list")
    inline = data.get("scenes") or {}  # generated tasks over many scenes carry their scenes' definitions
    if not isinstance(inline, Mapping):
        raise ConfigError(f"{path}: scenes must map scene names to scene definitions, got {type(inline).__name__}")
    scenes = {**scenes, **{str(n): scene_from_dict({**d, "name": n}, f"{path}: scenes.{n}") for n, d in inline.items()}}
    scene_name = str(data.get("scene", "kitchen"))
    if scene_name not in scenes and not inline:
        raise ConfigError(f"{path}: unknown scene {scene_name!r}; {choices_hint(scene_name, scenes)}")
    tasks, seen = [], set()
    for i, raw in enumerate(data["tasks"]):
        where = f"{path}: task {raw.get('id', f'#{i + 1}') if isinstance(raw, Mapping) else f'#{i + 1}'}"
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where}: must be a mapping with {', '.join(TASK_KEYS)}")
        for key in raw:
            if key not in TASK_KEYS:
                raise ConfigError(f"{where}: unknown key {key!r}; {choices_hint(str(key), TASK_KEYS)}")
        expect = str(raw.get("expect") or "")
        if expect and expect not in EXPECTS:
            raise ConfigError(f"{where}: expect: unknown value {expect!r}; {choices_hint(expect, EXPECTS)}")
        if expect and raw.get("success"):
            raise ConfigError(f"{where}: give either success clauses or expect: {expect}, not both")
        for key in ("id", "family", "instruction", *(() if expect else ("success",))):
            if not raw.get(key):
                raise ConfigError(f"{where}: missing {key!r}")
        task_id = str(raw["id"])
        if task_id in seen:
            raise ConfigError(f"{where}: duplicate task id {task_id!r}")
        seen.add(task_id)
        family = str(raw["family"])
        if family not in FAMILIES:
            raise ConfigError(f"{where}: unknown family {family!r}; {choices_hint(family, FAMILIES)}")
        init = raw.get("init") or {}
        if not isinstance(init, Mapping):
            raise ConfigError(f"{where}: init must be a mapping of robot_at, holding, objects; got {init!r}")
        init = dict(init)
        own = str(raw.get("scene", scene_name))
        if own not in scenes:
            raise ConfigError(f"{where}: unknown scene {own!r}; {choices_hint(own, scenes)}")
        scene = scenes[own].with_init(init, source=where)
        may_move = _names(raw.get("may_move"), scene.objects, f"{where}: may_move")
        plan = raw.get("plan") or []
        if not isinstance(plan, list) or not all(isinstance(s, str) for s in plan):
            raise ConfigError(f"{where}: plan must be a list of skill texts, got {plan!r}")
        goal = parse_goal(raw["success"], scene, where) if not expect else ()
        language = str(raw.get("language") or "en")
        if not LANGUAGE.fullmatch(language):
            raise ConfigError(f"{where}: language: {language!r} is not an ISO 639 code; e.g. es, fr, de, zh, ja, pt")
        tasks.append(
            Task(task_id, family, str(raw["instruction"]), scene, goal, init, may_move, tuple(plan),
                 str(raw.get("template") or ""), expect, language)
        )  # fmt: skip
    return Suite(str(data.get("name", path.stem)), scene_name, tuple(tasks), str(path))
