"""`python -m saycan.run "clean the spill"`: plan and execute one instruction, with a score table per step."""

from __future__ import annotations

import sys

from omegaconf import DictConfig

from saycan.cli import Context, command

# A goal was given (goal=, or the suite's) and the plan ended without it, or the plan stopped "failed: <why>"
# (no way to the goal left after a failure); errors exit 2.
GOAL_NOT_REACHED_EXIT = 1
NOT_POSSIBLE_EXIT = 3  # the request names something the scene lacks: the robot said so and did nothing
MISSING_INSTRUCTION = 'no instruction: pass one, e.g. python -m saycan.run "clean the spill" (or instruction="...")'


@command("config", text_keys=("instruction", "goal", "suite", "trace"), positional="instruction",
         hints={"instruction": MISSING_INSTRUCTION})  # fmt: skip
def main(cfg: DictConfig, ctx: Context) -> None:
    """Plan and execute ``cfg.instruction``; the trace goes to Hydra's run directory.

    Exits 1 when a goal is known and not reached or the plan stopped failed, 2 on bad input or an
    unreachable executor, 3 when the request names something the scene lacks (nothing done), else 0.
    """
    from saycan import factory
    from saycan.planner.display import print_request, print_summary, step_table, terminal_answer
    from saycan.planner.recovery import FAILED
    from saycan.planner.settings import clean_instruction
    from saycan.run_request import run_request, trace_header

    instruction = clean_instruction(cfg.instruction)  # before any model loads
    if cfg.gui:
        from saycan.sim.kitchen import require_display

        require_display()
    scene = factory.scene(cfg)
    goal = factory.goal(cfg, scene)
    planner = factory.planner(cfg)
    env = factory.env(cfg, scene)
    trace_path = ctx.out / cfg.trace
    trace = run_request(
        planner, instruction, env, trace_path, scene=scene, goal=goal, header=trace_header(cfg, scene),
        on_step=lambda step: ctx.console.print(step_table(step, cfg.planner.print_top_k)),
        ask=terminal_answer(ctx.console), on_start=lambda trace: print_request(ctx.console, trace),
    )  # fmt: skip
    print_summary(ctx.console, trace, str(trace_path))
    if trace.stop_reason == "not_possible":
        sys.exit(NOT_POSSIBLE_EXIT)
    if (trace.goal is not None and not trace.goal_reached) or trace.stop_reason.startswith(FAILED):
        sys.exit(GOAL_NOT_REACHED_EXIT)


if __name__ == "__main__":
    main()
