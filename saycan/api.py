"""The Python API: `Planner` runs requests with the command line's defaults; `register_skill` adds a skill.

from saycan import Planner
planner = Planner.from_config(overrides=["env=symbolic"])
result = planner.run("clean the spill")
result.plan, result.goal_reached, result.trace_path, result.steps[0].options
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saycan.envs.base import PlanEnv
from saycan.errors import ConfigError
from saycan.planner.trace import PlanTrace, Question, ScoredOption, Step
from saycan.skill import Skill, make, register
from saycan.world.scene import Scene

# Keys whose values are free text in overrides passed from Python, as on the command line.
TEXT_KEYS = ("instruction", "goal", "suite", "trace")


@dataclass
class PlanResult:
    """What `Planner.run` did.

    Attributes:
        plan: The chosen skill texts in order, failed attempts included.
        steps: Every step: its scored options (``steps[i].options``), the choice, the outcome.
        goal: The goal checked, as text, or None when none was known.
        goal_reached: Whether it held at the end (None without a goal).
        finished: The plan ended with ``done``.
        trace_path: The JSON-lines trace written as the plan ran.
        warnings: E.g. a request naming an object the scene does not have.
        questions: With ``planner.ask=conformal``: every question asked, its options and the answer.
    """

    instruction: str
    plan: list[str]
    steps: list[Step]
    goal: str | None
    goal_reached: bool | None
    finished: bool
    stop_reason: str
    trace_path: Path
    warnings: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    @classmethod
    def from_trace(cls, trace: PlanTrace, path: Path) -> PlanResult:
        return cls(
            trace.instruction, trace.plan, trace.steps, trace.goal, trace.goal_reached, trace.finished,
            trace.stop_reason, path, list(trace.warnings), list(trace.questions),
        )  # fmt: skip


def compose(config_name: str = "config", overrides: Sequence[str] = ()) -> Any:
    """The config ``python -m saycan.<command>`` would run with these overrides (checked the same way)."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    from saycan.cli.overrides import override_error, prepare
    from saycan.storage.resources import conf_dir

    argv = prepare([str(o) for o in overrides], TEXT_KEYS, None)
    problem = override_error(config_name, argv, {"instruction": ""})
    if problem and not problem.startswith("instruction is required"):
        raise ConfigError(problem)
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return hydra_compose(config_name, overrides=argv)


