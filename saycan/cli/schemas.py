"""Structured configs (Hydra's `ConfigStore`) that conf/ files build on, registered before any config is composed."""

from __future__ import annotations

import functools


@functools.cache
def register() -> None:
    """Register every schema once per process: ``planner/saycan_settings`` (`PlannerSettings`'s keys)."""
    from hydra.core.config_store import ConfigStore

    from saycan.planner.settings import hydra_schema

    ConfigStore.instance().store(group="planner", name="saycan_settings", node=hydra_schema())
