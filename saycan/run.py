"""`python -m saycan.run "clean the spill"`: plan and execute one instruction, with a score table per step."""

from __future__ import annotations

from omegaconf import DictConfig, OmegaConf

from saycan.cli import Context, command

MISSING_INSTRUCTION = 'no instruction: pass one, e.g. python -m saycan.run "clean the spill" (or instruction="...")'


@command("config", text_keys=("instruction", "goal", "suite", "trace"), positional="instruction",
         hints={"instruction": MISSING_INSTRUCTION})  # fmt: skip
def main(cfg: DictConfig, ctx: Context) -> None:
    """Plan and execute ``cfg.instruction``; the trace goes to Hydra's run directory."""
    from saycan import factory
    from saycan.planner.display import print_summary, step_table, terminal_answer
    from saycan.planner.settings import clean_instruction
    from saycan.planner.trace import TraceWriter
    from saycan.world.scene import scene_definition

    instruction = clean_instruction(cfg.instruction)  # before any model loads
    scene = factory.scene(cfg)
    goal = factory.goal(cfg, scene)
    planner = factory.planner(cfg)
    env = factory.env(cfg, scene)
    trace_path = ctx.out / cfg.trace
    writer = TraceWriter(trace_path)
    try:
        trace = planner.plan(
            instruction,
            env,
            goal=goal,
            scene=scene.name,
            writer=writer,
            on_step=lambda step: ctx.console.print(step_table(step, cfg.planner.print_top_k)),
            ask=terminal_answer(ctx.console),
            meta={
                "llm": cfg.llm.id,
                "affordance": cfg.affordance.id,
                "env": OmegaConf.to_container(cfg.env, resolve=True),
                "executor": cfg.executor.id,
                "skills_library": cfg.skills.library,
                "scene_def": scene_definition(scene),
            },
        )
    finally:
        writer.close()
        env.close()
    print_summary(ctx.console, trace, str(trace_path))


if __name__ == "__main__":
    main()
