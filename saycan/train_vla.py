"""`python -m saycan.train_vla`: record scripted demos in the sim and train the tiny VLA by behaviour cloning."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING

from omegaconf import DictConfig

from saycan.cli import Context, command
from saycan.errors import ConfigError, require_bool

if TYPE_CHECKING:
    from saycan.vla.model import TinyVLA
    from saycan.vla.normalization import ActionStats


def _share(cfg: DictConfig, key: str, what: str) -> float:
    """``cfg[key]`` checked to be a share in [0, 1]."""
    share = cfg[key]  # every share is in conf/train_vla.yaml: a missing one is not silently 0
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise ConfigError(f"{key}={share!r}: the share of {what} must be a number from 0 to 1")
    return float(share)


@command("train_vla", text_keys=("data",))
def main(cfg: DictConfig, ctx: Context) -> None:
    """Record demos (resumable), train by behaviour cloning, report bin accuracy, optionally install."""
    import torch

    from saycan import factory
    from saycan.cli.progress import progress_bar, track
    from saycan.embed import shared_embedder
    from saycan.policies.tiny_vla import FORMAT, SHIPPED
    from saycan.storage import weights
    from saycan.storage.splits import held_out
    from saycan.vla.bc import bin_accuracy, fit
    from saycan.vla.dataset import chunk_targets, load_demos, targets
    from saycan.vla.episodes import DemoMix, read_index, record
    from saycan.vla.normalization import ActionStats, save_statistics
    from saycan.world.scene import scene_definition

    console, out, data = ctx.console, ctx.out, ctx.path(cfg.data)
    mix = DemoMix(
        put_down=_share(cfg, "put_down_share", "put-down demos"),
        layout=_share(cfg, "layout_share", "demos that start from the scene's own layout"),
        any_slot=require_bool("any_slot", cfg.any_slot),
        crowd=_share(cfg, "crowd_share", "scattered demos at a crowded place"),
        from_pick=_share(cfg, "from_pick_share", "put-down demos that start from a pick of their own"),
    )
    if int(cfg.chunk) < 1:
        raise ConfigError(f"chunk={cfg.chunk!r}: actions per prediction must be at least 1")
    init, stats = _initial(cfg) if cfg.init else (None, None)  # a bad checkpoint fails before any recording
    demos = record(scene_definition(factory.scene(cfg)), data, cfg.episodes, cfg.seed, factory.pool(cfg), mix)
    track(console, "demos (episodes)", demos, cfg.episodes, len(read_index(data)))
    index = [r for r in read_index(data) if r["episode"] < cfg.episodes]
    ids = sorted(r["episode"] for r in index)
    if len(ids) < 2:
        raise ConfigError(f"{len(ids)} demos in {str(data)!r}: too few to train; raise episodes=")
    val_ids = held_out(ids, cfg.val_fraction, cfg.seed)
    train, val = load_demos(data, set(ids) - val_ids), load_demos(data, val_ids)
    if len(train) == 0 or len(val) == 0:
        raise ConfigError(f"too few successful demos in {str(data)!r} to train; raise episodes=")
    if stats is None:  # fine-tuning keeps the bins the model was trained in
        stats = ActionStats.from_actions(train.actions)
    embed = shared_embedder()
    tensors = {
        name: (
            d.images,
            torch.from_numpy(embed(d.texts)),
            chunk_targets(targets(d.actions, stats), d.episodes, cfg.chunk),
        )
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
            chunk=int(cfg.chunk),
            init=init,
        )
    accuracy = {name: bin_accuracy(model, *t, cfg.input_size) for name, t in tensors.items()}
    for name, acc in accuracy.items():
        console.print(
            f"{name:18s} steps={len(tensors[name][2]):6d}  bin within 2, per dim: " + " ".join(f"{a:.2f}" for a in acc)
        )
    ckpt = out / "tiny_vla"
    ckpt.mkdir(parents=True, exist_ok=True)
    save_statistics(ckpt / "dataset_statistics.json", {cfg.unnorm_key: stats}, {cfg.unnorm_key: (len(train), len(ids))})
    meta = {
        "format": FORMAT,
        "architecture": model.config,
        "image": {"input_size": cfg.input_size, "crop_scale": 0.9, "trained_with_crop": True},
        "episodes": cfg.episodes,
        "put_down_share": mix.put_down,
        "layout_share": mix.layout,
        "any_slot": mix.any_slot,
        "crowd_share": mix.crowd,
        "from_pick_share": mix.from_pick,
        "seed": cfg.seed,
        "init": str(cfg.init) if cfg.init else None,
        "skills": sorted({r["skill"] for r in index}),
        "bin_accuracy": accuracy,
    }
    weights.save(model, ckpt / "model", meta)
    console.print(f"Checkpoint: {ckpt}", soft_wrap=True)
    if cfg.install:
        shutil.copytree(ckpt, SHIPPED, dirs_exist_ok=True)
        console.print(f"Installed as saycan's default tiny_vla: {SHIPPED}")
    (out / "metrics.json").write_text(json.dumps(accuracy, indent=2))


def _initial(cfg: DictConfig) -> tuple[TinyVLA, ActionStats]:
    """(model, action statistics) of the checkpoint ``init`` names, to fine-tune; its chunk must be ``chunk``."""
    from saycan.policies.tiny_vla import load_checkpoint
    from saycan.vla.normalization import select

    model, _, stats = load_checkpoint(cfg.init)
    if model.config.get("chunk", 1) != int(cfg.chunk):
        raise ConfigError(
            f"init={cfg.init!r} predicts {model.config.get('chunk', 1)} actions a query, not chunk={cfg.chunk}; "
            f"set chunk={model.config.get('chunk', 1)} to fine-tune it"
        )
    return model, select(stats, cfg.unnorm_key)


if __name__ == "__main__":
    main()
