import json

from saycan.eval.report import summarize, write_report, write_results


def row(i, family, plan, execution=None, reached=None):
    return {"id": i, "family": family, "instruction": "x", "plan": ["done"], "plan_success": plan,
            "goal_reached": plan if reached is None else reached, "side_effects": [],
            "execution_success": execution, "steps": 1, "seconds": 0.1, "error": None}  # fmt: skip


def test_summary_per_family_in_the_papers_order():
    s = summarize([row("a", "verbs", True), row("b", "nouns", False), row("c", "verbs", False)])
    assert list(s["by_family"]) == ["nouns", "verbs"]
    assert s["plan_success"] == 1 / 3 and s["execution_success"] is None and s["n"] == 3
    assert s["by_family"]["verbs"] == {"plan_success": 0.5, "goal_reached": 0.5, "execution_success": None, "n": 2}


def test_goal_reached_keeps_the_old_figure_beside_the_honest_one():
    s = summarize([row("a", "verbs", False, reached=True), row("b", "verbs", True)])
    assert s["plan_success"] == 0.5 and s["goal_reached"] == 1.0


def test_execution_success_counts_only_executed_tasks():
    s = summarize([row("a", "verbs", True, True), row("b", "verbs", True, False)])
    assert s["execution_success"] == 0.5


def test_results_report_and_plot_files(tmp_path):
    rows = [row("b", "crowd", False), row("a", "primitive", True)]
    summary = write_results(tmp_path, rows, ["a", "b"])
    data = json.loads((tmp_path / "results.json").read_text())
    assert [t["id"] for t in data["tasks"]] == ["a", "b"] and data["summary"] == summary
    assert set(data["tasks"][0]) == {
        "id", "family", "instruction", "plan", "plan_success", "goal_reached", "side_effects", "execution_success",
        "nearest_example", "similarity", "nearest_training", "training_similarity", "steps", "seconds", "error",
    }  # fmt: skip
    write_report(tmp_path, summary, "mini")
    assert "| primitive | 1 | 100% | 100% | n/a |" in (tmp_path / "report.md").read_text()
    assert (tmp_path / "scores.png").read_bytes()[:4] == b"\x89PNG"
