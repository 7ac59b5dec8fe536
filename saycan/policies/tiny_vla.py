"""`TinyVLAPolicy`: the small VLA in-process, with OpenVLA's ``predict_action`` (tokens -> bins -> un-normalised)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from saycan.storage import weights
from saycan.vla.action_tokenizer import VOCAB_SIZE, ActionTokenizer, classes_to_tokens
from saycan.vla.image import resize, to_tensor
from saycan.vla.model import TinyVLA
from saycan.vla.normalization import ActionStats, load_statistics, select

FORMAT = 1
# The shipped checkpoint: model.safetensors, model.json, dataset_statistics.json
SHIPPED = Path(__file__).resolve().parents[1] / "vla" / "tiny_vla"
RETRAIN = "retrain with python -m saycan.train_vla"


def load_checkpoint(path: str | Path | None = None) -> tuple[TinyVLA, dict[str, Any], dict[str, ActionStats]]:
    """(model, metadata, action statistics) from a checkpoint directory (default: the shipped one)."""
    from saycan.errors import ConfigError

    root = Path(path) if path else SHIPPED
    if not root.is_dir():
        raise ConfigError(f"tiny_vla checkpoint {str(root)!r} is not a directory; {RETRAIN}")
    model, meta = weights.load(
        root / "model", "tiny_vla checkpoint", FORMAT, lambda m: TinyVLA(**m["architecture"]), RETRAIN
    )
    stats_path = root / "dataset_statistics.json"
    if not stats_path.is_file():
        raise ConfigError(f"tiny_vla checkpoint {str(root)!r}: missing dataset_statistics.json; {RETRAIN}")
    return model, meta, load_statistics(stats_path)


class TinyVLAPolicy:
    """The small VLA trained in saycan's sim: head-camera image + skill text -> 7-DoF action.

    Args:
        path: Checkpoint directory (default: the one shipped with saycan).
        device: Torch device.
    """

    def __init__(self, path: str | Path | None = None, device: str = "cpu") -> None:
        from saycan.embed import shared_embedder

        self.model, self.meta, self.stats = load_checkpoint(path)
        self.model.to(device)
        self.device = device
        self.tokenizer = ActionTokenizer(VOCAB_SIZE, bins=self.model.bins)
        self.input_size = int(self.meta["image"]["input_size"])
        self.embed = shared_embedder()

    @property
    def unnorm_keys(self) -> tuple[str, ...]:
        return tuple(self.stats)

    def predict_action(self, image: np.ndarray, instruction: str, unnorm_key: str | None = None) -> np.ndarray:
        """Greedy action, decoded as OpenVLA does: argmax token -> bin centre -> un-normalised.

        Args:
            image: (H, W, 3) uint8 RGB, any size (resized to the network's input).
            instruction: The skill text, e.g. "pick up the apple".
            unnorm_key: Which dataset statistics to un-normalise with (None: the only one).

        Returns:
            (7,) float64 ``[dx, dy, dz, droll, dpitch, dyaw, gripper]``, gripper +1 open; a checkpoint
            trained with ``chunk=K`` returns (K, 7), the next K actions.
        """
        stats = select(self.stats, unnorm_key)
        pixels = to_tensor(resize(image, self.input_size)[None]).to(self.device)
        text = torch.from_numpy(self.embed([instruction])).to(self.device)
        with torch.inference_mode():
            classes = self.model(pixels, text).argmax(-1)[0].cpu().numpy()
        normalized = self.tokenizer.decode(classes_to_tokens(classes, self.tokenizer)).reshape(self.model.chunk, -1)
        actions = stats.unnormalize(normalized).astype(np.float64)
        return actions if self.model.chunk > 1 else actions[0]
