"""Calibration and ranking metrics for value functions: AUROC, Brier score, reliability plot."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def auroc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (the probability a random success outscores a random failure)."""
    labels, scores = np.asarray(labels, bool), np.asarray(scores, float)
    pos, neg = scores[labels], scores[~labels]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    # Mann-Whitney U with ties counted half.
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def brier(labels: np.ndarray, probs: np.ndarray) -> float:
    """Mean squared error of the probabilities, in [0, 1]; lower is better."""
    return float(np.mean((np.asarray(probs, float) - np.asarray(labels, float)) ** 2))


def reliability_plot(path: Path, curves: dict[str, tuple[np.ndarray, np.ndarray]], bins: int = 10) -> Path:
    """Predicted probability vs observed success rate per bin, one line per named split."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="perfectly calibrated")
    edges = np.linspace(0, 1, bins + 1)
    for name, (labels, probs) in curves.items():
        idx = np.clip(np.digitize(probs, edges) - 1, 0, bins - 1)
        xs = [probs[idx == b].mean() for b in range(bins) if (idx == b).any()]
        ys = [labels[idx == b].mean() for b in range(bins) if (idx == b).any()]
        ax.plot(xs, ys, "o-", label=name)
    ax.set(xlabel="predicted p(success)", ylabel="observed success rate", xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
