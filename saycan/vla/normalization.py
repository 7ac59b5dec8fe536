"""Action statistics in OpenVLA's ``dataset_statistics.json`` format, and (un)normalisation with them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from saycan.errors import ConfigError, choices_hint

EPS = 1e-8


@dataclass(frozen=True)
class ActionStats:
    """Per-dimension statistics of one dataset's actions.

    ``mask`` marks the dimensions that are normalised with the 1st/99th percentiles; the others
    (the gripper, already in [-1, 1] or {0, 1}) pass through unchanged.
    """

    q01: np.ndarray
    q99: np.ndarray
    mask: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    min: np.ndarray
    max: np.ndarray

    @classmethod
    def from_actions(cls, actions: np.ndarray, mask: np.ndarray | None = None) -> ActionStats:
        """Statistics of (N, D) actions; by default every dimension but the last (the gripper) is normalised."""
        actions = np.asarray(actions, dtype=np.float64)
        if mask is None:
            mask = np.ones(actions.shape[1], bool)
            mask[-1] = False
        return cls(
            np.quantile(actions, 0.01, axis=0),
            np.quantile(actions, 0.99, axis=0),
            np.asarray(mask, bool),
            actions.mean(0),
            actions.std(0),
            actions.min(0),
            actions.max(0),
        )

    def normalize(self, actions: np.ndarray) -> np.ndarray:
        """Masked dims to [-1, 1] by q01/q99, clipped; others unchanged."""
        scaled = 2 * (np.asarray(actions) - self.q01) / (self.q99 - self.q01 + EPS) - 1
        return np.where(self.mask, np.clip(scaled, -1, 1), actions)

    def unnormalize(self, normalized: np.ndarray) -> np.ndarray:
        """OpenVLA: ``0.5 * (x + 1) * (q99 - q01) + q01`` on masked dims; others unchanged."""
        normalized = np.asarray(normalized)
        return np.where(self.mask, 0.5 * (normalized + 1) * (self.q99 - self.q01) + self.q01, normalized)

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k).tolist() for k in ("mean", "std", "max", "min", "q01", "q99", "mask")}


def save_statistics(path: Path, stats: dict[str, ActionStats], counts: dict[str, tuple[int, int]]) -> None:
    """Write ``{key: {"action": {...}, "num_transitions": n, "num_trajectories": m}}`` as OpenVLA does."""
    data = {
        key: {"action": s.to_json(), "num_transitions": counts[key][0], "num_trajectories": counts[key][1]}
        for key, s in stats.items()
    }
    Path(path).write_text(json.dumps(data, indent=2))


def load_statistics(path: Path) -> dict[str, ActionStats]:
    """Read a ``dataset_statistics.json``: unnorm key -> `ActionStats`."""
    data = json.loads(Path(path).read_text())
    out = {}
    for key, entry in data.items():
        a = entry["action"]
        dims = len(a["q01"])
        out[key] = ActionStats(
            *(np.asarray(a[k], float) for k in ("q01", "q99")),
            np.asarray(a.get("mask", [True] * dims), bool),
            *(np.asarray(a.get(k, [0.0] * dims), float) for k in ("mean", "std", "min", "max")),
        )
    return out


def select(stats: dict[str, ActionStats], unnorm_key: str | None) -> ActionStats:
    """The stats for ``unnorm_key``; None is fine when there is one. Unknown keys list the known ones."""
    if unnorm_key is None:
        if len(stats) != 1:
            raise ConfigError(
                f"this checkpoint has several action statistics; pass unnorm_key, {choices_hint('', stats)}"
            )
        return next(iter(stats.values()))
    if unnorm_key not in stats:
        raise ConfigError(f"unknown unnorm_key {unnorm_key!r}; {choices_hint(unnorm_key, stats)}")
    return stats[unnorm_key]
