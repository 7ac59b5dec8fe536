"""saycan/storage/weights.py: safetensors weights are checked (format, sha256, shapes) before they load."""

import json

import pytest
import torch

from saycan.errors import ConfigError
from saycan.storage import weights


def build(meta):
    return torch.nn.Linear(int(meta["width"]), 2)


@pytest.fixture
def saved(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    stem = tmp_path / "model"
    weights.save(model, stem, {"format": 1, "width": 3})
    return model, stem


def load(stem, fmt=1):
    return weights.load(stem, "test checkpoint", fmt, build, "retrain it")


def test_a_saved_model_loads_back_equal_with_its_metadata(saved):
    model, stem = saved
    loaded, meta = load(stem)
    assert torch.equal(loaded.weight, model.weight) and meta["width"] == 3 and len(meta["sha256"]) == 64
    assert not loaded.training  # ready for inference


def test_changed_weights_are_refused_by_their_sha256(saved):
    _, stem = saved
    data = bytearray(stem.with_suffix(".safetensors").read_bytes())
    data[-1] ^= 0xFF
    stem.with_suffix(".safetensors").write_bytes(bytes(data))
    with pytest.raises(ConfigError, match="do not match the sha256.*retrain it"):
        load(stem)


def test_another_format_is_refused_naming_the_expected_one(saved):
    _, stem = saved
    with pytest.raises(ConfigError, match="format 1, expected 2 or 3"):
        load(stem, fmt=(2, 3))


def test_shapes_that_do_not_fit_the_model_are_refused(saved):
    _, stem = saved
    meta = json.loads(stem.with_suffix(".json").read_text())
    stem.with_suffix(".json").write_text(json.dumps({**meta, "width": 4}))
    with pytest.raises(ConfigError, match="shapes do not match Linear"):
        load(stem)


def test_a_missing_half_or_bad_json_names_the_file(saved, tmp_path):
    _, stem = saved
    stem.with_suffix(".json").write_text("{not json")
    with pytest.raises(ConfigError, match="model.json is not valid JSON"):
        load(stem)
    with pytest.raises(ConfigError, match="need other.safetensors and other.json side by side"):
        load(tmp_path / "other")
