"""`python -m saycan.eval.compare DIR...`: one table of several eval runs (e.g. a Hydra multirun's jobs)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

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


def main(argv: list[str] | None = None) -> int:
    console = Console()
    paths = find_results(sys.argv[1:] if argv is None else argv)
    if not paths:
        console.print("error: no results.json in the given directories; pass eval output dirs (out=DIR)")
        return 2
    runs = {str(p.parent): json.loads(p.read_text())["summary"] for p in paths}
    families = list(dict.fromkeys(f for s in runs.values() for f in s["by_family"]))
    table = Table(title="plan success (execution success) [help rate, with planner.ask=conformal]")
    for column in ("run", "n", "all", *families):
        table.add_column(column, justify="left" if column == "run" else "right")

    def cell(s: dict | None) -> str:
        if not s:
            return "-"
        execution = "" if s["execution_success"] is None else f" ({s['execution_success']:.0%})"
        helped = f" [{s['help_rate']:.0%}]" if "help_rate" in s else ""  # success against how often it asked
        return f"{s['plan_success']:.0%}{execution}{helped}"

    for run, s in runs.items():
        table.add_row(run, str(s["n"]), cell(s), *(cell(s["by_family"].get(f)) for f in families))
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
