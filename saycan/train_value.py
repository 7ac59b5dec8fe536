"""`python -m saycan.train_value`: collect kitchen rollouts in the sim and train the learned value function."""

from __future__ import annotations

import json
import shutil

from omegaconf import DictConfig

from saycan.cli import Context, command


@command("train_value", text_keys=("data",))
def main(cfg: DictConfig, ctx: Context) -> None:
    """Collect rollouts (resumable), train, report held-out metrics, optionally install the checkpoint."""
    from saycan import factory
    from saycan.affordance import checkpoint
    from saycan.affordance.collect import collect, done_episodes
    from saycan.affordance.train import batch_tensors, evaluate, fit, predict, split
    from saycan.cli.progress import progress_bar, track
    from saycan.embed import shared_embedder
    from saycan.errors import ConfigError
    from saycan.metrics import reliability_plot
    from saycan.storage.jsonl import read_rows
    from saycan.world.scene import scene_definition

    console, out, data = ctx.console, ctx.out, ctx.path(cfg.data)
    scene = scene_definition(factory.scene(cfg))
    rollouts = collect(scene, data, cfg.episodes, cfg.seed, factory.pool(cfg))
    track(console, "rollouts (episodes)", rollouts, cfg.episodes, len(done_episodes(data)))
    rows = read_rows(data)
    train_rows, val_rows, unseen_rows = split(rows, list(cfg.holdout_objects), cfg.val_fraction, cfg.seed)
    if not train_rows or not val_rows:
        raise ConfigError(f"too few rollouts ({len(rows)}) to train; raise episodes=")
    embed = shared_embedder()
    sets = {"train": train_rows, "held-out episodes": val_rows, "unseen objects": unseen_rows}
    tensors = {name: batch_tensors(r, embed) for name, r in sets.items() if r}
    with progress_bar(console) as progress:
        task = progress.add_task("training (epochs)", total=cfg.epochs)
        model = fit(tensors["train"], epochs=cfg.epochs, seed=cfg.seed, on_epoch=lambda e, loss: progress.advance(task))
    metrics = {name: evaluate(model, t) for name, t in tensors.items()}
    for name, m in metrics.items():
        console.print(
            f"{name:18s} n={m['n']:5d}  AUROC {m['auroc']:.3f}  Brier {m['brier']:.3f}  "
            f"success rate {m['success_rate']:.2f}"
        )
    plot = reliability_plot(
        out / "reliability.png",
        {n: (t["label"].numpy(), predict(model, t)) for n, t in tensors.items() if n != "train"},
    )
    meta = {
        "metrics": metrics,
        "holdout_objects": list(cfg.holdout_objects),
        "episodes": cfg.episodes,
        "seed": cfg.seed,
        "skills": sorted({r["skill"] for r in rows}),
        # the names it was trained on; LearnedAffordance leaves options naming others to their own value
        "entities": sorted({*scene["locations"], *scene["objects"], *scene["spills"]}),
    }
    weights = checkpoint.save(model, out / "kitchen_value", meta)
    console.print(f"Checkpoint: {weights} (+ .json)   Reliability plot: {plot}", soft_wrap=True)
    if cfg.install:
        for suffix in (".safetensors", ".json"):
            shutil.copy(weights.with_suffix(suffix), checkpoint.SHIPPED.with_suffix(suffix))
        console.print(f"Installed as saycan's default: {checkpoint.SHIPPED}.safetensors")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
