import json
import shutil

import numpy as np
import pytest

from saycan.errors import ConfigError
from saycan.policies.tiny_vla import SHIPPED, TinyVLAPolicy, load_checkpoint


@pytest.fixture(scope="module")
def policy():
    return TinyVLAPolicy()


def test_shipped_checkpoint_predicts_a_chunk_of_actions_within_its_statistics(policy):
    assert policy.unnorm_keys == ("saycan_kitchen",)
    image = np.zeros((224, 224, 3), np.uint8)
    actions = policy.predict_action(image, "pick up the apple", "saycan_kitchen")
    stats = policy.stats["saycan_kitchen"]
    assert actions.shape == (4, 7) and np.all(np.isfinite(actions))  # the shipped head predicts 4 actions
    assert np.all(actions[:, :6] >= stats.q01[:6] - 1e-9) and np.all(actions[:, :6] <= stats.q99[:6] + 1e-9)
    assert np.all(abs(abs(actions[:, 6]) - 1) < 0.01)  # the gripper is not normalised: open or closed


def test_unknown_unnorm_key_lists_the_known_ones(policy):
    with pytest.raises(ConfigError, match="saycan_kitchen"):
        policy.predict_action(np.zeros((64, 64, 3), np.uint8), "pick up the apple", "bridge_orig")


def test_corrupted_weights_are_rejected_before_loading(tmp_path):
    bad = tmp_path / "tiny_vla"
    shutil.copytree(SHIPPED, bad)
    data = bytearray((bad / "model.safetensors").read_bytes())
    data[-10] ^= 0xFF
    (bad / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(ConfigError, match="sha256.*saycan.train_vla"):
        load_checkpoint(bad)


def test_missing_statistics_say_how_to_fix(tmp_path):
    bad = tmp_path / "tiny_vla"
    shutil.copytree(SHIPPED, bad)
    (bad / "dataset_statistics.json").unlink()
    with pytest.raises(ConfigError, match="dataset_statistics.json"):
        load_checkpoint(bad)
    assert json.loads((SHIPPED / "model.json").read_text())["format"] == 1
