"""`python -m saycan.run instruction="..."`: plan and execute one instruction (Hydra CLI)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from saycan.envs.base import PlanEnv
from saycan.resources import conf_dir
from saycan.scene import Scene, scene_definition


def build_planner(cfg: DictConfig, held_out: Sequence[str] = ()):
    """The `SayCanPlanner` the config describes (the LLM is loaded here).

    ``held_out``: instructions never retrieved as few-shot examples (an evaluation's tasks).
    """
    from hydra.utils import instantiate

    import skills
    from saycan.planner import SayCanPlanner
    from saycan.prompt import PromptTemplate

    library = skills.make_library(cfg.skills.names) + [
        skills.check_skill(instantiate(extra), f"skills.extra[{i}]")
        for i, extra in enumerate(cfg.skills.get("extra") or [])
    ]
    return SayCanPlanner(
        scorer=instantiate(cfg.llm),
        skills=library,
        prompt=PromptTemplate.from_config(OmegaConf.to_container(cfg.prompt, resolve=True)),
        affordance=instantiate(cfg.affordance),
        max_steps=cfg.planner.max_steps,
        score_reduction=cfg.planner.score_reduction,
        max_attempts=cfg.planner.max_attempts,
        recovery=cfg.planner.recovery,
        scoring=cfg.planner.scoring,
        termination=cfg.planner.termination,
        held_out=held_out,
    )


def build_env(cfg: DictConfig, scene: Scene) -> PlanEnv:
    """The env (``env`` group) in ``scene``, with its arm skills on the ``executor`` group's policy."""
    from saycan import envs, executors

    env_cfg = OmegaConf.to_container(cfg.env, resolve=True)
    env = envs.make(env_cfg.pop("id"), scene=scene, **env_cfg)
    executor_cfg = OmegaConf.to_container(cfg.executor, resolve=True)
    try:
        return executors.make(executor_cfg.pop("id"), env, **executor_cfg)
    except BaseException:
        env.close()
        raise


def build(cfg: DictConfig) -> dict[str, Any]:
    """Everything a run needs, built from config (the LLM is loaded here)."""
    from saycan.predicates import parse_goal
    from saycan.resources import suites_dir
    from saycan.scene import scene_from_dict
    from saycan.suite import load_suite

    choices = HydraConfig.get().runtime.choices if HydraConfig.initialized() else {}
    scene_source = f"conf/scene/{choices.get('scene', 'kitchen')}.yaml"
    scene = scene_from_dict(OmegaConf.to_container(cfg.scene, resolve=True), source=scene_source)
    goal = None
    if cfg.goal is not None:
        goal = parse_goal(OmegaConf.to_container(cfg.goal) if OmegaConf.is_config(cfg.goal) else cfg.goal, scene)
    else:
        suite_path = Path(cfg.suite) if cfg.suite else suites_dir() / f"{scene.name}.yaml"
        if suite_path.is_file():
            task = load_suite(suite_path, {scene.name: scene}).find(str(cfg.instruction))
            goal = task.goal if task else None
    planner = build_planner(cfg)
    return {"planner": planner, "env": build_env(cfg, scene), "scene": scene, "goal": goal}


@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="config")
def main(cfg: DictConfig) -> None:
    from rich.console import Console

    from saycan.display import print_summary, step_table
    from saycan.errors import exit_on_user_error
    from saycan.trace import TraceWriter

    console = Console()
    trace_path = Path(HydraConfig.get().runtime.output_dir) / cfg.trace
    try:
        parts = build(cfg)
        writer = TraceWriter(trace_path)
        try:
            trace = parts["planner"].plan(
                cfg.instruction,
                parts["env"],
                goal=parts["goal"],
                scene=parts["scene"].name,
                writer=writer,
                on_step=lambda step: console.print(step_table(step, cfg.planner.print_top_k)),
                meta={
                    "llm": cfg.llm.id,
                    "affordance": cfg.affordance.id,
                    "env": OmegaConf.to_container(cfg.env, resolve=True),
                    "executor": cfg.executor.id,
                    "scene_def": scene_definition(parts["scene"]),
                },
            )
        finally:
            writer.close()
            parts["env"].close()
    except Exception as exc:  # only our own errors are shown as one line; anything else is a bug
        exit_on_user_error(console, exc)
    print_summary(console, trace, str(trace_path))


if __name__ == "__main__":
    from saycan.overrides import check_overrides

    check_overrides("config")
    main()
