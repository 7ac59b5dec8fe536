"""`python -m saycan.replay trace=PATH`: replay a plan trace in the PyBullet kitchen, as a video or in a window."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hydra
import numpy as np
from omegaconf import DictConfig

from saycan.resources import conf_dir


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
    import skills
    from saycan.scene import scene_from_dict
    from saycan.sim.env import KitchenEnv
    from saycan.sim.kitchen import TIME_STEP
    from saycan.sim.video import annotate
    from saycan.trace import read_trace
    from skills.skill import Option

    trace = read_trace(trace_path)
    scene_def = trace.meta.get("scene_def")
    if scene_def is None:
        from saycan.errors import ConfigError

        raise ConfigError(f"trace {str(trace_path)!r} does not record its scene (meta.scene_def); re-run saycan.run")
    scene = scene_from_dict(scene_def, source=f"{trace_path} (meta.scene_def)")
    env_cfg: dict[str, Any] = trace.meta.get("env") if isinstance(trace.meta.get("env"), dict) else {}
    sim_cfg = env_cfg if env_cfg.get("id") == "pybullet" else {}
    frames: list[np.ndarray] = []
    label = [""]
    env: KitchenEnv

    def capture() -> None:
        if gui:
            time.sleep(frame_every * TIME_STEP)  # watch at about real time
        if frame_every:
            frames.append(annotate(env.sim.overview(*size), label[0]))

    env = KitchenEnv(
        scene,
        gui=gui,
        seed=sim_cfg.get("seed", 0) if seed is None else seed,
        noise=sim_cfg.get("noise", 0.0),
        force_failures=sim_cfg.get("force_failures"),
        frame_every=frame_every,
        on_frame=capture,
    )
    try:
        for step in trace.steps:
            label[0] = f"{step.index}. {step.chosen}"
            env.sim.frame_origin = env.sim.steps
            capture()
            result = env.execute(
                skills.make(step.skill), Option(step.chosen, step.skill, tuple(sorted(step.args.items())))
            )
            if on_step:
                on_step(step.index, step.chosen, result.success, step.success)
    finally:
        env.close()
    return frames


@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="replay")
def main(cfg: DictConfig) -> None:
    from rich.console import Console

    from saycan.errors import ConfigError, exit_on_user_error
    from saycan.sim.video import check_video_path, write_video

    console = Console()
    try:
        trace_path = Path(cfg.trace)
        video = None
        if cfg.video or not cfg.gui:
            video = check_video_path(cfg.video or trace_path.with_name("replay.mp4"))

        def report(index: int, text: str, ok: bool, recorded: bool) -> None:
            same = "" if ok == recorded else f" [yellow](recorded: {'ok' if recorded else 'failed'})[/]"
            console.print(f"{index}. {text} -> {'[green]ok[/]' if ok else '[red]failed[/]'}{same}")

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
            console.print(f"Video: {video} ({len(frames)} frames)", soft_wrap=True)
    except ConfigError as exc:
        exit_on_user_error(console, exc)


if __name__ == "__main__":
    main()
