"""KnowNo's quantile, prediction sets and coverage on synthetic scores with known answers."""

import random

import pytest

from saycan.errors import ConfigError
from saycan.planner.conformal import ConformalCalibration, coverage, quantile


def test_quantile_is_the_ceil_n_plus_one_rank():
    # N = 9, epsilon = 0.2: ceil(10 * 0.8) = 8th smallest of 0.1 .. 0.9
    assert quantile([i / 10 for i in range(9, 0, -1)], 0.2) == pytest.approx(0.8)


def test_quantile_with_too_few_tasks_keeps_every_option():
    assert quantile([0.1, 0.2], 0.1) == 1.0


def test_quantile_rejects_epsilon_outside_unit_interval():
    with pytest.raises(ConfigError, match="epsilon"):
        quantile([0.1], 1.5)


def test_coverage_on_fresh_tasks_is_at_least_one_minus_epsilon():
    rng = random.Random(0)
    draw = lambda n: [rng.betavariate(5, 2) for _ in range(n)]  # noqa: E731 - a task's lowest right score
    calib, test = draw(400), draw(4000)
    qhat = quantile([1 - s for s in calib], 0.15)
    assert 0.82 <= coverage(test, qhat) <= 0.90  # 0.85 within sampling error (N = 400)


def test_prediction_set_orders_by_score_and_drops_below_threshold():
    cal = ConformalCalibration(epsilon=0.15, qhat=0.7, n=400)  # keep normalised scores >= 0.3
    assert cal.prediction_set([0.1, 0.5, 0.4, 0.0]) == [1, 2]
    assert cal.prediction_set([0.9, 0.05, 0.05]) == [0]
    assert ConformalCalibration(0.15, 0.2, 400).prediction_set([0.5, 0.5]) == []


def test_calibration_round_trips_and_bad_files_name_the_fix(tmp_path):
    cal = ConformalCalibration(0.15, 0.6, 400, 0.86, {"llm": "embedded"})
    assert ConformalCalibration.load(cal.save(tmp_path / "c.json")) == cal
    with pytest.raises(ConfigError, match="saycan.calibrate"):
        ConformalCalibration.load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text('{"epsilon": 0.1}')
    with pytest.raises(ConfigError, match="qhat"):
        ConformalCalibration.load(tmp_path / "bad.json")


def test_refitting_at_another_epsilon_uses_the_stored_task_scores(tmp_path):
    scores = [i / 10 for i in range(1, 10)]  # nonconformity 0.9 .. 0.1
    cal = ConformalCalibration.fit(scores, [0.45, 0.95], 0.2, {"llm": "x"})
    assert cal.qhat == pytest.approx(0.8) and cal.coverage == 1.0 and cal.n == 9
    loose = ConformalCalibration.load(cal.save(tmp_path / "c.json")).refit(0.5)
    assert loose.qhat == pytest.approx(quantile([1 - s for s in scores], 0.5)) == pytest.approx(0.5)
    assert loose.coverage == 0.5 and loose.settings == {"llm": "x"} and loose.epsilon == 0.5


def test_refitting_a_file_without_scores_names_the_fix():
    with pytest.raises(ConfigError, match=r"planner.epsilon=0.3.*saycan.calibrate"):
        ConformalCalibration(0.15, 0.4, 400).refit(0.3)
    with pytest.raises(ConfigError, match=r"planner.ask_set=prefix.*made for ask_set=threshold.*saycan.calibrate"):
        ConformalCalibration.fit([0.5], [], 0.5, {}).refit(rule="prefix")  # a file from before the prefix rule


def test_prefix_set_is_the_fewest_top_options_whose_total_exceeds_qhat():
    cal = ConformalCalibration(epsilon=0.15, qhat=0.6, n=400, rule="prefix")
    assert cal.prediction_set([0.7, 0.2, 0.1]) == [0]  # 0.7 > 0.6: act
    assert cal.prediction_set([0.1, 0.35, 0.3, 0.25]) == [1, 2]  # 0.65 > 0.6 after two
    assert cal.prediction_set([0.5, 0.5]) == [0, 1]  # where the threshold rule's set would be empty...
    assert ConformalCalibration(0.15, 0.6, 400).prediction_set([0.35, 0.35, 0.3]) == []  # ...as here
    assert ConformalCalibration(0.15, 1.0, 400, rule="prefix").prediction_set([0.5, 0.5, 0.0]) == [0, 1]


def test_prefix_sets_hold_a_right_option_in_at_least_one_minus_epsilon_of_fresh_tasks():
    # Tasks of one step, 5 options, two of them right ("any drink will do"): the set holds a right option
    # whenever the wrong options' total is within q_hat, the calibrated 1 - epsilon quantile of that total.
    rng = random.Random(1)

    def task():
        weights = [rng.uniform(1, 3) for _ in range(2)] + [rng.random() ** 3 for _ in range(3)]
        total = sum(weights)
        return [w / total for w in weights]  # options 0 and 1 are right

    calib, test = [task() for _ in range(400)], [task() for _ in range(3000)]
    cal = ConformalCalibration.fit([max(p[:2]) for p in calib], [], 0.15, {}, [sum(p[:2]) for p in calib], [],
                                   "prefix")  # fmt: skip
    within = coverage([sum(p[:2]) for p in test], cal.qhat)  # wrong total <= q_hat: 0.85 within sampling error
    held = sum(any(i < 2 for i in cal.prediction_set(p)) for p in test) / len(test)
    assert 0.82 <= within <= 0.90 and held >= within
    assert all(cal.prediction_set(p) for p in test)  # never empty
    # Same tasks, same epsilon: KnowNo's threshold keeps both right options (each holds about 40%) and asks;
    # the prefix rule sees one of them clear q_hat and acts.
    threshold = cal.refit(rule="threshold")
    sizes = {r: sum(len(c.prediction_set(p)) > 1 for p in test) for r, c in (("prefix", cal), ("threshold", threshold))}
    assert sizes["prefix"] < sizes["threshold"], sizes


def test_a_file_with_an_unknown_rule_names_the_valid_ones(tmp_path):
    (tmp_path / "c.json").write_text('{"epsilon": 0.1, "qhat": 0.5, "n": 3, "rule": "median"}')
    with pytest.raises(ConfigError, match="rule='median'; valid: prefix, threshold"):
        ConformalCalibration.load(tmp_path / "c.json")


def test_differences_name_each_changed_setting_and_skip_unrecorded_ones():
    made = ConformalCalibration(0.15, 0.4, 400, settings={"scores_from": {"llm_weight": 0.3, "done_gate": 0.0}})
    run = {"llm_weight": 0.2, "done_gate": 0.0, "pay_sha256": "abc"}
    assert made.differences(run) == ["llm_weight: calibrated 0.3, this run 0.2"]
    assert ConformalCalibration(0.15, 0.4, 400).differences(run) == []  # an older file records none
