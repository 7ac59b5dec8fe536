"""saycan/vla/dataset.py: chunked targets stay inside their episode."""

import numpy as np
import torch

from saycan.vla.dataset import chunk_targets


def test_chunk_targets_look_ahead_within_the_episode_and_hold_its_last_action():
    target = torch.arange(5)[:, None].repeat(1, 7)  # step i's 7 bins are all i
    chunked = chunk_targets(target, np.array([0, 0, 0, 1, 1]), 2)
    assert chunked.shape == (5, 14)
    assert chunked[:, ::7].tolist() == [[0, 1], [1, 2], [2, 2], [3, 4], [4, 4]]
    assert chunk_targets(target, np.zeros(5, int), 1) is target
