"""Executors: how the planner's arm skills run, by name: ``scripted`` (the env's own routines) or a policy id."""

from __future__ import annotations

from typing import Any

from saycan import policies
from saycan.envs.base import PlanEnv
from saycan.errors import ConfigError, choices_hint

SCRIPTED = "scripted"
# Keys of an executor config that set up the control loop; the rest build the policy.
LOOP_KEYS = (
    "skills",
    "unnorm_key",
    "max_steps",
    "center_crop",
    "gripper_range",
    "invert_gripper",
    "chunk_steps",
    "retry_shift",
    "retry_face",
)


def check_id(id: str) -> None:
    """Raise `ConfigError` unless ``id`` is ``scripted`` or a registered policy."""
    if id != SCRIPTED and id not in policies.registry:
        raise ConfigError(f"unknown executor {id!r}; {choices_hint(str(id), [SCRIPTED, *policies.registry])}")


def make(id: str, env: PlanEnv, **kwargs: Any) -> PlanEnv:
    """``env`` with its arm skills run by the policy ``id`` (``scripted``: ``env`` itself).

    ``_target_: saycan.executors.make`` in conf/executor/*.yaml; the env is passed when built.
    """
    check_id(id)
    if id == SCRIPTED:
        return env
    from saycan.executors.policy_executor import PolicyExecutor

    PolicyExecutor.require_sim(env)  # before loading any weights
    loop = {k: kwargs.pop(k) for k in LOOP_KEYS if k in kwargs}
    return PolicyExecutor(env, policies.make(id, **kwargs), **loop)


__all__ = ["LOOP_KEYS", "SCRIPTED", "check_id", "make"]
