"""Value-function checkpoints: weights as safetensors, metadata as JSON; no pickle anywhere."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from saycan.errors import ConfigError
from saycan.value.model import ValueNet

FORMAT = 1
SHIPPED = Path(__file__).resolve().parent / "kitchen_value"  # kitchen_value.safetensors + .json


def save(model: ValueNet, stem: Path, meta: dict[str, Any]) -> Path:
    """Write ``stem.safetensors`` and ``stem.json`` (with the weights' sha256)."""
    from safetensors.torch import save_file

    stem.parent.mkdir(parents=True, exist_ok=True)
    weights = stem.with_suffix(".safetensors")
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, weights)
    meta = {
        "format": FORMAT,
        "hidden": model.hidden,
        "heads": model.heads,
        "sha256": hashlib.sha256(weights.read_bytes()).hexdigest(),
        **meta,
    }
    stem.with_suffix(".json").write_text(json.dumps(meta, indent=2))
    return weights


def load(stem: str | Path | None = None) -> tuple[ValueNet, dict[str, Any]]:
    """Load a checkpoint (default: the one shipped with saycan), checking hash and shapes first.

    safetensors holds tensors only, so loading runs no code (``weights_only`` semantics).
    """
    from safetensors.torch import load_file

    stem = Path(stem) if stem else SHIPPED
    weights, meta_path = stem.with_suffix(".safetensors"), stem.with_suffix(".json")
    if not weights.is_file() or not meta_path.is_file():
        raise ConfigError(f"value checkpoint {str(stem)!r}: need {weights.name} and {meta_path.name} side by side")
    meta = json.loads(meta_path.read_text())
    if meta.get("format") != FORMAT:
        raise ConfigError(f"value checkpoint {str(stem)!r}: format {meta.get('format')!r}, expected {FORMAT}")
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    if digest != meta.get("sha256"):
        raise ConfigError(
            f"value checkpoint {str(stem)!r}: weights do not match the sha256 in {meta_path.name} "
            "(corrupt or replaced); retrain with python -m saycan.train_value"
        )
    model = ValueNet(hidden=int(meta["hidden"]), heads=int(meta["heads"]))
    state = load_file(weights)
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    got = {k: tuple(v.shape) for k, v in state.items()}
    if got != expected:
        raise ConfigError(f"value checkpoint {str(stem)!r}: tensor names or shapes do not match ValueNet")
    model.load_state_dict(state)
    return model.eval(), meta
