"""Scripted demonstrations of the arm skills, recorded in the sim and kept on disk as episodes.

An episode is ``DIR/episodes/NNNNN.npz`` (``images``: (T, 112, 112, 3) uint8 head-camera frames,
``actions``: (T, 7) float32 base-frame end-effector deltas, gripper +1 open) plus one line in
``DIR/episodes.jsonl`` (``episode``, ``skill``, ``text``, ``steps``, ``success``), appended only
after its arrays are on disk, so a killed run resumes where it stopped.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from saycan.parallel.episodes import run_episodes
from saycan.storage.jsonl import read_rows
from saycan.vla.image import STORE_SIZE, resize

if TYPE_CHECKING:
    from saycan.envs.pybullet import KitchenEnv

MAX_STEPS = 60
DART_SIGMA = 0.012  # metres of noise on executed (not recorded) moves, so demos show how to recover


@dataclass(frozen=True)
class DemoMix:
    """What the demos are made of: shares of the episodes, and where scattered starts put things.

    Attributes:
        put_down: Put-down episodes, in [0, 1]; the rest pick up.
        layout: Episodes that start as a plan's skills do, in [0, 1]: every object where the scene file
            puts it (four to a counter where it says so) and the robot driven to the place by the scripted
            `go to`, arm tucked; the rest scatter the objects and dock the robot. The user's robot works in
            that layout and arrives that way; a policy trained only on docked starts fails some of them.
        any_slot: Scattered starts put each object in any free slot of its surface, not the nearest free
            one. With nearest slots the demos rarely show a thing at a surface's far end, where a user's
            own layout (or the kitchen's, four to a counter) puts things.
        crowd: Scattered episodes, in [0, 1], whose skill place is crowded: other things are moved there
            until it holds `CROWD` things, the skill's own included. Scattered at random, a place holds
            one or two; the kitchen puts four on a counter, where pick-ups among them and put-downs
            beside them are what a policy trained on sparse places gets wrong.
        from_pick: Put-down episodes, in [0, 1], that start from a pick of their own (`carry`): the thing
            taken from its place by a scripted pick aimed off the grasp point as far as a policy's picks
            land, then driven to another place. The others start with the thing spawned in the hand at
            the grasp point, a grasp a policy's own pick rarely leaves; in a plan, a put-down follows one.
    """

    put_down: float = 0.35
    layout: float = 0.0
    any_slot: bool = False
    crowd: float = 0.0
    from_pick: float = 0.0


# How far off the grasp point the shipped checkpoint's own picks leave things (metres; 73 held-out picks,
# benchmarks/vla_skills.py states): the fingertips 1.7 cm (sd) above or below the grip depth, the thing's
# centre 1.5-1.7 cm (sd) off the hand's axis. `carry` aims its picks off by as much.
GRASP_SPREAD_XY = 0.016
GRASP_SPREAD_Z = (-0.02, 0.03)
AIM_AT = 0.015  # metres: an aimed-off pick closes this near its aim, not anywhere within the expert's 3 cm


CROWD = (4, 6)  # things at a crowded place, the skill's own included (fewer where fewer fit)


def _crowd(scene, init: dict[str, Any], place: str, keep: str, rng: np.random.Generator) -> dict[str, Any]:
    """``init`` with other things moved to ``place`` until it holds a drawn count in `CROWD`, ``keep`` (the
    skill's object, there or in the hand) counted. Things already there stay; the rest come from elsewhere."""
    from saycan.sim.layout import layout_stations

    room = len(layout_stations(scene.locations)[place].slots())
    objects = dict(init["objects"])
    here = [o for o, loc in objects.items() if loc == place and o != keep]
    want = min(int(rng.integers(CROWD[0], CROWD[1] + 1)), room) - 1  # besides the skill's own
    others = [o for o in objects if o != keep and o not in here]
    for obj in rng.permutation(others)[: max(want - len(here), 0)]:
        objects[str(obj)] = place
    return {**init, "objects": objects}


def _start(
    scene, skill: str, rng: np.random.Generator, as_laid_out: bool = False, crowded: bool = False
) -> tuple[dict[str, Any], str]:
    """A start state for ``skill``: objects scattered (or as the scene lays them out), the robot docked at a
    place, hand as the skill needs. Things are picked up from any place but the trash can, and put down at
    any place, the trash can included ("throw away the apple" ends with a put-down there). ``crowded``
    then fills the robot's place (`_crowd`); its draws come last, so uncrowded starts are as before."""
    from saycan.affordance.collect import random_init

    init = {"objects": dict(scene.objects)} if as_laid_out else random_init(scene, rng)
    if skill == "pick_up":
        candidates = [o for o, loc in init["objects"].items() if loc != scene.trash]
        obj = str(rng.choice(candidates))
        init = {**init, "holding": None, "robot_at": init["objects"][obj]}
    else:
        obj = str(rng.choice(list(scene.objects)))
        init = {**init, "holding": obj, "robot_at": str(rng.choice(list(scene.locations)))}
    return (_crowd(scene, init, init["robot_at"], obj, rng) if crowded else init), obj


def carry(env: KitchenEnv, obj: str, dest: str, rng: np.random.Generator) -> None:
    """Pick ``obj`` up from where the robot is, aimed off its grasp point by a draw as wide as a policy's own
    picks land (`GRASP_SPREAD_XY`, `GRASP_SPREAD_Z`; a plain pick if that one misses), lift it, drive to
    ``dest``. None of it is recorded: it only leaves the hand as a put-down in a plan finds it."""
    from saycan.vla.expert import YAW_OK, PickExpert

    xy = np.clip(rng.normal(0.0, GRASP_SPREAD_XY, 2), -2 * GRASP_SPREAD_XY, 2 * GRASP_SPREAD_XY)
    aimed = PickExpert(obj, (*xy, rng.uniform(*GRASP_SPREAD_Z)), turn=rng.uniform(-YAW_OK, YAW_OK), at=AIM_AT)
    for expert in (aimed, PickExpert(obj)):
        for _ in range(MAX_STEPS):
            if env.sim.held_name() == obj:
                break
            env.act(expert(env))
        if env.sim.held_name() == obj:
            break
    for _ in range(3):  # clear of the things beside it before the arm tucks
        env.act(expert(env))
    env.routine("go_to", location=dest)


def start_episode(
    scene_def: dict[str, Any],
    rng: np.random.Generator,
    mix: DemoMix = DemoMix(),
    layout_draw: float = 1.0,
    crowd_draw: float = 1.0,
    pick_draw: float = 1.0,
):
    """A random arm-skill episode ready to run: (KitchenEnv, skill id, object, skill text).

    ``layout_draw``, ``crowd_draw`` and ``pick_draw`` in [0, 1) are compared with ``mix.layout``, ``mix.crowd``
    and ``mix.from_pick``; each comes from a stream of its own, so the other episodes are the same whatever
    the shares.
    """
    from saycan.envs.pybullet import KitchenEnv
    from saycan.world.scene import scene_from_dict

    scene = scene_from_dict(scene_def)
    skill = str(rng.choice(["pick_up", "put_down"], p=[1 - mix.put_down, mix.put_down]))
    as_laid_out = layout_draw < mix.layout
    crowded = not as_laid_out and crowd_draw < mix.crowd
    from_pick = skill == "put_down" and pick_draw < mix.from_pick
    # A put-down from a pick of its own starts as a pick-up does; the crowd, if any, waits where it is carried.
    init, obj = _start(scene, "pick_up" if from_pick else skill, rng, as_laid_out, crowded and not from_pick)
    place = init["robot_at"]
    dest = str(rng.choice([loc for loc in scene.locations if loc != place])) if from_pick else None
    if dest is not None and crowded:
        init = _crowd(scene, init, dest, obj, rng)
    if as_laid_out:  # arrive as in a plan, driven there by find or go to (arm tucked), not docked at the start
        init = {**init, "robot_at": str(rng.choice([loc for loc in scene.locations if loc != place]))}
    shuffle = mix.any_slot and not as_laid_out
    env = KitchenEnv(scene.with_init(init), seed=int(rng.integers(2**31)), shuffle_slots=shuffle)
    if as_laid_out:
        env.routine("go_to", location=place)
    if dest is not None:
        carry(env, obj, dest, rng)
    if skill == "pick_up" and rng.random() < 0.5:  # the gripper may still be turned from an earlier box grasp
        for _ in range(8):
            env.act(np.array([0, 0, 0, 0, 0, math.pi / 16, 1.0]))
    text = f"{'pick up' if skill == 'pick_up' else 'put down'} the {obj}"
    return env, skill, obj, text


def run_demo(
    scene_def: dict[str, Any], episode: int, seed: int, mix: DemoMix = DemoMix()
) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """Record one expert episode, seeded by (seed, episode). Returns (metadata, images, actions)."""
    from saycan.sim import detectors
    from saycan.vla.expert import EXPERTS

    rng = np.random.default_rng([seed, episode])
    layout_draw, crowd_draw, pick_draw = (float(np.random.default_rng([seed, episode, k]).random()) for k in (1, 2, 3))
    env, skill, obj, text = start_episode(scene_def, rng, mix, layout_draw, crowd_draw, pick_draw)
    try:
        sim = env.sim
        here = sim.robot_station()
        expert = EXPERTS[skill](obj)
        sigma = DART_SIGMA * float(rng.random() < 0.7)
        images, actions, success = [], [], False
        for _ in range(MAX_STEPS):
            images.append(resize(env.head_image(), STORE_SIZE))
            action = expert(env)
            actions.append(action)
            executed = action.copy()
            executed[:3] += rng.normal(0, sigma, 3)
            env.act(executed)
            success = bool(detectors.skill_succeeded(sim, skill, here, object=obj))
            if success:
                break
        meta = {"episode": episode, "skill": skill, "text": text, "steps": len(actions), "success": bool(success)}
        return meta, np.stack(images), np.asarray(actions, np.float32)
    finally:
        env.close()


def _worker(
    scene_def: dict[str, Any], episode: int, seed: int, root: str, mix: DemoMix = DemoMix()
) -> list[dict[str, Any]]:
    """Record one episode, write its arrays; returns its index row (appended only after the arrays exist)."""
    meta, images, actions = run_demo(scene_def, episode, seed, mix)
    path = Path(root) / "episodes" / f"{episode:05d}.npz"
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, images=images, actions=actions)
    tmp.replace(path)
    return [meta]


def read_index(root: Path) -> list[dict[str, Any]]:
    """The episodes recorded in ``root`` (a torn last line from a killed run is ignored)."""
    return read_rows(Path(root) / "episodes.jsonl")


def load_episode(root: Path, episode: int) -> tuple[np.ndarray, np.ndarray]:
    """(images (T, 112, 112, 3) uint8, actions (T, 7) float32) of one episode; never unpickles."""
    with np.load(Path(root) / "episodes" / f"{episode:05d}.npz", allow_pickle=False) as data:
        return data["images"], data["actions"]


def record(
    scene_def: dict[str, Any], root: Path, episodes: int, seed: int, pool: Any, mix: DemoMix = DemoMix()
) -> Iterator[dict[str, Any]]:
    """Record the episodes not yet in ``root`` on ``pool`` (`saycan.parallel`); yields each one's metadata as
    it is appended. ``mix`` (`DemoMix`) says what the demos are made of."""
    root = Path(root)
    (root / "episodes").mkdir(parents=True, exist_ok=True)
    done = {row["episode"] for row in read_index(root)}
    todo = [e for e in range(episodes) if e not in done]
    job = partial(_worker, scene_def, seed=seed, root=str(root), mix=mix)
    for rows in run_episodes(root / "episodes.jsonl", todo, job, pool):
        yield rows[0]
