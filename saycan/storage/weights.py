"""Model weights on disk: safetensors plus a JSON of metadata holding their sha256; checked before loading."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from saycan.errors import ConfigError


def save(model: torch.nn.Module, stem: Path, meta: dict[str, Any]) -> Path:
    """Write ``stem.safetensors`` and ``stem.json`` (``meta`` plus the weights' sha256)."""
    from safetensors.torch import save_file

    stem.parent.mkdir(parents=True, exist_ok=True)
    weights = stem.with_suffix(".safetensors")
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, weights)
    meta = {**meta, "sha256": hashlib.sha256(weights.read_bytes()).hexdigest()}
    stem.with_suffix(".json").write_text(json.dumps(meta, indent=2))
    return weights


def load(
    stem: Path, kind: str, fmt: int | tuple[int, ...], build: Callable[[dict[str, Any]], torch.nn.Module], retrain: str
) -> tuple[torch.nn.Module, dict[str, Any]]:
    """Load ``stem.safetensors`` into ``build(meta)``, after checking format, sha256 and tensor shapes.

    safetensors holds tensors only, so loading runs no code (``weights_only`` semantics).

    Args:
        stem: Path without suffix.
        kind: What the weights are, for messages ("value checkpoint").
        fmt: The ``format`` the JSON must declare (or the formats it may declare; ``build`` reads which).
        build: Makes the empty model from the metadata.
        retrain: The command that makes a fresh checkpoint, quoted in errors.
    """
    from safetensors.torch import load_file

    weights, meta_path = stem.with_suffix(".safetensors"), stem.with_suffix(".json")
    if not weights.is_file() or not meta_path.is_file():
        raise ConfigError(f"{kind} {str(stem)!r}: need {weights.name} and {meta_path.name} side by side")
    try:
        meta = json.loads(meta_path.read_text())
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{kind} {str(stem)!r}: {meta_path.name} is not valid JSON ({exc}); {retrain}") from None
    formats = (fmt,) if isinstance(fmt, int) else fmt
    if meta.get("format") not in formats:
        expected = " or ".join(map(str, formats))
        raise ConfigError(f"{kind} {str(stem)!r}: format {meta.get('format')!r}, expected {expected}")
    if hashlib.sha256(weights.read_bytes()).hexdigest() != meta.get("sha256"):
        raise ConfigError(
            f"{kind} {str(stem)!r}: weights do not match the sha256 in {meta_path.name} "
            f"(corrupt or replaced); {retrain}"
        )
    model = build(meta)
    state = load_file(weights)
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    if {k: tuple(v.shape) for k, v in state.items()} != expected:
        name = type(model).__name__
        raise ConfigError(f"{kind} {str(stem)!r}: tensor names or shapes do not match {name}; {retrain}")
    model.load_state_dict(state)
    return model.eval(), meta
