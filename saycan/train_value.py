"""`python -m saycan.train_value`: collect kitchen rollouts in the sim and train the learned value function."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from saycan.resources import conf_dir


@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="train_value")
def main(cfg: DictConfig) -> None:
    from rich.console import Console

    from saycan.errors import ConfigError, exit_on_user_error
    from saycan.jsonl import read_rows
    from saycan.progress import progress_bar
    from saycan.scene import scene_definition, scene_from_dict
    from saycan.value import checkpoint
    from saycan.value.collect import collect, done_episodes
    from saycan.value.embed import TextEmbedder
    from saycan.value.metrics import reliability_plot
    from saycan.value.train import batch_tensors, evaluate, fit, predict, split

    console = Console()
    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        scene = scene_from_dict(OmegaConf.to_container(cfg.scene, resolve=True), source="conf/scene")
        data = Path(cfg.data) if Path(cfg.data).is_absolute() else out / cfg.data
        with progress_bar(console) as progress:
            task = progress.add_task("rollouts (episodes)", total=cfg.episodes, completed=len(done_episodes(data)))
            for _ in collect(scene_definition(scene), data, cfg.episodes, cfg.seed, cfg.workers):
                progress.advance(task)
        rows = read_rows(data)
        train_rows, val_rows, unseen_rows = split(rows, list(cfg.holdout_objects), cfg.val_fraction, cfg.seed)
        if not train_rows or not val_rows:
            raise ConfigError(f"too few rollouts ({len(rows)}) to train; raise episodes=")
        embed = TextEmbedder()
        sets = {"train": train_rows, "held-out episodes": val_rows, "unseen objects": unseen_rows}
        tensors = {name: batch_tensors(r, embed) for name, r in sets.items() if r}
        with progress_bar(console) as progress:
            task = progress.add_task("training (epochs)", total=cfg.epochs)
            model = fit(
                tensors["train"], epochs=cfg.epochs, seed=cfg.seed, on_epoch=lambda e, loss: progress.advance(task)
            )
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
        }
        weights = checkpoint.save(model, out / "kitchen_value", meta)
        console.print(f"Checkpoint: {weights} (+ .json)   Reliability plot: {plot}", soft_wrap=True)
        if cfg.install:
            for suffix in (".safetensors", ".json"):
                shutil.copy(weights.with_suffix(suffix), checkpoint.SHIPPED.with_suffix(suffix))
            console.print(f"Installed as saycan's default: {checkpoint.SHIPPED}.safetensors")
        (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    except ConfigError as exc:
        exit_on_user_error(console, exc)


if __name__ == "__main__":
    main()
