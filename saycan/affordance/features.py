"""The state as entity tokens (objects, locations, spills), read from the sim or the scene graph.

Each entity is its name (embedded later) plus `N_FEATURES` numbers; both the simulator and the
symbolic world produce the same layout, so a value function trained on sim rollouts also scores
symbolic states. Columns:

    0-2  kind one-hot: object, location, spill
    3    object held | robot at this location | spill clean
    4    at the robot's location (object on its surface, the location itself, spill there)
    5    object: xy distance to the arm base / reach (capped at 3); others: 0 here, 1 elsewhere
    6    object occluded from above
    7    object resting on a surface | location's free fraction of resting spots
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saycan.world.state import SymbolicWorld

N_FEATURES = 8
N_GLOBAL = 2  # hand empty, base docked at a location


@dataclass
class StateTokens:
    """One observation: entity names, their (n, N_FEATURES) features, and (N_GLOBAL,) globals."""

    names: list[str]
    features: np.ndarray
    globals: np.ndarray


def from_world(world: SymbolicWorld, slots_per_location: int = 10) -> StateTokens:
    """Tokens from the scene graph (distances approximated: here 0.5 of reach, elsewhere 3)."""
    names, rows = [], []
    for obj in world.objects:
        held, loc = world.holding == obj, world.location_of(obj)
        here = loc == world.robot_at
        # column 7 is 1 like the sim's: every symbolic object rests on a surface or is in the hand
        rows.append([1, 0, 0, held, here, 0.5 if here else (0.3 if held else 3.0), 0, 1])
        names.append(obj)
    counts = {loc: 0 for loc in world.locations}
    for obj in world.objects:
        if world.location_of(obj) in counts:
            counts[world.location_of(obj)] += 1
    for loc in world.locations:
        here = world.robot_at == loc
        rows.append([0, 1, 0, here, here, 0 if here else 1, 0, max(0.0, 1 - counts[loc] / slots_per_location)])
        names.append(loc)
    for spill in world.spills:
        here = world.location_of(spill) == world.robot_at
        rows.append([0, 0, 1, world.is_clean(spill), here, 0 if here else 1, 0, 0])
        names.append(spill)
    return StateTokens(names, np.asarray(rows, np.float32), np.asarray([world.holding is None, 1], np.float32))


def from_sim(env) -> StateTokens:
    """Tokens from the PyBullet kitchen of a `saycan.envs.pybullet.KitchenEnv` (exact reach and occlusion)."""
    from saycan.sim.primitives import free_slots, occluded
    from saycan.sim.robot import REACH

    sim, world = env.sim, env.world
    here_loc, held = sim.robot_station(), sim.held_name()
    base = sim.robot.arm_base()
    names, rows = [], []
    for obj in world.objects:
        loc = sim.station_of(obj)
        dist = float(np.linalg.norm((sim.position(obj) - base)[:2])) / REACH
        here = loc is not None and loc == here_loc
        rows.append(
            [
                1,
                0,
                0,
                obj == held,
                here,
                min(dist, 3.0),
                obj != held and occluded(sim, obj),
                loc is not None or obj == held,
            ]
        )
        names.append(obj)
    for loc in world.locations:
        total = len(sim.stations[loc].slots())
        rows.append(
            [
                0,
                1,
                0,
                loc == here_loc,
                loc == here_loc,
                0 if loc == here_loc else 1,
                0,
                free_slots(sim, loc) / max(total, 1),
            ]
        )
        names.append(loc)
    for spill, state in sim.spills.items():
        here = state.station == here_loc
        rows.append([0, 0, 1, state.body is None, here, 0 if here else 1, 0, 0])
        names.append(spill)
    return StateTokens(
        names, np.asarray(rows, np.float32), np.asarray([held is None, here_loc is not None], np.float32)
    )
