"""A spill in the sim: a flat decal on a station, a grid of points the sponge wipes, gone when mostly wiped."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pybullet as p

SPILL_SIZE = 0.2
SPILL_GRID = 5  # SPILL_GRID x SPILL_GRID points; the spill is gone when enough are wiped
SPONGE_REACH = 0.05  # a point counts as wiped when the sponge passes this close
CLEAN_AT = 0.9  # coverage at which the decal is removed


@dataclass
class Spill:
    body: int | None
    station: str
    points: np.ndarray  # (SPILL_GRID**2, 2) xy
    wiped: np.ndarray = field(default_factory=lambda: np.zeros(SPILL_GRID**2, dtype=bool))

    @property
    def coverage(self) -> float:
        return float(self.wiped.mean())

    def wipe_near(self, xy: np.ndarray, client: int) -> None:
        """Mark the points under a sponge at ``xy`` wiped; fade the decal, remove it once clean."""
        if self.body is None:
            return
        self.wiped |= np.linalg.norm(self.points - xy[None, :], axis=1) < SPONGE_REACH
        if self.coverage >= CLEAN_AT:
            p.removeBody(self.body, physicsClientId=client)
            self.body = None
        else:
            p.changeVisualShape(
                self.body, -1, rgbaColor=(0.45, 0.25, 0.08, 0.9 * (1 - self.coverage)), physicsClientId=client
            )
