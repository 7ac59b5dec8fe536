"""Run every task of a suite, appending each result as it finishes so a killed run loses nothing."""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from saycan.envs.base import PlanEnv
from saycan.envs.symbolic import SymbolicEnv
from saycan.errors import ConfigError
from saycan.eval.judge import Verdict, judge, moved
from saycan.eval.person import SimulatedPerson
from saycan.planner.loop import SayCanPlanner
from saycan.planner.trace import PlanTrace
from saycan.run_request import run_request
from saycan.storage.jsonl import open_for_append, read_rows
from saycan.world.state import SymbolicWorld
from saycan.world.suite import Suite, Task

TASKS_FILE = "tasks.jsonl"


def tools(planner: SayCanPlanner) -> set[str]:
    """Objects the planner's skills use as tools (the wiping tool ``clean`` needs)."""
    return {str(s.params["tool"]) for s in planner.skills.values() if "tool" in s.params}


def judge_plan(planner: SayCanPlanner, task: Task, trace: PlanTrace) -> Verdict:
    """The plan's steps replayed in the symbolic world from the task's start, judged (`judge_task`)."""
    env = SymbolicEnv(task.scene)
    for step in trace.steps:
        if step.success:  # failed attempts had no effect in the world they ran in
            option = next(o for o in planner.candidates(env.world) if o.text == step.chosen)
            env.execute(planner.skills[option.skill], option)
    return judge_task(planner, task, trace, env.world)


def judge_task(planner: SayCanPlanner, task: Task, trace: PlanTrace, world: SymbolicWorld) -> Verdict:
    """The plan's end state ``world`` judged by the task's clauses (`saycan.eval.judge`); a task that expects
    a refusal (``expect: not_possible``) succeeds only when the plan stopped so and moved nothing."""
    if task.expect:
        changed = moved(task.scene, world)
        refused = trace.stop_reason == task.expect and not changed
        return Verdict(refused, refused, changed)
    return judge(task.goal, task.scene, world, trace.finished, tools(planner), task.may_move)


