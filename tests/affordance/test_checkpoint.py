import json

import pytest

from saycan.affordance import checkpoint
from saycan.affordance.model import ValueNet
from saycan.errors import ConfigError


def test_shipped_checkpoint_loads_from_safetensors_and_json():
    model, meta = checkpoint.load()
    assert isinstance(model, ValueNet) and not model.training
    assert meta["metrics"]["held-out episodes"]["auroc"] >= 0.9
    raw = checkpoint.SHIPPED.with_suffix(".safetensors").read_bytes()
    header_len = int.from_bytes(raw[:8], "little")
    json.loads(raw[8 : 8 + header_len])  # a safetensors header: tensors only, nothing to unpickle
    assert checkpoint.SHIPPED.with_suffix(".safetensors").stat().st_size < 5_000_000


def test_round_trip_and_tampering_is_detected(tmp_path):
    stem = tmp_path / "vf"
    checkpoint.save(ValueNet(), stem, {"skills": ["find"]})
    _, meta = checkpoint.load(stem)
    assert meta["skills"] == ["find"]
    weights = stem.with_suffix(".safetensors")
    weights.write_bytes(weights.read_bytes()[:-10] + b"\0" * 10)
    with pytest.raises(ConfigError, match="do not match the sha256"):
        checkpoint.load(stem)


def test_shape_mismatch_is_rejected_before_loading(tmp_path):
    stem = tmp_path / "vf"
    checkpoint.save(ValueNet(hidden=32), stem, {})
    meta = json.loads(stem.with_suffix(".json").read_text())
    meta["hidden"] = 64  # claims a different architecture than the weights hold
    stem.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(ConfigError, match="shapes do not match"):
        checkpoint.load(stem)
    with pytest.raises(ConfigError, match="side by side"):
        checkpoint.load(tmp_path / "missing")
