"""Rich terminal output: the per-step score table and the final plan."""

from __future__ import annotations

import shlex

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.prompt import IntPrompt
from rich.table import Table

from saycan.planner.missing import SUBSTITUTE
from saycan.planner.trace import PlanTrace, ScoredOption, Step


def step_table(step: Step, top_k: int = 5) -> RenderableType:
    """The step's top-k candidates by combined score, with LLM, affordance, pay (when used) and combined
    columns; a line under it when Pay held "done" back (``planner.done_gate``)."""
    status = "[green]ok[/]" if step.success else f"[red]failed[/] ({escape(step.message)})"
    retry = " (retry)" if step.chosen_by == "retry" else ""
    title = f"Step {step.index}: {escape(step.chosen)}{retry} -> {status}"
    table = Table(title=title, title_justify="left")
    table.add_column("skill")
    table.add_column("LLM score", justify="right")
    table.add_column("affordance", justify="right")
    with_pay = any(o.pay != 1.0 for o in step.options)
    if with_pay:
        table.add_column("pay", justify="right")
    table.add_column("combined", justify="right")
    for option in sorted(step.options, key=lambda o: -o.combined)[:top_k]:
        style = "bold" if option.text == step.chosen else ""
        pay = [f"{option.pay:.3f}"] if with_pay else []
        cells = [escape(option.text), f"{option.llm:.3f}", f"{option.affordance:.2f}", *pay, f"{option.combined:.3f}"]
        table.add_row(*cells, style=style)
    llm_s, exec_s = step.timings.get("llm_s", 0.0), step.timings.get("execute_s", 0.0)
    sim = f" ({step.info['sim_s']:.1f} s simulated)" if "sim_s" in step.info else ""
    table.caption = f"{len(step.options)} candidates, LLM {llm_s:.2f} s, execute {exec_s:.2f} s{sim}"
    if step.info.get("done_gated"):
        p_done = step.info.get("p_done", 0.0)
        return Group(table, f'"done" held back: Pay gives p(the request is done) {p_done:.2f} (planner.done_gate)')
    return table


def terminal_answer(console: Console):
    """An ``ask`` callback (`saycan.planner.ask.Answer`) that shows the set as a numbered list and reads
    the choice from stdin; at end of input it raises EOFError (nobody to ask: ``planner.ask_fallback``)."""

    def answer(options: list[ScoredOption]) -> ScoredOption | None:
        if options and options[0].skill == SUBSTITUTE:
            console.print("[bold]That is not here. Shall I take one of these instead?[/]")
        else:
            console.print("[bold]I am not sure which step is right. Which one?[/]")
        for i, option in enumerate(options, 1):
            console.print(f"  {i}. {escape(option.text)}  (score {option.combined:.2f})")
        console.print("  0. none of these: stop")
        choices = [str(i) for i in range(len(options) + 1)]
        picked = IntPrompt.ask("Your choice", console=console, choices=choices, show_choices=False)
        return options[picked - 1] if picked else None

    return answer


def shell_quote(text: str) -> str:
    """``text`` as one shell word: in double quotes when that is safe (the usual request), else single-quoted."""
    return f'"{text}"' if not set(text) & set('"$`\\!') else shlex.quote(text)


STOPS = {  # stop reasons, in words
    "unsure": "No next step was likely enough to be right (an empty prediction set), so the robot stopped.",
    "stopped_by_person": "You chose 'none of these'.",
    "needs_help": "Several steps could be right and nobody was there to ask (planner.ask_fallback=stop).",
    "not_possible": "The request names something this scene does not have or an action no skill does, so the robot "
    "did nothing (see the warning).",
}


def print_request(console: Console, trace: PlanTrace) -> None:
    """The request as typed and as the planner read it, when the two differ (translated, or another object
    taken instead); nothing otherwise. Printed before the first step and again in the summary."""
    if "read_as" in trace.meta:
        language = trace.meta.get("language")
        source = f", from {language}" if language else ""
        read = escape(str(trace.meta["read_as"]))
        console.print(f"[bold]Request:[/] {escape(trace.instruction)} (read as{source}: {read})", soft_wrap=True)


def print_summary(console: Console, trace: PlanTrace, trace_path: str) -> None:
    """The request as the planner read it (`print_request`), the plan, whether the goal was reached (or how
    to pass one), and where the trace is."""
    print_request(console, trace)
    plan = " ".join(f"{i}. {s.chosen}" + ("" if s.success else " (failed)") for i, s in enumerate(trace.steps, 1))
    console.print(f"[bold]Plan:[/] {escape(plan)}", soft_wrap=True)
    if trace.stop_reason != "done":
        console.print(f"[yellow]Stopped after {len(trace.steps)} steps ({escape(trace.stop_reason)}) without 'done'[/]")
        why = STOPS.get(trace.stop_reason)
        if why:
            console.print(f"[yellow]{why}[/]")
    if trace.goal is None:
        objects = trace.meta.get("scene_def", {}).get("objects") or {"apple": ""}
        example = f'python -m saycan.run {shell_quote(trace.instruction)} goal="at({next(iter(objects))}, you)"'
        console.print("Goal: not known for this instruction; to check one, run e.g.", soft_wrap=True)
        console.print(f"  {example}", markup=False, highlight=False, soft_wrap=True)
    elif trace.goal_reached:
        console.print(f"Goal {trace.goal}: [green]reached[/]")
    else:
        console.print(f"Goal {trace.goal}: [red]not reached[/]")
    console.print(f"Trace: {escape(str(trace_path))}", soft_wrap=True)  # whole on one line, to copy
