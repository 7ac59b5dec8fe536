"""Demonstration episodes as training tensors: frames, instruction embeddings, action-bin targets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from saycan.vla.action_tokenizer import VOCAB_SIZE, ActionTokenizer, classes_to_tokens
from saycan.vla.episodes import load_episode, read_index
from saycan.vla.normalization import ActionStats


@dataclass
class Demos:
    """Every step of the chosen episodes: images (N, 112, 112, 3) uint8, texts (N,), actions (N, 7)."""

    images: np.ndarray
    texts: list[str]
    actions: np.ndarray
    episodes: np.ndarray

    def __len__(self) -> int:
        return len(self.actions)


def load_demos(root: Path, episodes: set[int] | None = None) -> Demos:
    """The successful episodes in ``root`` (those in ``episodes`` if given), concatenated."""
    images, texts, actions, ids = [], [], [], []
    for row in read_index(root):
        if not row["success"] or (episodes is not None and row["episode"] not in episodes):
            continue
        frames, acts = load_episode(root, row["episode"])
        images.append(frames)
        actions.append(acts)
        texts += [row["text"]] * len(acts)
        ids += [row["episode"]] * len(acts)
    if not images:
        return Demos(np.zeros((0, 112, 112, 3), np.uint8), [], np.zeros((0, 7), np.float32), np.zeros(0, int))
    return Demos(np.concatenate(images), texts, np.concatenate(actions), np.asarray(ids))


def targets(actions: np.ndarray, stats: ActionStats, bins: int = 256) -> torch.Tensor:
    """(N, 7) actions -> (N, 7) class indices in [0, bins): normalised, tokenised as OpenVLA does."""
    tokenizer = ActionTokenizer(VOCAB_SIZE, bins=bins)
    tokens = tokenizer.encode(stats.normalize(actions))
    return torch.from_numpy(np.asarray(classes_to_tokens(tokens, tokenizer), dtype=np.int64))


def chunk_targets(target: torch.Tensor, episodes: np.ndarray, chunk: int) -> torch.Tensor:
    """(N, 7) per-step targets -> (N, chunk x 7): each step's own and the next ``chunk - 1`` steps' of its
    episode, the episode's last action repeated past its end (the robot holds its final command)."""
    if chunk == 1:
        return target
    rows = np.arange(len(target))
    last = {e: int(np.flatnonzero(episodes == e).max()) for e in np.unique(episodes)}
    end = np.asarray([last[e] for e in episodes])
    ahead = [np.minimum(rows + k, end) for k in range(chunk)]  # steps are stored in order within an episode
    return torch.cat([target[torch.from_numpy(i)] for i in ahead], dim=1)
