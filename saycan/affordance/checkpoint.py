"""Value-function checkpoints: weights as safetensors, metadata as JSON; no pickle anywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from saycan.affordance.model import ValueNet
from saycan.storage import weights

FORMAT = 1
SHIPPED = Path(__file__).resolve().parent / "kitchen_value"  # kitchen_value.safetensors + .json


def save(model: ValueNet, stem: Path, meta: dict[str, Any]) -> Path:
    """Write ``stem.safetensors`` and ``stem.json`` (with the weights' sha256)."""
    return weights.save(model, stem, {"format": FORMAT, "hidden": model.hidden, "heads": model.heads, **meta})


def load(stem: str | Path | None = None) -> tuple[ValueNet, dict[str, Any]]:
    """Load a checkpoint (default: the one shipped with saycan), checking hash and shapes first."""
    return weights.load(
        Path(stem) if stem else SHIPPED,
        "value checkpoint",
        FORMAT,
        lambda meta: ValueNet(hidden=int(meta["hidden"]), heads=int(meta["heads"])),
        "retrain with python -m saycan.train_value",
    )
