"""Eval results as files: ``results.json`` (the contract), and ``report.md`` and ``scores.png`` read from it."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from saycan.world.suite import FAMILIES

ROW_KEYS = (
    "id", "family", "language", "instruction", "plan", "plan_success", "goal_reached", "side_effects",
    "execution_success", "nearest_example", "similarity", "nearest_training", "training_similarity", "steps",
    "seconds", "error",
)  # fmt: skip
# Rows of a run with planner.ask=conformal
ASK_KEYS = ("questions", "question_kinds", "set_size", "acted_alike", "stop_reason")


def _rates(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    executed = [r["execution_success"] for r in rows if r["execution_success"] is not None]
    rates = {
        "plan_success": sum(bool(r["plan_success"]) for r in rows) / len(rows) if rows else 0.0,
        "goal_reached": sum(bool(r.get("goal_reached")) for r in rows) / len(rows) if rows else 0.0,
        "execution_success": sum(executed) / len(executed) if executed else None,
        "n": len(rows),
        "n_executed": len(executed),  # tasks run in a simulator: execution success is over these
    }
    asked = [r for r in rows if r.get("questions") is not None]
    if asked:  # planner.ask=conformal: plan success above is success with help
        sizes = [r["set_size"] for r in asked if r.get("set_size") is not None]
        rates["help_rate"] = sum(r["questions"] > 0 for r in asked) / len(asked)
        rates["questions_per_task"] = sum(r["questions"] for r in asked) / len(asked)
        rates["set_size"] = sum(sizes) / len(sizes) if sizes else None
        rates["acted_alike"] = sum(r.get("acted_alike") or 0 for r in asked)  # steps not asked: alike readings
        kinds = [k for r in asked for k in r.get("question_kinds") or ()]  # eval.person.QUESTION_KINDS
        rates["question_kinds"] = {k: kinds.count(k) for k in dict.fromkeys(kinds)}
    return rates


def language_of(row: dict[str, Any]) -> str:
    """A row's request language; rows written before rows had one are English."""
    return row.get("language") or "en"


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Overall and per-family success rates, families in the paper's order; per language too when the
    requests are in more than one (``by_language``, languages in the order they first appear)."""
    families = [f for f in FAMILIES if any(r["family"] == f for r in rows)]
    summary = {**_rates(rows), "by_family": {f: _rates([r for r in rows if r["family"] == f]) for f in families}}
    languages = list(dict.fromkeys(map(language_of, rows)))
    if len(languages) > 1:
        summary["by_language"] = {x: _rates([r for r in rows if language_of(r) == x]) for x in languages}
    return summary


def write_results(
    out: Path, rows: Sequence[dict[str, Any]], order: Sequence[str], meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Write ``results.json`` (tasks in suite order), atomically; returns the summary.

    Args:
        meta: Kept in the summary: the ``suite`` name and, with ``planner.ask=conformal``, the
            ``epsilon`` and ``qhat`` its sets were made with (`saycan.eval.compare` draws success
            against help rate across epsilon, one line per suite).
    """
    rank = {task_id: i for i, task_id in enumerate(order)}
    tasks = sorted((r for r in rows if r["id"] in rank), key=lambda r: rank[r["id"]])
    summary = {**summarize(tasks), **(meta or {})}
    keys = ROW_KEYS + tuple(k for k in (*ASK_KEYS, "read_as") if any(k in r for r in tasks))
    data = {"summary": summary, "tasks": [{k: r.get(k) for k in keys} for r in tasks]}
    tmp = out / "results.json.tmp"
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, out / "results.json")
    return summary


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def write_report(out: Path, title: str) -> None:
    """``report.md`` and ``scores.png`` from ``out/results.json``: success per family, then every failed
    task with its plan, side effects or error."""
    data = json.loads((out / "results.json").read_text())
    summary, tasks = data["summary"], data["tasks"]
    lines = [f"# {title}", "", *family_table(summary), "", *language_table(summary), *failures(tasks)]
    (out / "report.md").write_text("\n".join(lines).rstrip() + "\n")
    plot_scores(out / "scores.png", summary, title)


