"""`python -m saycan.vla.train`: record scripted demos in the sim and train the tiny VLA by behaviour cloning."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import hydra
import numpy as np
import torch
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from saycan.resources import conf_dir
from saycan.vla.image import CROP_SCALE, crop_resize, to_tensor
from saycan.vla.model import TinyVLA


def fit(
    images: np.ndarray,
    text: torch.Tensor,
    target: torch.Tensor,
    input_size: int,
    epochs: int,
    batch_size: int = 64,
    lr: float = 1e-3,
    seed: int = 0,
    label_sigma: float = 2.0,
    on_epoch: Callable[[int, float], None] | None = None,
) -> TinyVLA:
    """Behaviour cloning: cross-entropy of each action dimension's bin, as OpenVLA trains its action tokens.

    Frames get OpenVLA's augmentation, a random crop of 90% of the area resized to ``input_size``,
    so inference on a centre crop (or the full frame) sees the same scale. With ``label_sigma`` > 0
    the target is a Gaussian over neighbouring bins (HL-Gauss, Farebrother et al. 2024): a near miss
    costs less than a far one, which one-hot cross-entropy over 256 bins cannot tell apart.

    Args:
        images: (N, S, S, 3) uint8 frames.
        text: (N, 384) instruction embeddings.
        target: (N, 7) bin indices.
    """
    torch.manual_seed(seed)
    model = TinyVLA()
    model.text_center.copy_(text.unique(dim=0).mean(0))  # each distinct instruction counts once
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * ((len(target) + batch_size - 1) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(1, steps))
    for epoch in range(epochs):
        model.train()
        order, total = torch.randperm(len(target)), 0.0
        for start in range(0, len(target), batch_size):
            idx = order[start : start + batch_size]
            pixels = crop_resize(to_tensor(images[idx.numpy()]), input_size, CROP_SCALE, torch.rand(len(idx), 2))
            logits = model(pixels, text[idx])
            loss = -(soft_labels(target[idx], model.bins, label_sigma) * logits.log_softmax(-1)).sum(-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total += float(loss.detach()) * len(idx)
        if on_epoch:
            on_epoch(epoch, total / len(target))
    return model.eval()


def soft_labels(target: torch.Tensor, bins: int, sigma: float) -> torch.Tensor:
    """(N, D) bin indices -> (N, D, bins) distributions: one-hot, or a Gaussian of ``sigma`` bins around each."""
    if sigma <= 0:
        return torch.nn.functional.one_hot(target, bins).float()
    weights = torch.exp(-0.5 * ((torch.arange(bins) - target[..., None]) / sigma) ** 2)
    return weights / weights.sum(-1, keepdim=True)


def bin_accuracy(
    model: TinyVLA, images: np.ndarray, text: torch.Tensor, target: torch.Tensor, size: int
) -> list[float]:
    """Per action dimension: the fraction of steps whose predicted bin is within 2 of the expert's."""
    hits = []
    with torch.inference_mode():
        for start in range(0, len(target), 256):
            pixels = crop_resize(to_tensor(images[start : start + 256]), size, CROP_SCALE)
            pred = model(pixels, text[start : start + 256]).argmax(-1)
            hits.append((pred - target[start : start + 256]).abs() <= 2)
    return torch.cat(hits).float().mean(0).tolist() if hits else []


@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="vla_train")
def main(cfg: DictConfig) -> None:
    from rich.console import Console

    from saycan import weights
    from saycan.errors import ConfigError, exit_on_user_error
    from saycan.progress import progress_bar
    from saycan.rollouts import held_out
    from saycan.scene import scene_definition, scene_from_dict
    from saycan.value.embed import TextEmbedder
    from saycan.vla.dataset import load_demos, targets
    from saycan.vla.episodes import read_index, record
    from saycan.vla.normalization import ActionStats, save_statistics
    from saycan.vla.policy import FORMAT, SHIPPED

    console = Console()
    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        scene = scene_from_dict(OmegaConf.to_container(cfg.scene, resolve=True), source="conf/scene")
        data = Path(cfg.data) if Path(cfg.data).is_absolute() else out / cfg.data
        with progress_bar(console) as progress:
            task = progress.add_task("demos (episodes)", total=cfg.episodes, completed=len(read_index(data)))
            for _ in record(scene_definition(scene), data, cfg.episodes, cfg.seed, cfg.workers):
                progress.advance(task)
        index = [r for r in read_index(data) if r["episode"] < cfg.episodes]
        ids = sorted(r["episode"] for r in index)
        if len(ids) < 2:
            raise ConfigError(f"{len(ids)} demos in {str(data)!r}: too few to train; raise episodes=")
        val_ids = held_out(ids, cfg.val_fraction, cfg.seed)
        train, val = load_demos(data, set(ids) - val_ids), load_demos(data, val_ids)
        if len(train) == 0 or len(val) == 0:
            raise ConfigError(f"too few successful demos in {str(data)!r} to train; raise episodes=")
        stats = ActionStats.from_actions(train.actions)
        embed = TextEmbedder()
        tensors = {
            name: (d.images, torch.from_numpy(embed(d.texts)), targets(d.actions, stats))
            for name, d in (("train", train), ("held-out episodes", val))
        }
        with progress_bar(console) as progress:
            task = progress.add_task("training (epochs)", total=cfg.epochs)
            model = fit(
                *tensors["train"],
                cfg.input_size,
                cfg.epochs,
                cfg.batch_size,
                cfg.lr,
                cfg.seed,
                cfg.label_sigma,
                on_epoch=lambda e, loss: progress.update(task, advance=1, description=f"training (loss {loss:.3f})"),
            )
        accuracy = {name: bin_accuracy(model, *t, cfg.input_size) for name, t in tensors.items()}
        for name, acc in accuracy.items():
            console.print(
                f"{name:18s} steps={len(tensors[name][2]):6d}  bin within 2, per dim: "
                + " ".join(f"{a:.2f}" for a in acc)
            )
        ckpt = out / "tiny_vla"
        ckpt.mkdir(parents=True, exist_ok=True)
        save_statistics(
            ckpt / "dataset_statistics.json", {cfg.unnorm_key: stats}, {cfg.unnorm_key: (len(train), len(ids))}
        )
        meta = {
            "format": FORMAT,
            "architecture": model.config,
            "image": {"input_size": cfg.input_size, "crop_scale": 0.9, "trained_with_crop": True},
            "episodes": cfg.episodes,
            "seed": cfg.seed,
            "skills": sorted({r["skill"] for r in index}),
            "bin_accuracy": accuracy,
        }
        weights.save(model, ckpt / "model", meta)
        console.print(f"Checkpoint: {ckpt}", soft_wrap=True)
        if cfg.install:
            shutil.copytree(ckpt, SHIPPED, dirs_exist_ok=True)
            console.print(f"Installed as saycan's default tiny_vla: {SHIPPED}")
        (out / "metrics.json").write_text(json.dumps(accuracy, indent=2))
    except ConfigError as exc:
        exit_on_user_error(console, exc)


if __name__ == "__main__":
    main()
