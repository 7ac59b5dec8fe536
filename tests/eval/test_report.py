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
    assert s["by_family"]["verbs"] == {
        "plan_success": 0.5, "goal_reached": 0.5, "execution_success": None, "n": 2, "n_executed": 0,
    }  # fmt: skip


def test_goal_reached_keeps_the_old_figure_beside_the_honest_one():
    s = summarize([row("a", "verbs", False, reached=True), row("b", "verbs", True)])
    assert s["plan_success"] == 0.5 and s["goal_reached"] == 1.0


def test_execution_success_counts_only_executed_tasks():
    s = summarize([row("a", "verbs", True, True), row("b", "verbs", True, False)])
    assert s["execution_success"] == 0.5


def test_results_report_and_plot_files(tmp_path):
    rows = [row("b", "crowd", False), row("a", "primitive", True)]
    rows[0].update(plan=["find the apple", "pick up the apple", "done"], side_effects=["apple"])
    summary = write_results(tmp_path, rows, ["a", "b"])
    data = json.loads((tmp_path / "results.json").read_text())
    assert [t["id"] for t in data["tasks"]] == ["a", "b"] and data["summary"] == summary
    assert set(data["tasks"][0]) == {
        "id", "family", "language", "instruction", "plan", "plan_success", "goal_reached", "side_effects",
        "execution_success", "nearest_example", "similarity", "nearest_training", "training_similarity", "steps",
        "seconds", "error",
    }  # fmt: skip
    write_report(tmp_path, "mini")
    report = (tmp_path / "report.md").read_text()
    assert "| primitive | 1 | 100% | 100% | n/a |" in report
    assert (
        "## Failed tasks (1 of 2)\n\n- **b** (crowd): x\n  - plan: find the apple -> pick up the apple -> done"
        in report
    )
    assert "moved what it should not have: apple" in report and "**a**" not in report
    assert (tmp_path / "scores.png").read_bytes()[:4] == b"\x89PNG"


def test_requests_in_several_languages_get_a_row_each_in_the_summary_and_report(tmp_path):
    rows = [row("a", "verbs", True), row("b", "verbs", False), row("c", "nouns", True)]
    rows[1]["language"], rows[2]["language"] = "es", "es"
    assert "by_language" not in summarize(rows[:1])  # one language: no per-language rates
    summary = write_results(tmp_path, rows, ["a", "b", "c"])
    assert list(summary["by_language"]) == ["en", "es"]  # rows without a language are English
    assert summary["by_language"]["es"]["plan_success"] == 0.5 and summary["by_language"]["es"]["n"] == 2
    write_report(tmp_path, "multilingual")
    report = (tmp_path / "report.md").read_text()
    assert "| en | 1 | 100% | 100% |" in report and "| es | 2 | 50% | 50% |" in report
    assert "- **b** (verbs, es): x" in report


def test_the_picture_labels_each_bar_with_its_count_and_draws_execution_only_when_executed(tmp_path, monkeypatch):
    import matplotlib.axes

    labels = []
    monkeypatch.setattr(matplotlib.axes.Axes, "bar_label", lambda self, bars, texts, **kw: labels.append(list(texts)))
    rows = [row("a", "verbs", True, True), row("b", "verbs", False, False), row("c", "nouns", True)]
    write_results(tmp_path, rows, ["a", "b", "c"])
    write_report(tmp_path, "sim")
    assert labels == [["1/1", "1/2", "2/3"], ["0/0", "1/2", "1/2"]]  # plan, then execution (nouns ran no sim)
    labels.clear()
    write_results(tmp_path, [row("a", "verbs", True)], ["a"])
    write_report(tmp_path, "symbolic")
    assert labels == [["1/1", "1/1"]]  # no execution bars without a simulator
