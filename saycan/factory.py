"""Build a run's parts from config in one place: scene, goal, skills, planner and env (run, eval, replay, the API).

Every swappable group builds through its ``_target_`` (a registry's ``make``); parts that need
objects made at run time (the planner needs the LLM, an env needs the scene) are built as
Hydra partials and called with them. Ids are checked before anything heavy loads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omegaconf import DictConfig, OmegaConf

from saycan.envs.base import PlanEnv
from saycan.skill import Skill
from saycan.world.predicates import Goal
from saycan.world.scene import Scene

if TYPE_CHECKING:
    from saycan.planner.loop import SayCanPlanner
    from saycan.planner.settings import PlannerSettings

# Keys of the planner group that are settings of a command's display, not of the planner.
DISPLAY_KEYS = ("print_top_k",)


def _instantiate(node: Any, **kwargs: Any) -> Any:
    from hydra.utils import instantiate

    return instantiate(node, _convert_="all", **kwargs)  # parts get plain lists and dicts, not OmegaConf nodes


def _partial(node: Any) -> Any:
    return _instantiate(node, _partial_=True)


def check_ids(cfg: DictConfig) -> None:
    """Every registry id the config names is registered (raises `ConfigError` listing the known ones).

    Runs before any model loads, so ``llm.id=gpt9`` is one line at once, not after loading the rest.
    """
    from saycan import affordance, envs, executors, llm, parallel, pay, planner

    for group, registry in (
        ("llm", llm.registry),
        ("affordance", affordance.registry),
        ("pay", pay.registry),
        ("env", envs.registry),
        ("planner", planner.registry),
        ("parallel", parallel.registry),
    ):
        if group in cfg and cfg[group].get("id") is not None:
            registry.spec(cfg[group].id)
    if "executor" in cfg:
        executors.check_id(cfg.executor.id)


def pool(cfg: DictConfig) -> Any:
    """The ``parallel`` group's pool: `saycan.parallel.local.LocalPool` or `saycan.parallel.ray_pool.RayPool`."""
    return _instantiate(cfg.parallel)


def scene(cfg: DictConfig) -> Scene:
    """The scene file ``scene_file`` names, else the ``scene`` group's scene, validated (errors name the file)."""
    from hydra.core.hydra_config import HydraConfig

    from saycan.world.scene import load_scene, scene_from_dict

    if cfg.get("scene_file"):
        return load_scene(str(cfg.scene_file))

    choices = HydraConfig.get().runtime.choices if HydraConfig.initialized() else {}
    source = f"conf/scene/{choices.get('scene', 'kitchen')}.yaml"
    return scene_from_dict(OmegaConf.to_container(cfg.scene, resolve=True), source=source)


def goal(cfg: DictConfig, scene: Scene) -> Goal | None:
    """``goal=`` if given, else the goal the suite lists for the instruction, else None."""
    spec = OmegaConf.to_container(cfg.goal) if OmegaConf.is_config(cfg.goal) else cfg.goal
    return read_goal(spec, str(cfg.instruction), scene, cfg.suite)


def read_goal(spec: Any, instruction: str, scene: Scene, suite: str | None = None) -> Goal | None:
    """The goal ``spec`` gives (text such as ``"at(apple, you) or at(orange, you)"``, or clauses), checked
    against ``scene``; with no ``spec``, the goal ``suite`` lists for ``instruction``, else None."""
    from saycan.world.predicates import parse_goal

    if spec is not None:
        return parse_goal(spec, scene)
    return suite_goal(instruction, scene, suite)


def suite_goal(instruction: str, scene: Scene, suite: str | None = None) -> Goal | None:
    """The goal ``suite`` lists for ``instruction``, or None. Default: the shipped suites of ``scene``, or of a
    shipped scene it holds every place and object of (the kitchen grown to 550 skills reads the kitchen's)."""
    from saycan.storage.resources import conf_dir, suites_dir
    from saycan.world.scene import load_scene
    from saycan.world.suite import load_suite, suite_scene

    if suite:
        if not Path(suite).is_file():
            return None
        paths = [(Path(suite), suite_scene(suite))]
    else:
        paths = []
        for path in sorted(suites_dir().glob("*.yaml")):
            own = suite_scene(path)
            origin = conf_dir() / "scene" / f"{own}.yaml"
            if own == scene.name or (origin.is_file() and scene.holds(load_scene(origin))):
                paths.append((path, own))
    for path, own in paths:
        task = load_suite(path, {own: scene}).find(instruction)
        if task:
            return task.goal or None  # a task that expects a refusal has no goal to check
    return None


def skills(cfg: DictConfig) -> list[Skill]:
    """The ``skills`` group's library: registered ids plus ``extra`` skills built by Hydra."""
    from saycan.skill import import_library

    if cfg.skills.get("library"):
        import_library(cfg.skills.library)  # first: an extra may name one of its ids
    return _instantiate(cfg.skills)


def planner_settings(cfg: DictConfig) -> PlannerSettings:
    """The ``planner`` group's settings, checked (`PlannerSettings`); no model loads for this."""
    from saycan.planner.settings import PlannerSettings

    node = OmegaConf.to_container(cfg.planner, resolve=True)
    assert isinstance(node, dict)
    return PlannerSettings.from_mapping({k: v for k, v in node.items() if k not in ("_target_", "id", *DISPLAY_KEYS)})


def planner(
    cfg: DictConfig,
    held_out: Sequence[str] = (),
    library: Sequence[Skill] | None = None,
    scorer: Any = None,
    affordance: Any = None,
    holdout_similarity: float | None = None,
) -> SayCanPlanner:
    """The planner the config describes; the LLM loads here, after everything cheaper is checked.

    Args:
        held_out: Instructions never shown as few-shot examples (an evaluation's tasks).
        holdout_similarity: Hold out their near-copies too (`saycan.text`).
        library, scorer, affordance: Parts already built, used instead of the config's.
    """
    from saycan.planner.prompt import PromptTemplate

    check_ids(cfg)
    settings = planner_settings(cfg)
    library = list(library) if library is not None else skills(cfg)
    prompt = PromptTemplate.from_config(OmegaConf.to_container(cfg.prompt, resolve=True))
    build = _partial({"_target_": cfg.planner._target_, "id": cfg.planner.id})
    affordance = affordance if affordance is not None else _instantiate(cfg.affordance)
    pay = _instantiate(cfg.pay) if "pay" in cfg else None
    scorer = scorer if scorer is not None else _instantiate(cfg.llm)
    return build(
        scorer=scorer, skills=library, prompt=prompt, affordance=affordance, pay=pay, settings=settings,
        held_out=held_out, holdout_similarity=holdout_similarity,
    )  # fmt: skip


def env(cfg: DictConfig, scene: Scene) -> PlanEnv:
    """The ``env`` group's env in ``scene``, its arm skills on the ``executor`` group's policy."""
    base = env_from(cfg.env, scene)
    try:
        return _partial(cfg.executor)(env=base)
    except BaseException:
        base.close()
        raise


def env_from(node: Mapping[str, Any] | DictConfig, scene: Scene, **runtime: Any) -> PlanEnv:
    """An env from an ``env`` config node (also one recorded in a trace), with ``runtime`` arguments."""
    return _partial(node)(scene=scene, **runtime)
