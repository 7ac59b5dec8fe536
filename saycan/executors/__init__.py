"""Low-level policies by name (``tiny_vla``, ``openvla``, ``openvla_server``) and the executor that runs them."""

from __future__ import annotations

from typing import Any

from saycan.envs.base import PlanEnv
from saycan.executors.base import Policy, PolicyError
from saycan.registry import Registry

registry: Registry[Policy] = Registry("policy")
registry.register("tiny_vla", "saycan.vla.policy:TinyVLAPolicy")
registry.register("openvla", "saycan.executors.openvla:OpenVLAPolicy")
registry.register("openvla_server", "saycan.executors.openvla_server:OpenVLAClient")

# Keys of an executor config that set up the control loop; the rest build the policy.
LOOP_KEYS = ("skills", "unnorm_key", "max_steps", "center_crop", "gripper_range", "invert_gripper")


def make_policy(id: str, **kwargs: Any) -> Policy:
    """Build the policy registered as ``id``; weights load here, not at import."""
    return registry.make(id, **kwargs)


def make(id: str, env: PlanEnv, **kwargs: Any) -> PlanEnv:
    """Wrap ``env`` so its arm skills run on the policy ``id`` (``scripted``: the env's own routines)."""
    if id == "scripted":
        return env
    from saycan.executors.loop import PolicyExecutor

    PolicyExecutor.require_sim(env)  # before loading any weights
    loop = {k: kwargs.pop(k) for k in LOOP_KEYS if k in kwargs}
    return PolicyExecutor(env, make_policy(id, **kwargs), **loop)


__all__ = ["Policy", "PolicyError", "make", "make_policy", "registry"]
