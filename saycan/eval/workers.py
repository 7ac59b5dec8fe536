"""An eval worker built from plain config, the same in this process and in a Ray actor (``parallel=ray``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saycan.eval.grown import widen
from saycan.eval.harness import TaskRunner
from saycan.world.suite import Suite, Task

if TYPE_CHECKING:
    from omegaconf import DictConfig


def load_eval_suite(path: Path, scene: str | None = None) -> Suite:
    """The suite file, every task checked against the scenes of ``conf/scene``; with ``scene`` (a shipped
    scene's name or a file), the tasks run in that scene instead of the suite's, which it must hold
    (``eval.scene=kitchen_large`` runs the kitchen's suites among 550 skills), its requests for a kind of
    thing answered by that scene's things of the kind too (`saycan.eval.grown`)."""
    from saycan.errors import ConfigError
    from saycan.storage.resources import conf_dir
    from saycan.world.scene import load_scene
    from saycan.world.suite import load_suite, suite_scene

    scenes = {p.stem: load_scene(p) for p in sorted((conf_dir() / "scene").glob("*.yaml"))}
    if scene is None:
        return load_suite(path, scenes)
    own = suite_scene(path)
    instead = load_scene(scene)
    if own in scenes and not instead.holds(scenes[own]):
        raise ConfigError(f"eval.scene={scene!r} lacks places or objects of the suite's scene {own!r}")
    suite = load_suite(path, {**scenes, own: instead})
    if own not in scenes:
        return suite
    # "bring me a snack" lists the suite scene's snacks: the other scene's snacks answer it too
    return replace(suite, tasks=tuple(widen(task, scenes[own], instead) for task in suite.tasks))


def build_runner(cfg: dict[str, Any], suite_path: str, out: str) -> TaskRunner:
    """The planner ``cfg`` describes (its LLM loaded once) over the suite at ``suite_path``.

    Args:
        cfg: The eval config as a plain, resolved mapping (it crosses process boundaries).
        suite_path: The suite file; every worker reads it, so every worker holds out the same requests.
        out: The run directory; traces go to ``out/traces`` (on a cluster: a shared filesystem).
    """
    from omegaconf import OmegaConf

    from saycan import factory
    from saycan.run_request import trace_header

    config = OmegaConf.create(cfg)
    suite = load_eval_suite(Path(suite_path), config.eval.get("scene"))
    # No task is answered by its own wording or a near-copy of it (saycan.text).
    held_out = [t.instruction for t in suite.tasks]
    planner = factory.planner(config, held_out=held_out, holdout_similarity=config.eval.holdout_similarity)
    position = {task.id: i for i, task in enumerate(suite.tasks)}

    def task_config(task: Task) -> DictConfig:
        """``config`` for ``task``: with ``eval.seed_per_task``, an env with a ``seed`` gets the suite's seed plus
        the task's position (one shared seed made every task's slips the same streak)."""
        if not config.eval.get("seed_per_task", False) or "seed" not in config.env:
            return config
        own = config.copy()
        own.env.seed = int(config.env.seed) + position[task.id]
        return own

    return TaskRunner(planner, suite, lambda task: factory.env(task_config(task), task.scene), Path(out),
                      lambda task: trace_header(task_config(task), task.scene))  # fmt: skip