class Planner:
    """Plans and executes requests with the same defaults as ``python -m saycan.run``.

    Parts not given come from the config (`saycan.api.compose`): the embedded LLM, learned
    affordances, the retrieval prompt, the kitchen scene and skills, the symbolic env.

    Args:
        llm: A `saycan.llm.Scorer` to use instead of the config's.
        skills: Skills or registered ids replacing the config's library.
        extra_skills: Skills or registered ids added to it (e.g. one made with `register_skill`).
        scene: A `Scene`, a scene mapping, or a path to a scene YAML file.
        affordance: An affordance model to use instead of the config's (``affordance=`` override).
        overrides: Hydra overrides, exactly as on the command line (``"planner.max_steps=30"``).
        trace_dir: Where traces go: ``trace_dir/<date>/<time>/trace.jsonl``.

    Attributes:
        loop: The `saycan.planner.loop.SayCanPlanner` it runs (``loop.affordance``, ``loop.settings``, ...).
        skills: The skills planned with; ``scene``: the scene; ``cfg``: the composed config.
    """

    def __init__(
        self,
        llm: Any = None,
        skills: Sequence[Skill | str] | None = None,
        *,
        extra_skills: Sequence[Skill | str] = (),
        scene: Scene | Mapping[str, Any] | str | Path | None = None,
        affordance: Any = None,
        overrides: Sequence[str] = (),
        trace_dir: str | Path = "outputs",
    ) -> None:
        from saycan import factory
        from saycan.skill import import_library

        self.cfg = compose("config", overrides)
        self.scene = _scene(scene) if scene is not None else factory.scene(self.cfg)
        import_library(self.cfg.skills.library)
        library = factory.skills(self.cfg) if skills is None else [_skill(s) for s in skills]
        self.skills = [*library, *(_skill(s) for s in extra_skills)]
        self.loop = factory.planner(self.cfg, library=self.skills, scorer=llm, affordance=affordance)
        self.given = {name: part for name, part in (("llm", llm), ("affordance", affordance)) if part is not None}
        self.trace_dir = Path(trace_dir)

    @classmethod
    def from_config(cls, overrides: Sequence[str] = (), **parts: Any) -> Planner:
        """A planner from config overrides (as on the command line), with any part given directly."""
        return cls(overrides=overrides, **parts)

    def run(
        self,
        instruction: str,
        *,
        goal: str | Sequence[Any] | None = None,
        env: str | PlanEnv | None = None,
        trace_path: str | Path | None = None,
        on_step: Callable[[Step], None] | None = None,
        ask: Callable[[list[ScoredOption]], ScoredOption | str | None] | None = None,
    ) -> PlanResult:
        """Plan and execute ``instruction``; the trace is written step by step.

        Args:
            goal: Checked at the end (text such as ``"at(apple, you) or at(orange, you)"``, or clauses);
                default: the goal the shipped suite lists for the instruction, if any.
            env: ``"symbolic"``, ``"pybullet"``, or a `PlanEnv` (default: the config's ``env``).
            trace_path: Where to write the trace (default: a new directory under ``trace_dir``).
            on_step: Called with each `Step` as it finishes.
            ask: With ``planner.ask=conformal``: answers a question with one of the options it gets
                (best first), or None for "none of these"; None: ``planner.ask_fallback`` decides.
        """
        from saycan import factory
        from saycan.planner.settings import clean_instruction
        from saycan.run_request import run_request, trace_header

        instruction = clean_instruction(instruction)  # before the goal is looked up or an env built
        checked = factory.read_goal(goal, instruction, self.scene, self.cfg.suite)
        plan_env, record = self._env(env)
        path = Path(trace_path) if trace_path else self._new_trace_path()
        header = trace_header(self.cfg, self.scene, {**self.given, **record})
        trace = run_request(
            self.loop, instruction, plan_env, path, scene=self.scene, goal=checked, header=header,
            on_step=on_step, ask=ask, keep_env=not (env is None or isinstance(env, str)),  # a given env stays open
        )  # fmt: skip
        return PlanResult.from_trace(trace, path)

    def _env(self, env: str | PlanEnv | None) -> tuple[PlanEnv, dict[str, Any]]:
        """The env to run in, and how the trace records it where it is not the config's."""
        from saycan import factory

        if env is None:
            return factory.env(self.cfg, self.scene), {}
        if isinstance(env, str):
            node = {"_target_": "saycan.envs.make", "id": env}
            return factory.env_from(node, self.scene), {"env": node}
        return env, {"env": env}

    def _new_trace_path(self) -> Path:
        stamp = self.trace_dir / time.strftime("%Y-%m-%d") / time.strftime("%H-%M-%S")
        for n in itertools.count():
            path = stamp.with_name(f"{stamp.name}-{n}") if n else stamp
            if not path.exists():
                return path / "trace.jsonl"
        raise AssertionError("unreachable")


def register_skill(
    id: str,
    entry_point: Any = None,
    *,
    template: str,
    examples: Sequence[Mapping[str, Any]] = (),
    override: bool = False,
    **kwargs: Any,
) -> Any:
    """Register a skill with its value function and its own few-shot examples.

    Three forms:

        register_skill("heat", template="heat the {object}", value_fn=heat_value, effect=heat, examples=[...])

        @register_skill("heat", template="heat the {object}", effect=heat, examples=[...])
        def heat_value(world, object): ...          # the decorated function is the value function

        @register_skill("heat", template="heat the {object}", examples=[...])
        class Heat(saycan.Skill): ...               # a Skill subclass

    Returns:
        The registry spec in the first form; the decorated function or class in the others.
    """
    if entry_point is not None or "value_fn" in kwargs:
        return register(id, entry_point, template=template, examples=examples, override=override, **kwargs)

    def wrap(target: Any) -> Any:
        if isinstance(target, type):
            register(id, target, template=template, examples=examples, override=override, **kwargs)
        else:
            register(id, template=template, value_fn=target, examples=examples, override=override, **kwargs)
        return target

    return wrap


def _skill(value: Skill | str) -> Skill:
    return make(value) if isinstance(value, str) else value


def _scene(value: Scene | Mapping[str, Any] | str | Path) -> Scene:
    from saycan.world.scene import load_scene, scene_from_dict

    if isinstance(value, Scene):
        return value
    if isinstance(value, Mapping):
        return scene_from_dict(value, source="Planner(scene=...)")
    return load_scene(value)
