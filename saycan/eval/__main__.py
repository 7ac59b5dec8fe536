"""`python -m saycan.eval suite=PATH out=DIR`: run a task suite; write results.json, report.md, scores.png."""

from __future__ import annotations

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from saycan.resources import conf_dir


@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="eval")
def main(cfg: DictConfig) -> None:
    from rich.console import Console

    from saycan.errors import exit_on_user_error
    from saycan.eval.harness import TASKS_FILE, finished_tasks, run_suite
    from saycan.eval.report import write_report, write_results
    from saycan.jsonl import read_rows
    from saycan.progress import progress_bar
    from saycan.resources import suites_dir
    from saycan.run import build_env, build_planner
    from saycan.scene import load_scene
    from saycan.suite import load_suite

    console = Console()
    out = Path(cfg.out) if cfg.out else Path(HydraConfig.get().runtime.output_dir)
    try:
        suite_path = Path(cfg.suite) if cfg.suite else suites_dir() / "kitchen.yaml"
        scenes = {p.stem: load_scene(p) for p in sorted((conf_dir() / "scene").glob("*.yaml"))}
        suite = load_suite(suite_path, scenes)  # every task checked before anything runs
        order = [t.id for t in suite.tasks]
        done = finished_tasks(out, cfg.resume) & set(order)  # checked before the LLM loads
        rows = [r for r in read_rows(out / TASKS_FILE) if r["id"] in done]  # kept in memory from here on
        planner = build_planner(cfg, held_out=[t.instruction for t in suite.tasks])  # no task answers itself
        with progress_bar(console) as progress:
            bar = progress.add_task(f"{suite.name}", total=len(order), completed=len(rows))
            for row in run_suite(suite, planner, lambda t: build_env(cfg, t.scene), out, True):
                rows.append(row)
                status = "error: " + row["error"] if row["error"] else ("ok" if row["plan_success"] else "fail")
                progress.console.print(f"{row['id']:>6s} {row['family']:12s} {status}  {row['instruction']}")
                rate = sum(bool(r["plan_success"]) for r in rows) / len(rows)
                progress.update(bar, advance=1, description=f"{suite.name}: plan success {rate:.0%}")
                write_results(out, rows, order)
        summary = write_results(out, rows, order)
        write_report(out, summary, f"{suite.name}: llm={cfg.llm.id} affordance={cfg.affordance.id} env={cfg.env.id}")
    except Exception as exc:  # only our own errors are shown as one line; anything else is a bug
        exit_on_user_error(console, exc)
    execution = summary["execution_success"]
    console.print(
        f"Plan success {summary['plan_success']:.0%} over {summary['n']} tasks"
        + ("" if execution is None else f", execution success {execution:.0%}")
        + f". Results: {out / 'results.json'}, {out / 'report.md'}, {out / 'scores.png'}",
        soft_wrap=True,
    )


if __name__ == "__main__":
    from saycan.overrides import check_overrides

    check_overrides("eval")
    main()
