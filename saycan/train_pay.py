"""`python -m saycan.train_pay`: train Pay on tasks generated over many scenes; report goal and step metrics on
unseen wordings, unseen objects and unseen rooms."""

from __future__ import annotations

import json
import shutil

from omegaconf import DictConfig

from saycan.cli import Context, command
from saycan.errors import require_bool


@command("train_pay", text_keys=("tasks", "dev_tasks"))
def main(cfg: DictConfig, ctx: Context) -> None:
    """Generate (or read) tasks, fit each member's scorer, calibrate on steps, save (and install) the checkpoint."""
    import torch

    from saycan import factory
    from saycan.cli.progress import progress_bar
    from saycan.pay import checkpoint
    from saycan.pay.data import goal_example
    from saycan.pay.ensemble import Ensemble, check_members
    from saycan.pay.model import ARCHITECTURE, GoalScorer, TokenStates, check_dropout
    from saycan.pay.steps import calibrate, decisions, step_metrics
    from saycan.pay.train import fit, infer_goals, inference_accuracy
    from saycan.tasks.family_weights import check_weights
    from saycan.tasks.household import DEV_ROOMS, catalogue
    from saycan.tasks.suite_file import check_scene_mix, household_tasks, tasks_for

    check_dropout(cfg.dropout)  # before generating tasks; the models are built later, after the seed is set
    check_members(cfg.members)
    require_bool("contrast", cfg.contrast)
    check_scene_mix(cfg.scenes, cfg.kitchen_share)
    family_weights = check_weights(cfg.family_weights)
    scene = factory.scene(cfg)
    skills = {s.id: s for s in factory.skills(cfg)}

    def tasks_of(given: object, name: str, n: int, seed: int, split: str, weights: object = None) -> list:
        if given or cfg.scenes == "scene":
            return tasks_for(given, ctx.out / name, n, seed, split, scene, skills, weights)
        return household_tasks(ctx.out / name, n, seed, split, skills, int(cfg.tasks_per_scene), weights,
                               scene, float(cfg.kitchen_share))  # fmt: skip

    # Member i of the ensemble: seed + i draws its training tasks (unless given), initial weights and data
    # order. Member 0's tasks also give the train metrics and the step calibration.
    seeds = range(cfg.seed, cfg.seed + cfg.members)
    files = ["tasks_train.yaml" if s == cfg.seed else f"tasks_train_{s - cfg.seed}.yaml" for s in seeds]
    trains = [tasks_of(cfg.tasks, f, cfg.n, s, "train", family_weights) for f, s in zip(files, seeds, strict=True)]
    train = trains[0]
    dev = tasks_of(cfg.dev_tasks, "tasks_dev.yaml", cfg.dev_n, cfg.seed + 1, "dev")
    dev_kitchen = tasks_for(None, ctx.out / "tasks_dev_kitchen.yaml", cfg.dev_n, cfg.seed + 1, "dev", scene, skills)
    states = TokenStates()
    states([t.instruction for tasks in [*trains, dev, dev_kitchen] for t in tasks])  # MiniLM once per request
    scorers = []
    with progress_bar(ctx.console) as progress:
        bar = progress.add_task("goal scorer (epochs)", total=cfg.epochs * cfg.members)
        for seed, tasks in zip(seeds, trains, strict=True):
            label = f"member {seed - cfg.seed + 1}/{cfg.members} " if cfg.members > 1 else ""

            def on_epoch(epoch: int, loss: float, label: str = label) -> None:
                progress.update(bar, advance=1, description=f"goal scorer {label}(loss {loss:.3f})")
                progress.console.print(f"{label}epoch {epoch + 1}/{cfg.epochs}: loss {loss:.3f}")  # also in a log

            torch.manual_seed(seed)  # the initial weights too (GRU and heads): one command, one checkpoint
            scorer = GoalScorer(dropout=cfg.dropout, **{**ARCHITECTURE, "contrast": cfg.contrast})
            examples = [e for e in (goal_example(t) for t in tasks) if e]
            scorers.append(fit(scorer, examples, states, cfg.epochs, cfg.lr, cfg.batch, seed, on_epoch))
    model = Ensemble(scorers).eval()
    held_objects = catalogue().held_out_objects
    goals = {
        "train": inference_accuracy(model, states, train[:400]),
        "dev": inference_accuracy(model, states, dev),
        "dev_unseen_rooms": inference_accuracy(model, states, [t for t in dev if t.scene.name.rsplit(" ", 1)[0]
                                                                in DEV_ROOMS]),
        "dev_unseen_objects": inference_accuracy(model, states, [t for t in dev if t.named & held_objects]),
        "dev_kitchen": inference_accuracy(model, states, dev_kitchen),
    }  # fmt: skip

    def goals_of(task):
        return infer_goals(model, states, task.instruction, task.scene)

    fitting = decisions(train[: cfg.calibration_tasks], skills, goals_of, cfg.seed)
    calibration = calibrate(fitting)
    steps = {
        "train": step_metrics(fitting, calibration),
        "dev": step_metrics(decisions(dev, skills, goals_of), calibration),
    }
    for split in ("train", "dev"):
        g, s = goals[split], steps[split]
        ctx.console.print(
            f"{split:5s} goals: top-1 {g['top1']:.3f}   "
            f"steps: AUROC {s['auroc']:.3f}, Brier {s['brier']:.3f}, top-1 {s['top1']:.3f} ({s['decisions']} decisions)"
        )
    for split in ("dev_unseen_rooms", "dev_unseen_objects", "dev_kitchen"):
        ctx.console.print(f"{split} goals: top-1 {goals[split]['top1']:.3f}")
    meta = {
        "metrics": {"goals": goals, "steps": steps},
        "calibration": {"rho": calibration.rho, "beta": calibration.beta, "eps": calibration.eps},
        "skills": sorted(skills),
        "training_requests": sorted({t.instruction for tasks in trains for t in tasks}),
        "settings": {
            "n": len(train),
            "dev_n": len(dev),
            "seed": cfg.seed,
            "epochs": cfg.epochs,
            "lr": cfg.lr,
            "family_weights": family_weights,
            "scenes": cfg.scenes,
            "kitchen_share": float(cfg.kitchen_share),
            "tasks_per_scene": int(cfg.tasks_per_scene),
        },
    }
    weights = checkpoint.save(model, ctx.out / "kitchen_pay", meta)
    (ctx.out / "metrics.json").write_text(json.dumps(meta["metrics"], indent=2))
    ctx.console.print(f"Checkpoint: {weights} (+ .json)", soft_wrap=True)
    if cfg.install:
        for suffix in (".safetensors", ".json"):
            shutil.copy(weights.with_suffix(suffix), checkpoint.SHIPPED.with_suffix(suffix))
        ctx.console.print(f"Installed as saycan's default: {checkpoint.SHIPPED}.safetensors")


if __name__ == "__main__":
    main()
