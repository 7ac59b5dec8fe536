"""`python -m saycan.calibrate`: q_hat and coverage from gold steps, written as the JSON planner.ask reads."""

import json

from saycan.pay.checkpoint import SHIPPED
from saycan.planner.conformal import ConformalCalibration
from tests.commands import run_command


def calibrate(tmp_path, *overrides):
    return run_command("saycan.calibrate", overrides, tmp_path)


def test_writes_qhat_coverage_and_settings(tmp_path, tiny_model_dir):
    out = calibrate(tmp_path, "out=sub/cal.json", "n=4", "n_test=2", "llm=hf", f"llm.path={tiny_model_dir}",
                    "scenes=scene")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "(prefix sets)" in out.stdout and "two standard errors" in out.stdout  # coverage against its target
    data = json.loads((tmp_path / "sub" / "cal.json").read_text())
    assert data["n"] == 4 and data["epsilon"] == 0.15 and data["settings"]["n_test"] == 2
    assert data["settings"]["llm"]["id"] == "hf" and data["settings"]["scene"] == "kitchen"
    shipped_pay = json.loads(SHIPPED.with_suffix(".json").read_text())["sha256"]
    assert data["settings"]["scores_from"] == {  # what planner.ask compares with the run's, to warn
        "scoring": "saycan",
        "termination": "none",
        "llm_weight": 0.2,
        "done_gate": 0.0,
        "pay_sha256": shipped_pay,
        "pay_named_bonus": 8.0,
    }
    assert 0 <= data["qhat"] <= 1 and data["coverage"] in (0.0, 0.5, 1.0)
    # n = 4 at epsilon 0.15: ceil(5 * 0.85) = 5 > 4, too few tasks, so every option stays in the set
    assert data["qhat"] == 1.0 and data["rule"] == "prefix"  # planner.ask_set's default
    assert len(data["masses"]) == len(data["scores"]) == 4 and len(data["test_masses"]) == 2
    assert all(m >= s for m, s in zip(data["masses"], data["scores"], strict=True))  # right mass >= best right
    cal = ConformalCalibration.load(tmp_path / "sub" / "cal.json")
    assert cal.prediction_set([0.2, 0.0, 0.8]) == [2, 0]
    assert (tmp_path / "sub" / "cal.tasks.yaml").exists()  # the generated tasks it was computed on


def test_missing_out_and_bad_epsilon_are_one_line_errors(tmp_path):
    out = calibrate(tmp_path)
    assert out.returncode == 2 and "out=calibration.json" in out.stderr and "Traceback" not in out.stderr
    out = calibrate(tmp_path, "out=c.json", "epsilon=1.5")
    assert out.returncode == 2 and "epsilon=1.5" in out.stderr and "Traceback" not in out.stderr
    out = calibrate(tmp_path, "out=c.json", "scenes=garden")
    assert out.returncode == 2 and "scenes='garden'; valid: household, scene" in out.stderr
