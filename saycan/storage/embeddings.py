"""Sentence embeddings kept on disk between runs, keyed by the model and the text (no pickle: npz of str/float32)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MAX_BUNDLES = 32  # more files than this are merged into one on the next load


class EmbeddingStore:
    """Text -> vector, persisted as ``DIR/*.npz`` bundles, each written whole then renamed into place.

    A killed writer leaves at most a stray temporary file, never a half bundle; two processes
    adding at once each write their own bundle.

    Args:
        root: The directory for one embedding model (its name keys the model).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def load(self) -> dict[str, np.ndarray]:
        """Every stored vector by text (merging the bundles into one when there are many)."""
        bundles = sorted(self.root.glob("*.npz")) if self.root.is_dir() else []
        vectors: dict[str, np.ndarray] = {}
        for path in bundles:
            try:
                with np.load(path, allow_pickle=False) as data:
                    vectors.update(zip(data["texts"].tolist(), data["vectors"], strict=True))
            except (OSError, ValueError, KeyError):  # unreadable: ignore it; its texts are embedded again
                continue
        if len(bundles) > MAX_BUNDLES:
            self.add(list(vectors), np.stack(list(vectors.values())))
            for path in bundles:
                path.unlink(missing_ok=True)
        return vectors

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store (len(texts), d) ``vectors`` of ``texts`` as one new bundle."""
        if not texts:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        name = uuid.uuid4().hex
        tmp = self.root / f".{name}.tmp.npz"
        np.savez(tmp, texts=np.asarray(list(texts), dtype=str), vectors=np.asarray(vectors, np.float32))
        os.replace(tmp, self.root / f"{name}.npz")
