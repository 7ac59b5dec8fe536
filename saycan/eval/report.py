"""Eval results as files: ``results.json`` (the contract), ``report.md`` and ``scores.png``."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from saycan.world.suite import FAMILIES

ROW_KEYS = (
    "id", "family", "instruction", "plan", "plan_success", "goal_reached", "side_effects", "execution_success",
    "nearest_example", "similarity", "nearest_training", "training_similarity", "steps", "seconds", "error",
)  # fmt: skip
ASK_KEYS = ("questions", "set_size", "stop_reason")  # rows of a run with planner.ask=conformal


def _rates(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    executed = [r["execution_success"] for r in rows if r["execution_success"] is not None]
    rates = {
        "plan_success": sum(bool(r["plan_success"]) for r in rows) / len(rows) if rows else 0.0,
        "goal_reached": sum(bool(r.get("goal_reached")) for r in rows) / len(rows) if rows else 0.0,
        "execution_success": sum(executed) / len(executed) if executed else None,
        "n": len(rows),
    }
    asked = [r for r in rows if r.get("questions") is not None]
    if asked:  # planner.ask=conformal: plan success above is success with help
        sizes = [r["set_size"] for r in asked if r.get("set_size") is not None]
        rates["help_rate"] = sum(r["questions"] > 0 for r in asked) / len(asked)
        rates["questions_per_task"] = sum(r["questions"] for r in asked) / len(asked)
        rates["set_size"] = sum(sizes) / len(sizes) if sizes else None
    return rates


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Overall and per-family success rates, families in the paper's order."""
    families = [f for f in FAMILIES if any(r["family"] == f for r in rows)]
    return {**_rates(rows), "by_family": {f: _rates([r for r in rows if r["family"] == f]) for f in families}}


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
    keys = ROW_KEYS + tuple(k for k in ASK_KEYS if any(k in r for r in tasks))
    data = {"summary": summary, "tasks": [{k: r.get(k) for k in keys} for r in tasks]}
    tmp = out / "results.json.tmp"
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, out / "results.json")
    return summary


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def write_report(out: Path, summary: dict[str, Any], title: str) -> None:
    """``report.md`` (per-family table) and ``scores.png`` (bar charts of the same numbers)."""
    head = "| family | n | plan success | goal reached, side effects allowed | execution success |"
    asked = "help_rate" in summary  # planner.ask=conformal: success is with help
    head += " help rate | questions per task |" if asked else ""
    lines = [f"# {title}", "", head, "|---|---:|---:|---:|---:|" + ("---:|---:|" if asked else "")]
    for family, s in [*summary["by_family"].items(), ("**all**", summary)]:
        cells = [_pct(s["plan_success"]), _pct(s.get("goal_reached")), _pct(s["execution_success"])]
        if asked:
            cells += [_pct(s.get("help_rate")), f"{s.get('questions_per_task', 0):.2f}"]
        lines.append(f"| {family} | {s['n']} | " + " | ".join(cells) + " |")
    (out / "report.md").write_text("\n".join(lines) + "\n")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    families = [*summary["by_family"], "all"]
    stats = [*summary["by_family"].values(), summary]
    fig, ax = plt.subplots(figsize=(1.2 * len(families) + 2, 3.5))
    xs = range(len(families))
    ax.bar([x - 0.2 for x in xs], [s["plan_success"] for s in stats], 0.4, label="plan")
    ax.bar([x + 0.2 for x in xs], [s["execution_success"] or 0 for s in stats], 0.4, label="execution")
    ax.set_xticks(list(xs), families, rotation=20)
    ax.set_ylim(0, 1)
    ax.set_ylabel("success rate")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "scores.png", dpi=100)
    plt.close(fig)