def family_table(summary: dict[str, Any]) -> list[str]:
    """The per-family success table (with help rates under ``planner.ask=conformal``)."""
    head = "| family | n | plan success | goal reached, side effects allowed | execution success |"
    asked = "help_rate" in summary  # planner.ask=conformal: success is with help
    head += " help rate | questions per task |" if asked else ""
    lines = [head, "|---|---:|---:|---:|---:|" + ("---:|---:|" if asked else "")]
    for family, s in [*summary["by_family"].items(), ("**all**", summary)]:
        cells = [_pct(s["plan_success"]), _pct(s.get("goal_reached")), _pct(s["execution_success"])]
        if asked:
            cells += [_pct(s.get("help_rate")), f"{s.get('questions_per_task', 0):.2f}"]
        lines.append(f"| {family} | {s['n']} | " + " | ".join(cells) + " |")
    return lines


def language_table(summary: dict[str, Any]) -> list[str]:
    """Plan success per language (and a blank line after it), or nothing when the requests share one."""
    if "by_language" not in summary:
        return []
    lines = ["| language | n | plan success | goal reached, side effects allowed |", "|---|---:|---:|---:|"]
    for language, s in summary["by_language"].items():
        lines.append(f"| {language} | {s['n']} | {_pct(s['plan_success'])} | {_pct(s.get('goal_reached'))} |")
    return [*lines, ""]


def failures(tasks: Sequence[dict[str, Any]]) -> list[str]:
    """One entry per task whose plan (or execution) failed: what it planned and what went wrong."""
    failed = [t for t in tasks if not t["plan_success"] or t.get("execution_success") is False]
    lines = [f"## Failed tasks ({len(failed)} of {len(tasks)})", ""]
    for t in failed:
        language = f", {language_of(t)}" if language_of(t) != "en" else ""
        lines.append(f"- **{t['id']}** ({t['family']}{language}): {t['instruction']}")
        if t.get("error"):
            lines.append(f"  - error: {t['error']}")
            continue
        lines.append(f"  - plan: {' -> '.join(t['plan']) or '(no step)'}")
        why = ["the goal was not reached" if not t.get("goal_reached") else "the goal was reached"]
        if t.get("side_effects"):
            why.append(f"moved what it should not have: {', '.join(t['side_effects'])}")
        if t.get("execution_success") is False:
            why.append("the sim's end state failed" if t["plan_success"] else "execution failed too")
        lines.append(f"  - {'; '.join(why)}")
    return lines if failed else [f"## Failed tasks (0 of {len(tasks)})"]


def plot_scores(path: Path, summary: dict[str, Any], title: str) -> None:
    """Plan (and, where the sim ran, execution) success per family as bars, each labelled with its count."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = [*summary["by_family"].items(), ("all", summary)]
    series = [("plan", "plan_success", "n", "tab:blue")]
    if summary["execution_success"] is not None:
        series.append(("execution", "execution_success", "n_executed", "tab:orange"))
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(1.1 * len(groups) + 2, 3.6))
    for k, (label, key, of, color) in enumerate(series):
        xs = [i + (k - (len(series) - 1) / 2) * width for i in range(len(groups))]
        rates = [s[key] or 0.0 for _, s in groups]
        bars = ax.bar(xs, rates, width, label=label, color=color)
        counts = [f"{round((s[key] or 0.0) * s.get(of, s['n']))}/{s.get(of, s['n'])}" for _, s in groups]
        ax.bar_label(bars, counts, fontsize=7, padding=2)
    ax.set_xticks(range(len(groups)), [name for name, _ in groups], rotation=20)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("success rate")
    ax.set_title(title, fontsize=9)
    if len(series) > 1:
        ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
