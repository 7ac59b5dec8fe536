"""`python -m saycan.calibrate out=PATH`: KnowNo's q_hat for the planner's scores, on generated tasks."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omegaconf import DictConfig, OmegaConf

from saycan.cli import Context, command
from saycan.plan_search import PlanSearch
from saycan.world.suite import Task

if TYPE_CHECKING:
    from saycan.planner.conformal import ConformalCalibration
    from saycan.planner.loop import SayCanPlanner

MISSING_OUT = "no out: pass the file to write, e.g. python -m saycan.calibrate out=calibration.json"


@command("calibrate", text_keys=("out", "tasks"), hints={"out": MISSING_OUT})
def main(cfg: DictConfig, ctx: Context) -> None:
    """Score every gold step of n + n_test tasks; q_hat from the first n, coverage on the rest."""
    from saycan import factory
    from saycan.errors import ConfigError
    from saycan.tasks.suite_file import check_scene_mix, household_tasks, tasks_for

    if not 0 < float(cfg.epsilon) < 1:
        raise ConfigError(f"epsilon={cfg.epsilon!r}: must be in (0, 1), e.g. epsilon=0.15")
    if int(cfg.n) < 1 or int(cfg.n_test) < 0:
        raise ConfigError(f"n={cfg.n!r}, n_test={cfg.n_test!r}: need n >= 1 and n_test >= 0")
    check_scene_mix(cfg.scenes, cfg.kitchen_share)
    out = Path(cfg.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    scene = factory.scene(cfg)
    skills = {s.id: s for s in factory.skills(cfg)}
    total = int(cfg.n) + int(cfg.n_test)
    path, seed = out.with_suffix(".tasks.yaml"), int(cfg.seed)
    if cfg.tasks or cfg.scenes == "scene":
        tasks = tasks_for(cfg.tasks, path, total, seed, "all", scene, skills)[:total]
    else:  # the scene mix Pay is trained on (saycan.train_pay): household scenes and the scene
        tasks = household_tasks(path, total, seed, "all", skills, int(cfg.tasks_per_scene), None, scene,
                                float(cfg.kitchen_share))  # fmt: skip
    planner = factory.planner(cfg, held_out=[t.instruction for t in tasks], holdout_similarity=cfg.holdout_similarity)
    n = min(int(cfg.n), len(tasks) - int(cfg.n_test)) if cfg.n_test else len(tasks)
    settings = {**run_settings(cfg), "scene": scene.name, "seed": seed, "tasks": cfg.tasks, "scenes": cfg.scenes}
    cal = fit_calibration(ctx, planner, tasks, n, float(cfg.epsilon), settings)
    cal.save(out)
    held = len(cal.test_scores)
    cov = "not measured (n_test=0)"
    if held:  # one standard error of a coverage measured on `held` tasks, were the target exactly met
        se = math.sqrt(cal.epsilon * (1 - cal.epsilon) / held)
        within = "within" if abs(cal.coverage - (1 - cal.epsilon)) <= 2 * se else "NOT within"
        target = f"{within} two standard errors, {2 * se:.3f}, of {1 - cal.epsilon:g}"
        cov = f"{cal.coverage:.3f} on {held} held-out tasks ({target})"
    ctx.console.print(
        f"q_hat {cal.qhat:.4f} ({cal.rule} sets) from {cal.n} tasks (epsilon {cal.epsilon}); coverage {cov} -> {out}"
    )


def run_settings(cfg: DictConfig) -> dict[str, Any]:
    """The parts of a run a calibration's scores come from, as config."""
    return {
        name: OmegaConf.to_container(cfg[name], resolve=True)
        for name in ("llm", "prompt", "planner", "affordance", "pay")
    }


def fit_calibration(
    ctx: Context, planner: SayCanPlanner, tasks: list[Task], n: int, epsilon: float, settings: dict[str, Any]
) -> ConformalCalibration:
    """KnowNo's q_hat from the first ``n`` tasks' scores (`task_score`), coverage on the rest; ``settings``
    recorded with the planner's scoring settings (a run scoring otherwise is warned)."""
    from saycan.cli.progress import progress_bar
    from saycan.planner.conformal import ConformalCalibration

    search = PlanSearch(planner.skills)
    scores, masses = [], []
    with progress_bar(ctx.console) as progress:
        bar = progress.add_task("scoring gold steps (tasks)", total=len(tasks))
        for i, task in enumerate(tasks, 1):
            best, mass = task_score(planner, task, search)
            scores.append(best)
            masses.append(mass)
            progress.update(bar, advance=1)
            if i % 50 == 0:  # also in a log file, where the bar is not drawn
                progress.console.print(f"{i}/{len(tasks)} tasks scored")
    settings = {**settings, "n_test": len(scores[n:]), "scores_from": planner.scores_from}
    rule = planner.settings.ask_set
    return ConformalCalibration.fit(scores[:n], scores[n:], epsilon, settings, masses[:n], masses[n:], rule)


def task_score(planner: SayCanPlanner, task: Task, search: PlanSearch) -> tuple[float, float]:
    """The task's lowest step scores over the states of its gold plan, for both set rules.

    A right option starts a shortest plan to a success clause (``done`` once one holds).

    Returns:
        (best, mass): the lowest normalised combined score of a step's best right option (``threshold``
        rule), and the lowest total of a step's right options (``prefix`` rule: 1 - its wrong mass).
    """
    from saycan.envs.base import WorldView
    from saycan.planner.conformal import shares

    goal = search.undisturbed(task.goal, task.scene)
    states = search.along(task.scene, task.plan[:-1])
    request = planner.begin(task.instruction, states[0])
    lowest, lowest_mass = 1.0, 1.0
    for i, world in enumerate(states):
        history = [(text, True) for text in task.plan[:i]]
        scored = planner.score(request, WorldView(world), history).options
        progress = search.progress(world, goal)
        p = shares([s.combined for s in scored])
        if progress.distance == 0:  # the goal holds: done is right
            right = [p[j] for j, s in enumerate(scored) if planner.skills[s.skill].terminal]
        else:
            right = [p[j] for j, s in enumerate(scored) if s.text in progress.steps]
        lowest, lowest_mass = min(lowest, max(right, default=0.0)), min(lowest_mass, sum(right))
    return lowest, lowest_mass


if __name__ == "__main__":
    main()
