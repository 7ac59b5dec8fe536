"""What an executor needs from a low-level policy: image + instruction in, one 7-DoF action out."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from saycan.errors import ExecutorError

# OpenVLA's prompt for a skill; the models were trained on exactly this wording.
OPENVLA_PROMPT = "In: What action should the robot take to {instruction}?\nOut:"


class PolicyError(RuntimeError):
    """The policy gave no usable action ("error" reply, wrong shape); the skill fails."""


class PolicyUnreachable(PolicyError, ExecutorError):
    """The policy server did not answer after every retry: no skill can run, so the plan stops (exit 2)."""


class Policy(Protocol):
    """A vision-language-action policy with OpenVLA's interface."""

    @property
    def unnorm_keys(self) -> tuple[str, ...]:
        """Dataset statistics the policy can un-normalise with."""
        ...

    def predict_action(self, image: np.ndarray, instruction: str, unnorm_key: str | None = None) -> np.ndarray:
        """(H, W, 3) uint8 image + instruction -> (7,) ``[dx, dy, dz, droll, dpitch, dyaw, gripper]``."""
        ...
