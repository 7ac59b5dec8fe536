"""`python -m saycan.eval.compare DIR... [--out DIR]`: one table of several eval runs, plus success against help rate.

A Hydra multirun's jobs (pass the sweep directory) or any eval output directories. Runs made with
``planner.ask=conformal`` also go on a success-against-help-rate curve, one point per epsilon
(KnowNo's figure): ``report.md`` and ``scores.png`` in ``--out`` (default: the runs' common parent).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def find_results(paths: list[str]) -> list[Path]:
    """results.json files in the given directories (or below them, for a multirun sweep directory)."""
    found = []
    for path in map(Path, paths):
        if (path / "results.json").is_file():
            found.append(path / "results.json")
        else:
            found += sorted(path.glob("*/results.json"))
    return found


def cell(s: dict[str, Any] | None) -> str:
    """``93% (90%) [12%]``: plan success, execution success, help rate (when asked)."""
    if not s:
        return "-"
    execution = "" if s["execution_success"] is None else f" ({s['execution_success']:.0%})"
    helped = f" [{s['help_rate']:.0%}]" if "help_rate" in s else ""  # success against how often it asked
    return f"{s['plan_success']:.0%}{execution}{helped}"


def asking_curves(runs: dict[str, dict[str, Any]]) -> dict[str, list[tuple[float, float, float, str]]]:
    """Per suite and asking rule (``planner.ask_when``, named when not the default), (epsilon, help rate, plan
    success with help, run) of its runs with planner.ask=conformal."""
    curves: dict[str, list[tuple[float, float, float, str]]] = {}
    for run, s in runs.items():
        if "epsilon" in s:
            when = s.get("ask_when", "several")  # runs made before the summary recorded it: the default
            name = s.get("suite", "?") + ("" if when == "several" else f", ask_when={when}")
            curves.setdefault(name, []).append((s["epsilon"], s["help_rate"], s["plan_success"], run))
    return {suite: sorted(points) for suite, points in sorted(curves.items())}


def write_report(out: Path, runs: dict[str, dict[str, Any]], families: list[str]) -> list[Path]:
    """``report.md`` (the table, and the epsilon sweep) and, when runs asked, ``scores.png`` (the curve)."""
    lines = ["# Eval runs compared", "", "plan success (execution success) [help rate]", ""]
    lines += ["| run | n | all | " + " | ".join(families) + " |", "|---|---:|---:|" + "---:|" * len(families)]
    for run, s in runs.items():
        by_family = " | ".join(cell(s["by_family"].get(f)) for f in families)
        lines.append(f"| {run} | {s['n']} | {cell(s)} | {by_family} |")
    curves = asking_curves(runs)
    written = [out / "report.md"]
    if curves:
        lines += ["", "## Asking for help across epsilon (planner.ask=conformal)", ""]
        lines += ["| suite | epsilon | help rate | plan success with help | run |", "|---|---:|---:|---:|---|"]
        lines += [
            f"| {suite} | {e:g} | {h:.0%} | {p:.0%} | {run} |" for suite, c in curves.items() for e, h, p, run in c
        ]
        written.append(_plot(out / "scores.png", curves, runs))
    (out / "report.md").write_text("\n".join(lines) + "\n")
    return written


def _plot(
    path: Path, curves: dict[str, list[tuple[float, float, float, str]]], runs: dict[str, dict[str, Any]]
) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    lowest = [p for curve in curves.values() for _, _, p, _ in curve]
    for suite, curve in curves.items():
        ax.plot([h for _, h, _, _ in curve], [p for _, _, p, _ in curve], "o-", label=suite)
        for e, h, p, _ in curve:
            ax.annotate(f"ε={e:g}", (h, p), textcoords="offset points", xytext=(4, -10), fontsize=7)
    for run, s in runs.items():
        if "help_rate" not in s:  # runs that never ask sit at help rate 0
            ax.plot([0], [s["plan_success"]], "s", label=f"{s.get('suite', run)}, not asking")
            lowest.append(s["plan_success"])
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(max(0.0, min(lowest) - 0.15), 1.02)  # the curves sit near the top: zoom in on them
    ax.set_xlabel("help rate (tasks with a question)")
    ax.set_ylabel("plan success (with help)")
    ax.set_title("planner.ask=conformal across epsilon", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m saycan.eval.compare", description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", help="eval output directories (out=DIR), or a multirun sweep directory")
    parser.add_argument("--out", default=None, help="where report.md and scores.png go (default: DIR when one is "
                        "given, else the runs' common parent)")  # fmt: skip
    parser.add_argument("--force", action="store_true", help="overwrite a report.md or scores.png already there")
    args = parser.parse_args(argv)
    console = Console()
    paths = find_results(args.runs)
    if not paths:
        Console(stderr=True).print("error: no results.json in the given directories; pass eval output dirs (out=DIR)")
        return 2
    runs = {str(p.parent): json.loads(p.read_text())["summary"] for p in paths}
    families = list(dict.fromkeys(f for s in runs.values() for f in s["by_family"]))
    table = Table(title="plan success (execution success) [help rate, with planner.ask=conformal]")
    for column in ("run", "n", "all", *families):
        table.add_column(column, justify="left" if column == "run" else "right")
    for run, s in runs.items():
        table.add_row(run, str(s["n"]), cell(s), *(cell(s["by_family"].get(f)) for f in families))
    console.print(table)
    if args.out:
        out = Path(args.out)
    elif len(args.runs) == 1 and (Path(args.runs[0]) / "results.json").exists():  # one run: its own report stays
        console.print("(one run: nothing written; pass --out DIR to write report.md and scores.png)")
        return 0
    elif len(args.runs) == 1:
        out = Path(args.runs[0])
    else:
        out = Path(os.path.commonpath([p.parent.parent for p in paths]))
    there = [p for p in (out / "report.md", out / "scores.png") if p.exists()]
    if there and not args.force:
        names = ", ".join(map(str, there))
        Console(stderr=True).print(f"error: {names} exists; pass --force to overwrite, or --out DIR", soft_wrap=True)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    written = write_report(out, runs, families)
    console.print("Written: " + ", ".join(map(str, written)), soft_wrap=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
