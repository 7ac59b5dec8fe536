"""Fit a `ValueNet` to labelled rollouts; evaluate on held-out episodes and on unseen objects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from saycan.affordance.model import ValueNet
from saycan.embed import DIM, TextEmbedder
from saycan.metrics import auroc, brier
from saycan.storage.splits import held_out


def batch_tensors(rows: Sequence[dict[str, Any]], embed: TextEmbedder) -> dict[str, torch.Tensor]:
    """Pad rollouts into model inputs: text (B, 384), names (B, N, 384), features, mask, globals, labels."""
    n = max(len(r["names"]) for r in rows)
    width = len(rows[0]["features"][0])
    names = np.zeros((len(rows), n, DIM), np.float32)
    feats = np.zeros((len(rows), n, width), np.float32)
    mask = np.zeros((len(rows), n), bool)
    for i, r in enumerate(rows):
        k = len(r["names"])
        names[i, :k], feats[i, :k], mask[i, :k] = embed(r["names"]), r["features"], True
    return {
        "text": torch.from_numpy(embed([r["text"] for r in rows])),
        "names": torch.from_numpy(names),
        "features": torch.from_numpy(feats),
        "mask": torch.from_numpy(mask),
        "glob": torch.from_numpy(np.asarray([r["globals"] for r in rows], np.float32)),
        "label": torch.tensor([float(r.get("label", 0)) for r in rows]),
    }


def predict(model: ValueNet, data: dict[str, torch.Tensor]) -> np.ndarray:
    with torch.inference_mode():
        return torch.sigmoid(model(data["text"], data["names"], data["features"], data["mask"], data["glob"])).numpy()


def split(rows: Sequence[dict[str, Any]], holdout_objects: Sequence[str], val_fraction: float, seed: int):
    """(train, val, unseen): unseen = skills naming a held-out object; val = held-out episodes."""
    unseen = [r for r in rows if any(o in r["text"] for o in holdout_objects)]
    seen = [r for r in rows if not any(o in r["text"] for o in holdout_objects)]
    val_eps = held_out(sorted({r["episode"] for r in seen}), val_fraction, seed)
    return [r for r in seen if r["episode"] not in val_eps], [r for r in seen if r["episode"] in val_eps], unseen


def fit(
    train: dict[str, torch.Tensor],
    epochs: int = 60,
    batch_size: int = 256,
    lr: float = 3e-3,
    seed: int = 0,
    on_epoch: Callable[[int, float], None] | None = None,
) -> ValueNet:
    """Behaviour of the detectors, learned: binary cross-entropy on success labels."""
    torch.manual_seed(seed)
    model = ValueNet()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    n = len(train["label"])
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(n)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            logits = model(
                train["text"][idx], train["names"][idx], train["features"][idx], train["mask"][idx], train["glob"][idx]
            )
            loss = loss_fn(logits, train["label"][idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        if on_epoch:
            on_epoch(epoch, total / n)
    return model.eval()


def evaluate(model: ValueNet, data: dict[str, torch.Tensor]) -> dict[str, float]:
    labels, probs = data["label"].numpy(), predict(model, data)
    return {
        "auroc": auroc(labels, probs),
        "brier": brier(labels, probs),
        "n": len(labels),
        "success_rate": float(labels.mean()),
    }
