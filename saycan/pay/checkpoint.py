"""Pay checkpoints: the goal scorer's weights as safetensors, its metadata and calibration as JSON; no pickle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from saycan.pay.model import GoalScorer
from saycan.storage import weights

FORMAT = 1
SHIPPED = Path(__file__).resolve().parent / "kitchen_pay"  # kitchen_pay.safetensors + .json
RETRAIN = "retrain with python -m saycan.train_pay"


def save(model: GoalScorer, stem: Path, meta: dict[str, Any]) -> Path:
    """Write ``stem.safetensors`` and ``stem.json`` (``meta``, the architecture and the weights' sha256)."""
    return weights.save(model, stem, {"format": FORMAT, "architecture": model.config, **meta})


def load(stem: str | Path | None = None) -> tuple[GoalScorer, dict[str, Any]]:
    """Load a checkpoint (default: the one shipped with saycan), checking its hash and shapes first."""
    return weights.load(
        Path(stem) if stem else SHIPPED,
        "pay checkpoint",
        FORMAT,
        lambda meta: GoalScorer(**meta["architecture"]),
        RETRAIN,
    )
