"""saycan/eval/compare.py: eval runs side by side, and one success-against-help curve per suite and asking rule."""

from saycan.eval.compare import asking_curves


def summary(epsilon: float, help_rate: float, success: float, **more) -> dict:
    return {"suite": "garage", "epsilon": epsilon, "help_rate": help_rate, "plan_success": success, **more}


def test_each_asking_rule_of_a_suite_gets_its_own_curve_in_epsilon_order():
    runs = {
        "a": summary(0.1, 0.41, 0.9),
        "b": summary(0.05, 0.9, 1.0),
        "c": summary(0.05, 0.62, 1.0, ask_when="readings_differ"),
        "d": {"suite": "garage", "plan_success": 0.86, "help_rate": 0.0},  # never asked: no epsilon, no curve
    }
    curves = asking_curves(runs)
    assert list(curves) == ["garage", "garage, ask_when=readings_differ"]
    assert [e for e, *_ in curves["garage"]] == [0.05, 0.1]
    assert curves["garage, ask_when=readings_differ"] == [(0.05, 0.62, 1.0, "c")]
