"""`python -m saycan.replay trace=PATH`: replay a plan trace in the PyBullet kitchen, as a video or in a window."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import DictConfig

from saycan.cli import Context, command


def replay(
    trace_path: str | Path,
    *,
    seed: int | None = None,
    gui: bool = False,
    frame_every: int = 12,
    size: tuple[int, int] = (512, 384),
    on_step: Callable[[int, str, bool, bool], None] | None = None,
) -> list[np.ndarray]:
    """Re-execute a trace's chosen skills in a fresh kitchen and return the annotated frames.

    The kitchen is rebuilt from the scene stored in the trace, with the seed, noise and forced
    failures it was recorded with (``seed`` overrides the seed), so the same trace and seed give
    the same frames. Each step yields ``1 + sim_steps // frame_every`` frames.

    Args:
        on_step: Called with (index, skill text, success in the replay, success in the trace).

    Returns:
        Frames, each (height, width, 3) uint8; empty when ``frame_every`` is 0 (GUI only).
    """
    from saycan import factory
    from saycan.errors import ConfigError
    from saycan.planner.trace import read_trace
    from saycan.sim.kitchen import TIME_STEP
    from saycan.sim.video import annotate
    from saycan.skill import Option, import_library, make
    from saycan.world.scene import scene_from_dict

    trace = read_trace(trace_path)
    scene_def = trace.meta.get("scene_def")
    if scene_def is None:
        raise ConfigError(f"trace {str(trace_path)!r} does not record its scene (meta.scene_def); re-run saycan.run")
    scene = scene_from_dict(scene_def, source=f"{trace_path} (meta.scene_def)")
    import_library(trace.meta.get("skills_library", "skills"))  # traces before it was recorded: the kitchen skills
    recorded: dict[str, Any] = trace.meta.get("env") if isinstance(trace.meta.get("env"), dict) else {}
    sim_cfg = recorded if recorded.get("id") == "pybullet" else {}  # a symbolic trace replays with sim defaults
    frames: list[np.ndarray] = []
    label = [""]
    env: Any

    def capture() -> None:
        if gui:
            time.sleep(frame_every * TIME_STEP)  # watch at about real time
        if frame_every:
            frames.append(annotate(env.sim.overview(*size), label[0]))

    env_cfg = {
        "_target_": "saycan.envs.make",
        "id": "pybullet",
        "seed": sim_cfg.get("seed", 0) if seed is None else seed,
        "noise": sim_cfg.get("noise", 0.0),
        "force_failures": sim_cfg.get("force_failures"),
    }
    env = factory.env_from(env_cfg, scene, gui=gui, frame_every=frame_every, on_frame=capture)
    try:
        for step in trace.steps:
            label[0] = f"{step.index}. {step.chosen}"
            env.sim.frame_origin = env.sim.steps
            capture()
            result = env.execute(make(step.skill), Option(step.chosen, step.skill, tuple(sorted(step.args.items()))))
            if on_step:
                on_step(step.index, step.chosen, result.success, step.success)
    finally:
        env.close()
    return frames


@command("replay", text_keys=("trace", "video"))
def main(cfg: DictConfig, ctx: Context) -> None:
    """Replay ``cfg.trace`` into a video next to it, or in a window."""
    from saycan.sim.video import check_video_path, write_video

    trace_path = Path(cfg.trace)
    if cfg.gui:
        from saycan.sim.kitchen import require_display

        require_display()
    video = None
    if cfg.video or not cfg.gui:
        video = check_video_path(cfg.video or trace_path.with_name("replay.mp4"))

    def report(index: int, text: str, ok: bool, recorded: bool) -> None:
        same = "" if ok == recorded else f" [yellow](recorded: {'ok' if recorded else 'failed'})[/]"
        ctx.console.print(f"{index}. {text} -> {'[green]ok[/]' if ok else '[red]failed[/]'}{same}")

    frames = replay(
        trace_path,
        seed=cfg.seed,
        gui=cfg.gui,
        frame_every=cfg.frame_every if video else 0,
        size=(cfg.width, cfg.height),
        on_step=report,
    )
    if video:
        write_video(video, frames, cfg.fps)
        ctx.console.print(f"Video: {video} ({len(frames)} frames)", soft_wrap=True)


if __name__ == "__main__":
    main()
