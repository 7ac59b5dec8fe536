"""Behaviour cloning of the tiny VLA: soft-label cross-entropy over action bins, with OpenVLA's crop augmentation."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

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
    chunk: int = 1,
    init: TinyVLA | None = None,
) -> TinyVLA:
    """Behaviour cloning: cross-entropy of each action dimension's bin, as OpenVLA trains its action tokens.

    Frames get OpenVLA's augmentation, a random crop of 90% of the area resized to ``input_size``,
    so inference on a centre crop (or the full frame) sees the same scale. With ``label_sigma`` > 0
    the target is a Gaussian over neighbouring bins (HL-Gauss, Farebrother et al. 2024): a near miss
    costs less than a far one, which one-hot cross-entropy over 256 bins cannot tell apart.

    Args:
        images: (N, S, S, 3) uint8 frames.
        text: (N, 384) instruction embeddings.
        target: (N, chunk x 7) bin indices (`saycan.vla.dataset.chunk_targets`).
        chunk: Actions per prediction (1: OpenVLA's single step).
        init: A trained model to fine-tune (its chunk must be ``chunk``; its text centre is kept), or None.
    """
    torch.manual_seed(seed)
    if init is None:
        model = TinyVLA(chunk=chunk)
        model.text_center.copy_(text.unique(dim=0).mean(0))  # each distinct instruction counts once
    else:
        model = init
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
