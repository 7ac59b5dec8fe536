"""`python -m saycan.eval` and `python -m saycan.eval.compare`, as a user runs them."""

import json
import random
import signal
import subprocess
import sys
import time

import pytest
import yaml

from saycan.storage.jsonl import read_rows
from tests.commands import run_command


def evaluate(tmp_path, *overrides):
    """``python -m saycan.eval`` in this test's process (`tests.commands`); the SIGKILL test starts a real one."""
    return run_command("saycan.eval.__main__", [f"hydra.run.dir={tmp_path / 'hydra'}", *overrides], tmp_path)


def test_eval_writes_results_report_and_scores_then_resumes(tmp_path, tiny_model_dir, mini_suite_path):
    args = [f"suite={mini_suite_path}", f"out={tmp_path / 'run'}", "llm=hf", f"llm.path={tiny_model_dir}",
            "planner.max_steps=2", "affordance=state"]  # fmt: skip
    out = evaluate(tmp_path, *args)
    assert out.returncode == 0, out.stdout + out.stderr
    data = json.loads((tmp_path / "run" / "results.json").read_text())
    assert data["summary"]["n"] == 2 and set(data["summary"]["by_family"]) == {"primitive", "crowd"}
    assert all(t["steps"] <= 2 and t["execution_success"] is None for t in data["tasks"])
    assert (tmp_path / "run" / "report.md").is_file() and (tmp_path / "run" / "scores.png").is_file()
    again = evaluate(tmp_path, *args)
    assert again.returncode == 2 and "resume=true" in again.stderr
    resumed = evaluate(tmp_path, *args, "resume=true")
    assert resumed.returncode == 0 and len((tmp_path / "run" / "tasks.jsonl").read_text().splitlines()) == 2
    compare = [sys.executable, "-m", "saycan.eval.compare", str(tmp_path / "run")]
    report = (tmp_path / "run" / "report.md").read_text()
    table = subprocess.run(compare, capture_output=True, text=True, timeout=60)
    assert table.returncode == 0 and "primitive" in table.stdout and "crowd" in table.stdout
    assert (tmp_path / "run" / "report.md").read_text() == report and not (tmp_path / "report.md").exists()
    made = subprocess.run([*compare, "--out", str(tmp_path / "cmp")], capture_output=True, text=True, timeout=60)
    assert made.returncode == 0 and (tmp_path / "cmp" / "report.md").is_file()
    again = subprocess.run([*compare, "--out", str(tmp_path / "cmp")], capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "--force" in again.stderr  # never over a report without --force
    assert subprocess.run([*compare, "--out", str(tmp_path / "cmp"), "--force"], timeout=60).returncode == 0


def test_a_bad_suite_is_rejected_before_anything_runs(tmp_path, mini_suite_path):
    (tmp_path / "bad.yaml").write_text(mini_suite_path.read_text().replace("holding(sponge)", "holding(spnge)"))
    out = evaluate(tmp_path, f"suite={tmp_path / 'bad.yaml'}", f"out={tmp_path / 'run'}")
    assert out.returncode == 2 and "task p1" in out.stderr and "'spnge'" in out.stderr and "sponge" in out.stderr
    assert not (tmp_path / "run").exists()


def test_resume_over_a_line_that_is_not_a_row_is_one_line_naming_it(tmp_path, mini_suite_path):
    (tmp_path / "run").mkdir()
    data = b'{"id": "p1", "plan_success": true}\n{}\n'
    (tmp_path / "run" / "tasks.jsonl").write_bytes(data)
    out = evaluate(tmp_path, f"suite={mini_suite_path}", f"out={tmp_path / 'run'}", "resume=true")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "tasks.jsonl:2: {} is not a row (an object with 'id')" in out.stderr
    assert (tmp_path / "run" / "tasks.jsonl").read_bytes() == data  # nothing changed


def test_compare_without_results_says_what_to_pass(tmp_path):
    out = subprocess.run([sys.executable, "-m", "saycan.eval.compare", str(tmp_path)], capture_output=True, text=True)
    assert out.returncode == 2 and "results.json" in out.stderr


def test_sigkilled_eval_resumes_to_the_results_of_an_uninterrupted_run(tmp_path, tiny_model_dir, mini_suite_path):
    suite = yaml.safe_load(mini_suite_path.read_text())
    n = 40  # 0.1-1 s per task: the kill, at most 1 s after the first row, lands inside the run
    suite["tasks"] = [{**t, "id": f"{t['id']}-{i}"} for i in range(n // 2) for t in suite["tasks"]]
    (tmp_path / "suite.yaml").write_text(yaml.safe_dump(suite))
    args = [f"suite={tmp_path / 'suite.yaml'}", "llm=hf", f"llm.path={tiny_model_dir}", "planner.max_steps=3",
            "affordance=state"]  # fmt: skip
    assert evaluate(tmp_path, *args, f"out={tmp_path / 'whole'}").returncode == 0
    cmd = [sys.executable, "-m", "saycan.eval", f"hydra.run.dir={tmp_path / 'h2'}", *args, f"out={tmp_path / 'cut'}"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = tmp_path / "cut" / "tasks.jsonl"
    deadline = time.monotonic() + 300
    while not (rows.exists() and rows.read_text().count("\n") >= 1) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(random.Random(0).uniform(0, 1.0))  # somewhere inside a later task
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    kept = read_rows(rows)
    assert 1 <= len(kept) < n and all(r["error"] is None for r in kept)
    assert evaluate(tmp_path, *args, f"out={tmp_path / 'cut'}", "resume=true").returncode == 0

    def outcome(run):
        data = json.loads((tmp_path / run / "results.json").read_text())
        tasks = [(t["id"], t["plan"], t["plan_success"]) for t in data["tasks"]]
        return sorted(tasks), data["summary"]

    assert outcome("cut") == outcome("whole")


def test_eval_with_questions_reports_help_and_compare_draws_it_across_epsilon(
    tmp_path, tiny_model_dir, mini_suite_path
):
    # q_hat 1 at epsilon 0.15 (every option: always ask); refitted at 0.5 from the masses: 0.01, never ask
    cal = {"epsilon": 0.15, "qhat": 1.0, "n": 4, "rule": "prefix", "masses": [0.99, 0.99, 0.99, 0.0],
           "test_masses": [0.99]}  # fmt: skip
    (tmp_path / "cal.json").write_text(json.dumps(cal))
    args = [f"suite={mini_suite_path}", f"out={tmp_path / 'run'}", "llm=hf", f"llm.path={tiny_model_dir}",
            "planner.max_steps=3", "planner.ask=conformal", f"planner.calibration={tmp_path / 'cal.json'}"]  # fmt: skip
    out = evaluate(tmp_path, *args)
    assert out.returncode == 0, out.stdout + out.stderr
    data = json.loads((tmp_path / "run" / "results.json").read_text())
    assert data["summary"]["help_rate"] == 1.0 and data["summary"]["questions_per_task"] >= 1
    assert all(t["questions"] >= 1 and t["set_size"] > 1 for t in data["tasks"])
    assert "help rate" in (tmp_path / "run" / "report.md").read_text()
    assert data["summary"]["epsilon"] == 0.15 and data["summary"]["qhat"] == 1.0
    assert data["summary"]["ask_when"] == "several"
    assert evaluate(tmp_path, *args, f"out={tmp_path / 'eps'}", "planner.epsilon=0.5").returncode == 0
    assert json.loads((tmp_path / "eps" / "results.json").read_text())["summary"]["qhat"] == pytest.approx(0.01)
    runs = [str(tmp_path / "run"), str(tmp_path / "eps")]
    table = subprocess.run([sys.executable, "-m", "saycan.eval.compare", *runs, "--out", str(tmp_path / "cmp")],
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert table.returncode == 0 and "[100%]" in table.stdout
    report = (tmp_path / "cmp" / "report.md").read_text()
    assert "| mini | 0.15 | 100% |" in report and "| mini | 0.5 |" in report
    assert (tmp_path / "cmp" / "scores.png").is_file()
