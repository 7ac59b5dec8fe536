"""Seeded hold-out splits of episode ids, so training and evaluation never share an episode."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def held_out(episodes: Sequence[int], fraction: float, seed: int) -> set[int]:
    """A seeded random ``fraction`` of ``episodes`` (at least one) kept out of training."""
    rng = np.random.default_rng(seed)
    return set(rng.choice(sorted(episodes), size=max(1, int(len(episodes) * fraction)), replace=False).tolist())
