"""One request run end to end, the same way for the command line, the Python API and the eval harness.

    header = trace_header(cfg, scene)                    # what every trace's first line records
    trace = run_request(planner, "clean the spill", env, path, scene=scene, goal=goal, header=header)

The caller reads the goal and builds the env (from config, from a task, or given); `run_request` cleans
the request, opens the trace, plans and closes the trace (and the env, unless ``keep_env``) however the
plan ends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from saycan.envs.base import PlanEnv
from saycan.planner.ask import Answer
from saycan.planner.loop import SayCanPlanner
from saycan.planner.settings import clean_instruction
from saycan.planner.trace import PlanTrace, Step, TraceWriter
from saycan.world.predicates import Goal
from saycan.world.scene import Scene, scene_definition

HEADER_KEYS = ("llm", "affordance", "pay_model", "env", "executor", "skills_library", "planner", "scene_def")


def trace_header(cfg: DictConfig, scene: Scene, given: Mapping[str, object] | None = None) -> dict[str, Any]:
    """The run as a trace's header records it (`HEADER_KEYS`): each part's registry id, the env's config
    (`saycan.replay` rebuilds it), the skill library, the planner's settings and the scene with its start.

    Args:
        given: Parts given as objects rather than by config (``llm``, ``affordance``, ``env`` from the Python
            API): recorded by their class.
    """
    header: dict[str, Any] = {
        "llm": cfg.llm.id,
        "affordance": cfg.affordance.id,
        "pay_model": cfg.pay.id if "pay" in cfg else None,  # "pay" holds the goals Pay read (the planner adds it)
        "env": OmegaConf.to_container(cfg.env, resolve=True),
        "executor": cfg.executor.id if "executor" in cfg else None,
        "skills_library": cfg.skills.library,
        "planner": {k: v for k, v in OmegaConf.to_container(cfg.planner, resolve=True).items() if k != "_target_"},
        "scene_def": scene_definition(scene),
    }
    for name, part in (given or {}).items():
        header[name] = part if isinstance(part, str | dict) else f"{type(part).__module__}:{type(part).__qualname__}"
    return header


def run_request(
    planner: SayCanPlanner,
    instruction: str,
    env: PlanEnv,
    trace_path: str | Path,
    *,
    scene: Scene,
    goal: Goal | None,
    header: Mapping[str, Any],
    on_step: Callable[[Step], None] | None = None,
    ask: Answer | None = None,
    keep_env: bool = False,
    on_start: Callable[[PlanTrace], None] | None = None,
) -> PlanTrace:
    """Plan and execute ``instruction`` in ``env``, the trace written to ``trace_path`` step by step.

    Args:
        scene: The scene the env was built in (its name goes in the trace).
        goal: Checked at the end; None: no goal is known.
        header: `trace_header`'s record of the run.
        on_step: Called with each step as it finishes (the command line prints its table).
        ask: Answers ``planner.ask=conformal``'s questions (`saycan.planner.ask.Answer`).
        keep_env: Leave ``env`` open (the eval harness judges its end state, then closes it).
        on_start: Called with the trace once the request is read, before the first step (the command line
            prints the request as the planner read it).

    Raises:
        ConfigError: an empty or huge request, before anything is written.
    """
    try:
        instruction = clean_instruction(instruction)
        with TraceWriter(trace_path) as writer:
            return planner.plan(instruction, env, goal=goal, scene=scene.name, writer=writer, on_step=on_step,
                                meta=dict(header), ask=ask, on_start=on_start)  # fmt: skip
    finally:
        if not keep_env:
            env.close()
