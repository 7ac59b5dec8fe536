"""saycan: ground a language model in what a robot can do (SayCan), with OpenVLA-style executors.

    from saycan import Planner
    result = Planner.from_config(overrides=["env=symbolic"]).run("clean the spill")

Importing this package loads no model (names below are imported on first use); LLMs, simulators and
policies load when built.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

# Public name -> the module that defines it, imported when the name is first used.
_EXPORTS = {
    "Planner": "saycan.api",
    "PlanResult": "saycan.api",
    "register_skill": "saycan.api",
    "ExecResult": "saycan.skill",
    "FunctionSkill": "saycan.skill",
    "Option": "saycan.skill",
    "Skill": "saycan.skill",
    "Scene": "saycan.world.scene",
    "load_scene": "saycan.world.scene",
    "SkillFailure": "saycan.world.state",
    "SymbolicWorld": "saycan.world.state",
    "ConfigError": "saycan.errors",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'saycan' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
