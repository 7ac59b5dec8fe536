"""`python -m saycan.eval suite=PATH out=DIR`: run a task suite; write results.json, report.md, scores.png."""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig

from saycan.cli import Context, command


@command("eval", text_keys=("suite", "out"))
def main(cfg: DictConfig, ctx: Context) -> None:
    """Run every task of the suite not yet in ``out``, appending each row as it finishes."""
    from saycan import factory
    from saycan.cli.progress import progress_bar
    from saycan.eval.harness import TASKS_FILE, finished_tasks, run_suite
    from saycan.eval.report import write_report, write_results
    from saycan.storage.jsonl import read_rows
    from saycan.storage.resources import conf_dir, suites_dir
    from saycan.world.scene import load_scene
    from saycan.world.suite import load_suite

    out = Path(cfg.out) if cfg.out else ctx.out
    suite_path = Path(cfg.suite) if cfg.suite else suites_dir() / "kitchen.yaml"
    scenes = {p.stem: load_scene(p) for p in sorted((conf_dir() / "scene").glob("*.yaml"))}
    suite = load_suite(suite_path, scenes)  # every task checked before anything runs
    order = [t.id for t in suite.tasks]
    done = finished_tasks(out, cfg.resume) & set(order)  # checked before the LLM loads
    rows = [r for r in read_rows(out / TASKS_FILE) if r["id"] in done]  # kept in memory from here on
    # No task is answered by its own wording or a near-copy of it (saycan.planner.holdout).
    held_out = [t.instruction for t in suite.tasks]
    planner = factory.planner(cfg, held_out=held_out, holdout_similarity=cfg.eval.holdout_similarity)
    cal = planner.help.calibration if planner.help else None
    ask = {"epsilon": cal.epsilon, "qhat": cal.qhat} if cal else None
    with progress_bar(ctx.console) as progress:
        bar = progress.add_task(f"{suite.name}", total=len(order), completed=len(rows))
        for row in run_suite(suite, planner, lambda t: factory.env(cfg, t.scene), out, True):
            rows.append(row)
            status = "error: " + row["error"] if row["error"] else ("ok" if row["plan_success"] else "fail")
            progress.console.print(f"{row['id']:>6s} {row['family']:12s} {status}  {row['instruction']}")
            rate = sum(bool(r["plan_success"]) for r in rows) / len(rows)
            progress.update(bar, advance=1, description=f"{suite.name}: plan success {rate:.0%}")
            write_results(out, rows, order, ask)
    summary = write_results(out, rows, order, ask)
    write_report(out, summary, f"{suite.name}: llm={cfg.llm.id} affordance={cfg.affordance.id} env={cfg.env.id}")
    execution = summary["execution_success"]
    ctx.console.print(
        f"Plan success {summary['plan_success']:.0%} over {summary['n']} tasks"
        + ("" if execution is None else f", execution success {execution:.0%}")
        + f". Results: {out / 'results.json'}, {out / 'report.md'}, {out / 'scores.png'}",
        soft_wrap=True,
    )


if __name__ == "__main__":
    main()
