"""`python -m saycan.eval suite=PATH out=DIR`: run a task suite; write results.json, report.md, scores.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from saycan.cli import Context, command


@command("eval", text_keys=("suite", "out"))
def main(cfg: DictConfig, ctx: Context) -> None:
    """Run every task of the suite not yet in ``out``, appending each row as it finishes."""
    from functools import partial

    from omegaconf import OmegaConf

    from saycan import factory
    from saycan.cli.progress import progress_bar
    from saycan.eval.harness import TASKS_FILE, append_rows, finished_tasks
    from saycan.eval.report import write_report, write_results
    from saycan.eval.workers import build_runner, load_eval_suite
    from saycan.storage.jsonl import read_rows
    from saycan.storage.resources import suites_dir

    out = Path(cfg.out) if cfg.out else ctx.out
    suite_path = Path(cfg.suite) if cfg.suite else suites_dir() / "kitchen.yaml"
    suite = load_eval_suite(suite_path, cfg.eval.scene)  # every task checked before anything runs
    order = [t.id for t in suite.tasks]
    done = finished_tasks(out, cfg.resume) & set(order)  # checked before the LLM loads
    rows = [r for r in read_rows(out / TASKS_FILE, ("id",)) if r["id"] in done]  # kept in memory from here on
    meta = {"suite": suite.name, **(asking(cfg) or {})}
    pool = factory.pool(cfg)  # local: here, in order; ray: actors that each load the planner once
    plain = OmegaConf.to_container(cfg, resolve=True)  # crosses to Ray actors as plain data
    build = partial(build_runner, plain, str(suite_path.resolve()), str(out.resolve()))
    with progress_bar(ctx.console) as progress:
        bar = progress.add_task(f"{suite.name}", total=len(order), completed=len(rows))
        for row in append_rows(suite, out, True, lambda ids: pool.eval_rows(build, ids)):
            rows.append(row)
            status = "error: " + row["error"] if row["error"] else ("ok" if row["plan_success"] else "fail")
            progress.console.print(f"{row['id']:>6s} {row['family']:12s} {status}  {row['instruction']}")
            rate = sum(bool(r["plan_success"]) for r in rows) / len(rows)
            progress.update(bar, advance=1, description=f"{suite.name}: plan success {rate:.0%}")
            write_results(out, rows, order, meta)
    summary = write_results(out, rows, order, meta)
    write_report(out, f"{suite.name}: llm={cfg.llm.id} affordance={cfg.affordance.id} env={cfg.env.id}")
    execution = summary["execution_success"]
    for language, rates in summary.get("by_language", {}).items():
        ctx.console.print(f"  {language}: plan success {rates['plan_success']:.0%} over {rates['n']} tasks")
    ctx.console.print(
        f"Plan success {summary['plan_success']:.0%} over {summary['n']} tasks"
        + ("" if execution is None else f", execution success {execution:.0%}")
        + f". Results: {out / 'results.json'}, {out / 'report.md'}, {out / 'scores.png'}",
        soft_wrap=True,
    )


def asking(cfg: DictConfig) -> dict[str, Any] | None:
    """With ``planner.ask=conformal``: the epsilon and q_hat its sets are made with (checked before anything loads)."""
    from saycan import factory
    from saycan.planner.ask import HelpPolicy

    settings = factory.planner_settings(cfg)
    if settings.ask != "conformal":
        return None
    cal = HelpPolicy(settings.calibration, settings.ask_fallback, settings.epsilon, settings.ask_set).calibration
    return {"epsilon": cal.epsilon, "qhat": cal.qhat, "ask_set": cal.rule, "ask_when": settings.ask_when}


if __name__ == "__main__":
    main()
