import numpy as np
import pytest

from saycan.metrics import auroc, brier, reliability_plot


def test_auroc_matches_hand_computed_values():
    labels = np.array([1, 1, 0, 0])
    assert auroc(labels, np.array([0.9, 0.8, 0.3, 0.1])) == 1.0
    assert auroc(labels, np.array([0.1, 0.3, 0.8, 0.9])) == 0.0
    # pairs (pos, neg): (0.9,0.5) win, (0.9,0.1) win, (0.4,0.5) lose, (0.4,0.1) win -> 3/4
    assert auroc(labels, np.array([0.9, 0.4, 0.5, 0.1])) == 0.75
    assert auroc(labels, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5


def test_brier_is_mean_squared_error():
    assert brier(np.array([1, 0]), np.array([0.8, 0.4])) == pytest.approx((0.04 + 0.16) / 2)


def test_reliability_plot_writes_a_png(tmp_path):
    rng = np.random.default_rng(0)
    probs = rng.random(200)
    path = reliability_plot(tmp_path / "r.png", {"val": (rng.random(200) < probs, probs)})
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
