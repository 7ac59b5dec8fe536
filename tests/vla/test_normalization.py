import numpy as np
import pytest

from saycan.errors import ConfigError
from saycan.vla.normalization import ActionStats, load_statistics, save_statistics, select


def _stats():
    q01, q99 = np.array([-2.0, 0.0, 1.0]), np.array([2.0, 4.0, 1.0])
    zeros = np.zeros(3)
    return ActionStats(q01, q99, np.array([True, True, False]), zeros, zeros, zeros, zeros)


def test_unnormalize_matches_openvla_by_hand():
    stats = _stats()
    # dim 0: 0.5 * (0.5 + 1) * (2 - -2) + -2 = 1.0; dim 1: 0.5 * (-1 + 1) * 4 + 0 = 0; gripper passes through
    assert stats.unnormalize(np.array([0.5, -1.0, 0.7])) == pytest.approx([1.0, 0.0, 0.7])


def test_normalize_round_trips_and_clips():
    stats = _stats()
    raw = np.array([1.0, 3.0, -1.0])
    assert stats.unnormalize(stats.normalize(raw)) == pytest.approx(raw, abs=1e-6)
    assert stats.normalize(np.array([10.0, -10.0, 1.0])).tolist() == [1.0, -1.0, 1.0]


def test_statistics_file_round_trip_and_unknown_key(tmp_path):
    actions = np.random.default_rng(0).normal(size=(500, 7))
    stats = ActionStats.from_actions(actions)
    assert stats.mask.tolist() == [True] * 6 + [False]
    path = tmp_path / "dataset_statistics.json"
    save_statistics(path, {"saycan_kitchen": stats}, {"saycan_kitchen": (500, 10)})
    back = load_statistics(path)
    assert back["saycan_kitchen"].q99 == pytest.approx(stats.q99)
    assert select(back, None) is back["saycan_kitchen"]
    with pytest.raises(ConfigError, match="unknown unnorm_key 'bridge_orig'.*'saycan_kitchen'"):
        select(back, "bridge_orig")
