"""`python -m saycan.calibrate out=PATH`: KnowNo's q_hat for the planner's scores, on generated tasks."""

from __future__ import annotations

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
    from saycan.tasks.suite_file import tasks_for

    if not 0 < float(cfg.epsilon) < 1:
        raise ConfigError(f"epsilon={cfg.epsilon!r}: must be in (0, 1), e.g. epsilon=0.15")
    if int(cfg.n) < 1 or int(cfg.n_test) < 0:
        raise ConfigError(f"n={cfg.n!r}, n_test={cfg.n_test!r}: need n >= 1 and n_test >= 0")
    out = Path(cfg.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    scene = factory.scene(cfg)
    skills = {s.id: s for s in factory.skills(cfg)}
    total = int(cfg.n) + int(cfg.n_test)
    tasks = tasks_for(cfg.tasks, out.with_suffix(".tasks.yaml"), total, int(cfg.seed), "all", scene, skills)[:total]
    planner = factory.planner(cfg, held_out=[t.instruction for t in tasks], holdout_similarity=cfg.holdout_similarity)
    n = min(int(cfg.n), len(tasks) - int(cfg.n_test)) if cfg.n_test else len(tasks)
    settings = {**run_settings(cfg), "scene": scene.name, "seed": int(cfg.seed), "tasks": cfg.tasks}
    cal = fit_calibration(ctx, planner, tasks, n, float(cfg.epsilon), settings)
    cal.save(out)
    held = len(cal.test_scores)
    cov = f"{cal.coverage:.3f} on {held} held-out tasks" if held else "not measured (n_test=0)"
    ctx.console.print(f"q_hat {cal.qhat:.4f} from {cal.n} tasks (epsilon {cal.epsilon}); coverage {cov} -> {out}")


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
    scores = []
    with progress_bar(ctx.console) as progress:
        bar = progress.add_task("scoring gold steps (tasks)", total=len(tasks))
        for i, task in enumerate(tasks, 1):
            scores.append(task_score(planner, task, search))
            progress.update(bar, advance=1)
            if i % 50 == 0:  # also in a log file, where the bar is not drawn
                progress.console.print(f"{i}/{len(tasks)} tasks scored")
    settings = {**settings, "n_test": len(scores[n:]), "scores_from": planner.scores_from}
    return ConformalCalibration.fit(scores[:n], scores[n:], epsilon, settings)


def task_score(planner: SayCanPlanner, task: Task, search: PlanSearch) -> float:
    """The task's lowest step score: at each state of its gold plan, the best normalised combined score of
    a right option (one that starts a shortest plan to a success clause, or ``done`` once one holds)."""
    from saycan.envs.base import WorldView
    from saycan.planner.conformal import shares

    goal = search.undisturbed(task.goal, task.scene)
    states = search.along(task.scene, task.plan[:-1])
    request = planner.begin(task.instruction, states[0])
    lowest = 1.0
    for i, world in enumerate(states):
        history = [(text, True) for text in task.plan[:i]]
        scored = planner.score(request, WorldView(world), history).options
        progress = search.progress(world, goal)
        p = shares([s.combined for s in scored])
        if progress.distance == 0:  # the goal holds: done is right
            right = [p[j] for j, s in enumerate(scored) if planner.skills[s.skill].terminal]
        else:
            right = [p[j] for j, s in enumerate(scored) if s.text in progress.steps]
        lowest = min(lowest, max(right, default=0.0))
    return lowest


if __name__ == "__main__":
    main()
