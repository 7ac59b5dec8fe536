"""Pay checkpoints: the goal scorers' weights as safetensors, their metadata and calibration as JSON; no pickle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from saycan.pay.ensemble import Ensemble
from saycan.pay.model import GoalScorer
from saycan.storage import weights

# Format 2 holds an `Ensemble` (tensors named members.<i>.*, "members" in the architecture); format 1,
# written before ensembles, one `GoalScorer`, read as an ensemble of one.
FORMAT = 2
SHIPPED = Path(__file__).resolve().parent / "kitchen_pay"  # kitchen_pay.safetensors + .json
RETRAIN = "retrain with python -m saycan.train_pay"


def save(model: Ensemble, stem: Path, meta: dict[str, Any]) -> Path:
    """Write ``stem.safetensors`` and ``stem.json`` (``meta``, the architecture and the weights' sha256)."""
    return weights.save(model, stem, {"format": FORMAT, "architecture": model.config, **meta})


def _build(meta: dict[str, Any]) -> Ensemble | GoalScorer:
    if meta["format"] == 1:
        return GoalScorer(**meta["architecture"])
    return Ensemble.build(**meta["architecture"])


def load(stem: str | Path | None = None) -> tuple[Ensemble, dict[str, Any]]:
    """Load a checkpoint (default: the one shipped with saycan), checking its hash and shapes first."""
    model, meta = weights.load(Path(stem) if stem else SHIPPED, "pay checkpoint", (1, FORMAT), _build, RETRAIN)
    return (Ensemble([model]).eval() if isinstance(model, GoalScorer) else model), meta
