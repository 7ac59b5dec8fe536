"""OpenVLAPolicy against a real checkpoint in OpenVLA's layout: its own model and processor code (auto_map)."""

import json
import textwrap

import numpy as np
import pytest
import torch

from saycan.errors import ConfigError
from saycan.policies.openvla import OpenVLAPolicy

CONFIG = """
from transformers import PretrainedConfig

class TinyOpenVLAConfig(PretrainedConfig):
    model_type = "tiny_openvla"

    def __init__(self, norm_stats=None, **kwargs):
        self.norm_stats = norm_stats or {}
        super().__init__(**kwargs)
"""

MODELING = """
import numpy as np
import torch
from transformers import PreTrainedModel

from .configuration_tiny import TinyOpenVLAConfig

class TinyOpenVLA(PreTrainedModel):
    config_class = TinyOpenVLAConfig

    def __init__(self, config):
        super().__init__(config)
        self.proj = torch.nn.Linear(3, 7)
        self.norm_stats = config.norm_stats
        self.post_init()

    def predict_action(self, input_ids=None, pixel_values=None, unnorm_key=None, do_sample=True):
        assert do_sample is False
        normalized = torch.tanh(self.proj(pixel_values.float().mean((2, 3))))[0].detach().numpy()
        stats = self.norm_stats[unnorm_key]["action"]
        low, high = np.array(stats["q01"]), np.array(stats["q99"])
        return 0.5 * (normalized + 1) * (high - low) + low
"""

PROCESSING = """
import numpy as np
import torch
from transformers import BatchFeature

class TinyOpenVLAProcessor:
    last_text = None

    @classmethod
    def register_for_auto_class(cls, auto_class="AutoProcessor"):
        pass

    @classmethod
    def from_pretrained(cls, path, **kwargs):
        return cls()

    def __call__(self, text, images):
        type(self).last_text = text
        pixels = torch.from_numpy(np.asarray(images, dtype=np.float32) / 255).permute(2, 0, 1)[None]
        return BatchFeature({"input_ids": torch.tensor([list(text.encode())]), "pixel_values": pixels})
"""

STATS = {"bridge_orig": {"action": {"q01": [-0.02] * 6 + [0.0], "q99": [0.02] * 6 + [1.0]}}}


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from safetensors.torch import save_file

    root = tmp_path_factory.mktemp("tiny_openvla")
    (root / "configuration_tiny.py").write_text(textwrap.dedent(CONFIG))
    (root / "modeling_tiny.py").write_text(textwrap.dedent(MODELING))
    (root / "processing_tiny.py").write_text(textwrap.dedent(PROCESSING))
    config = {
        "model_type": "tiny_openvla",
        "architectures": ["TinyOpenVLA"],
        "auto_map": {
            "AutoConfig": "configuration_tiny.TinyOpenVLAConfig",
            "AutoModelForVision2Seq": "modeling_tiny.TinyOpenVLA",
            "AutoProcessor": "processing_tiny.TinyOpenVLAProcessor",
        },
        "norm_stats": STATS,
    }
    (root / "config.json").write_text(json.dumps(config))
    torch.manual_seed(0)
    save_file({"proj.weight": torch.randn(7, 3), "proj.bias": torch.randn(7)}, str(root / "model.safetensors"))
    return root


def test_checkpoint_code_runs_only_when_the_user_trusts_it(checkpoint):
    with pytest.raises(ConfigError, match="executor.trust_remote_code=true"):
        OpenVLAPolicy(str(checkpoint))


def test_openvla_prompt_and_greedy_action_from_a_local_checkpoint(checkpoint):
    policy = OpenVLAPolicy(str(checkpoint), trust_remote_code=True)
    assert policy.device == "cpu" and policy.dtype == torch.float32 and policy.unnorm_keys == ("bridge_orig",)
    image = np.full((224, 224, 3), 128, np.uint8)
    action = policy.predict_action(image, "Pick up the apple", unnorm_key="bridge_orig")
    assert type(policy.processor).last_text == "In: What action should the robot take to pick up the apple?\nOut:"
    assert action.shape == (7,) and np.all(np.abs(action[:6]) <= 0.02) and 0 <= action[6] <= 1
    assert np.allclose(action, policy.predict_action(image, "pick up the apple", unnorm_key="bridge_orig"))


def test_unknown_unnorm_key_lists_the_checkpoint_keys(checkpoint):
    policy = OpenVLAPolicy(str(checkpoint), trust_remote_code=True)
    with pytest.raises(ConfigError, match=r"unknown executor.unnorm_key 'bridge'.*bridge_orig"):
        policy.predict_action(np.zeros((224, 224, 3), np.uint8), "pick up the apple", unnorm_key="bridge")


def test_quantised_loading_without_a_gpu_says_so(checkpoint):
    with pytest.raises(ConfigError, match="8/4-bit loading needs a CUDA GPU"):
        OpenVLAPolicy(str(checkpoint), trust_remote_code=True, load_in_4bit=True)


def test_checkpoint_code_for_another_transformers_major_says_which_version_to_serve_it_with(checkpoint, tmp_path):
    import shutil

    import transformers

    old = tmp_path / "openvla-7b"
    shutil.copytree(checkpoint, old)
    config = json.loads((old / "config.json").read_text())
    (old / "config.json").write_text(json.dumps({**config, "transformers_version": "4.40.1"}))
    assert not transformers.__version__.startswith("4.")
    with pytest.raises(ConfigError, match=r"written for transformers 4.40.1.*pip install transformers==4.40.1"):
        OpenVLAPolicy(str(old), trust_remote_code=True)


def test_missing_checkpoint_directory_names_the_path(tmp_path):
    with pytest.raises(ConfigError, match="not a checkpoint directory"):
        OpenVLAPolicy(str(tmp_path / "openvla-7b"))
