"""Rollouts for value learning: kitchen skills run in the sim from random start states, labelled by detectors."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from saycan.parallel.episodes import run_episodes
from saycan.storage.jsonl import read_rows

SKILLS_PER_EPISODE = 8
MAX_NOISE = 0.3


def random_init(scene, rng: np.random.Generator) -> dict[str, Any]:
    """A start state: robot place, object places (within each surface's capacity), hand contents."""
    from saycan.sim.layout import layout_stations

    capacity = {loc: len(st.slots()) for loc, st in layout_stations(scene.locations).items()}
    objects = {}
    for obj in scene.objects:
        open_ = [loc for loc in scene.locations if capacity[loc] > 0]
        loc = str(rng.choice(open_))
        capacity[loc] -= 1
        objects[obj] = loc
    holding = str(rng.choice(list(scene.objects))) if rng.random() < 0.4 else None
    return {"robot_at": str(rng.choice(list(scene.locations))), "holding": holding, "objects": objects}


def run_episode(scene_def: dict[str, Any], episode: int, seed: int, library: str = "skills") -> list[dict[str, Any]]:
    """Attempt `SKILLS_PER_EPISODE` skills from one random start; half drawn from those the
    state-based value function deems feasible, so both outcomes are well represented.

    ``library`` is the skill library whose every skill is tried (`saycan.skill.import_library`).
    """
    from saycan.affordance.features import from_sim
    from saycan.envs.pybullet import KitchenEnv
    from saycan.skill import make_library
    from saycan.world.scene import scene_from_dict

    rng = np.random.default_rng([seed, episode])
    base = scene_from_dict(scene_def)
    init = random_init(base, rng)
    noise = float(rng.uniform(0, MAX_NOISE))
    env = KitchenEnv(base.with_init(init), seed=int(rng.integers(2**31)), noise=noise)
    skills = {s.id: s for s in make_library(library=library) if not s.terminal}
    options = [o for s in skills.values() for o in s.options(env.world)]
    samples = []
    try:
        for _ in range(SKILLS_PER_EPISODE):
            feasible = [o for o in options if skills[o.skill].value(env.world, **o.kwargs) > 0]
            pool = feasible if feasible and rng.random() < 0.5 else options
            option = pool[int(rng.integers(len(pool)))]
            tokens = from_sim(env)
            result = env.execute(skills[option.skill], option)
            samples.append(
                {
                    "episode": episode,
                    "text": option.text,
                    "skill": option.skill,
                    "label": bool(result.success),
                    "noise": noise,
                    "names": tokens.names,
                    "features": tokens.features.round(4).tolist(),
                    "globals": tokens.globals.tolist(),
                }
            )
    finally:
        env.close()
    return samples


def done_episodes(path: Path) -> set[int]:
    """Episodes already in ``path`` (a torn last line from a killed run is ignored)."""
    return {r["episode"] for r in read_rows(path) if "episode" in r}


def collect(
    scene_def: dict[str, Any], path: Path, episodes: int, seed: int, pool: Any, library: str = "skills"
) -> Iterator[int]:
    """Run the episodes not yet in ``path`` on ``pool`` (`saycan.parallel`), appending each one's samples as
    it finishes.

    Yields the number of samples each finished episode added (for a progress bar). Episode e
    is seeded by (seed, e), so a resumed run yields the same data as an uninterrupted one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    done = done_episodes(path)
    todo = [e for e in range(episodes) if e not in done]
    for samples in run_episodes(path, todo, partial(run_episode, scene_def, seed=seed, library=library), pool):
        yield len(samples)
