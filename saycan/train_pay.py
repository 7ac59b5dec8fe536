"""`python -m saycan.train_pay`: train Pay on generated tasks; report goal and step metrics on unseen wordings."""

from __future__ import annotations

import json
import shutil

from omegaconf import DictConfig

from saycan.cli import Context, command


@command("train_pay", text_keys=("tasks", "dev_tasks"))
def main(cfg: DictConfig, ctx: Context) -> None:
    """Generate (or read) tasks, fit the goal scorer, calibrate on steps, save (and install) the checkpoint."""
    import torch

    from saycan import factory
    from saycan.cli.progress import progress_bar
    from saycan.pay import checkpoint
    from saycan.pay.data import goal_example
    from saycan.pay.model import GoalScorer, TokenStates, check_dropout
    from saycan.pay.steps import calibrate, decisions, step_metrics
    from saycan.pay.train import fit, infer_goals, inference_accuracy
    from saycan.tasks.families import check_weights
    from saycan.tasks.suite_file import tasks_for

    check_dropout(cfg.dropout)  # before generating tasks; the model is built later, after the seed is set
    weights = check_weights(cfg.family_weights)
    scene = factory.scene(cfg)
    skills = {s.id: s for s in factory.skills(cfg)}
    train = tasks_for(cfg.tasks, ctx.out / "tasks_train.yaml", cfg.n, cfg.seed, "train", scene, skills, weights)
    dev = tasks_for(cfg.dev_tasks, ctx.out / "tasks_dev.yaml", cfg.dev_n, cfg.seed + 1, "dev", scene, skills)
    examples = [e for e in (goal_example(t) for t in train) if e]
    states = TokenStates()
    states([t.instruction for t in train + dev])  # MiniLM once per request, in batches
    torch.manual_seed(cfg.seed)  # the initial weights too (GRU and heads), so one command gives one checkpoint
    model = GoalScorer(dropout=cfg.dropout)
    with progress_bar(ctx.console) as progress:
        bar = progress.add_task("goal scorer (epochs)", total=cfg.epochs)

        def on_epoch(epoch: int, loss: float) -> None:
            progress.update(bar, advance=1, description=f"goal scorer (loss {loss:.3f})")
            progress.console.print(f"epoch {epoch + 1}/{cfg.epochs}: loss {loss:.3f}")  # also in a log file

        fit(model, examples, states, cfg.epochs, cfg.lr, cfg.batch, cfg.seed, on_epoch)
    goals = {"train": inference_accuracy(model, states, train[:400]), "dev": inference_accuracy(model, states, dev)}

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
    meta = {
        "metrics": {"goals": goals, "steps": steps},
        "calibration": {"rho": calibration.rho, "beta": calibration.beta, "eps": calibration.eps},
        "skills": sorted(skills),
        "training_requests": sorted({t.instruction for t in train}),
        "settings": {
            "n": len(train),
            "dev_n": len(dev),
            "seed": cfg.seed,
            "epochs": cfg.epochs,
            "lr": cfg.lr,
            "family_weights": weights,
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