def run_task(
    planner: SayCanPlanner,
    task: Task,
    make_env: Callable[[Task], PlanEnv],
    traces: Path,
    header: Callable[[Task], Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """One task's result row (never raises: a crash is recorded with its error).

    Args:
        header: The task's trace header (`saycan.run_request.trace_header`); None: an empty one.
    """
    start = time.perf_counter()
    row: dict[str, Any] = {
        "id": task.id, "family": task.family, "language": task.language, "instruction": task.instruction, "plan": [],
        "plan_success": False, "goal_reached": False, "side_effects": [], "execution_success": None, "steps": 0,
        "seconds": 0.0, "error": None,
    }  # fmt: skip
    try:
        row.update(plan_row(planner, task, make_env, traces, header(task) if header else {}))
    except Exception as exc:  # any crash of one task is recorded, and the run goes on
        row["error"] = f"{type(exc).__name__}: {exc}"
        row["traceback"] = traceback.format_exc(limit=5)
    row["seconds"] = round(time.perf_counter() - start, 3)
    return row


def plan_row(
    planner: SayCanPlanner, task: Task, make_env: Callable[[Task], PlanEnv], traces: Path, header: Mapping[str, Any]
) -> dict[str, Any]:
    """Plan the task in a fresh env and judge it: the row's plan, success, side effects and hold-out figures."""
    row: dict[str, Any] = {}
    env = make_env(task)
    try:
        person = SimulatedPerson(task, planner, env) if planner.asks else None
        trace = run_request(planner, task.instruction, env, traces / f"{task.id}.jsonl", scene=task.scene,
                            goal=task.goal, header=header, ask=person, keep_env=True)  # fmt: skip
        if env.sim is not None:  # executed in a simulator: the same rule on the physical end state
            executed = judge_task(planner, task, trace, env.world)
            row["execution_success"] = executed.success
            row["execution_side_effects"] = executed.side_effects
    finally:
        env.close()
    row["plan"], row["steps"] = trace.plan, len(trace.steps)
    if "read_as" in trace.meta:  # translated (planner.translate=llm), or another object taken instead
        row["read_as"] = trace.meta["read_as"]
    if planner.asks:  # planner.ask=conformal: how often it asked, and how large its sets were
        sizes = [s.info["set_size"] for s in trace.steps if "set_size" in s.info]
        row["questions"] = sum(len(q.options) > 1 for q in trace.questions)
        row["question_kinds"] = person.kinds if person else []
        row["set_size"] = sum(sizes) / len(sizes) if sizes else None
        row["acted_alike"] = sum("set_alike" in s.info for s in trace.steps)  # sets not asked about (ask_when)
        row["stop_reason"] = trace.stop_reason
    first = SymbolicEnv(task.scene).world
    row["nearest_example"], row["similarity"] = planner.nearest_example(task.instruction, first)
    if planner.pay is not None:  # how near Pay's training requests came to this task
        row["nearest_training"], row["training_similarity"] = planner.nearest_training(task.instruction)
    verdict = judge_plan(planner, task, trace)
    row["plan_success"], row["goal_reached"], row["side_effects"] = (
        verdict.success, verdict.goal_reached, verdict.side_effects
    )  # fmt: skip
    return row


def finished_tasks(out: Path, resume: bool) -> set[str]:
    """Ids of the tasks ``out`` already holds; with ``resume`` off, any is an error (nothing is overwritten)."""
    done = {row["id"] for row in read_rows(out / TASKS_FILE, ("id",))}
    if done and not resume:
        raise ConfigError(f"{out} already holds results of {len(done)} tasks; pass resume=true or another out=")
    return done


class TaskRunner:
    """One worker's planner over a suite: the row of any of its tasks, by id (in this process or a Ray actor).

    Args:
        header: A task's trace header (`saycan.run_request.trace_header`); None: an empty one.
    """

    def __init__(
        self,
        planner: SayCanPlanner,
        suite: Suite,
        make_env: Callable[[Task], PlanEnv],
        out: Path,
        header: Callable[[Task], Mapping[str, Any]] | None = None,
    ) -> None:
        self.planner, self.make_env, self.traces, self.header = planner, make_env, Path(out) / "traces", header
        self.tasks = {t.id: t for t in suite.tasks}

    def run(self, task_id: str) -> dict[str, Any]:
        return run_task(self.planner, self.tasks[task_id], self.make_env, self.traces, self.header)


def append_rows(
    suite: Suite, out: Path, resume: bool, rows_of: Callable[[list[str]], Iterable[dict[str, Any]]]
) -> Iterator[dict[str, Any]]:
    """Rows of the suite's tasks not yet in ``out/tasks.jsonl``, each appended as it arrives (in any order).

    Args:
        rows_of: The rows of the given task ids, in any order (a pool's ``eval_rows``).

    Raises:
        ConfigError: ``out`` already holds results and ``resume`` is off (nothing is overwritten).
    """
    done = finished_tasks(out, resume)
    todo = [t.id for t in suite.tasks if t.id not in done]
    with ExitStack() as stack:
        results = None  # opened with the first row: a run that fails before it (no Ray, say) leaves no out
        for row in rows_of(todo):
            if results is None:
                out.mkdir(parents=True, exist_ok=True)
                results = stack.enter_context(open_for_append(out / TASKS_FILE))
            results.write(json.dumps(row) + "\n")
            results.flush()
            yield row


def run_suite(
    suite: Suite, planner: SayCanPlanner, make_env: Callable[[Task], PlanEnv], out: Path, resume: bool
) -> Iterator[dict[str, Any]]:
    """Run the suite's tasks not yet in ``out/tasks.jsonl`` here, in order, appending each row as it finishes
    (traces with an empty header: `build_runner` gives the command's its run's)."""
    runner = TaskRunner(planner, suite, make_env, out)
    return append_rows(suite, out, resume, lambda ids: (runner.run(task_id) for task_id in ids))
