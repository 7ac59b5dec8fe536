"""Solved requests for any scene: the tasks a bank's recipe generates for the scene a plan runs in, cached."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Mapping
from typing import Any

import yaml

from saycan.errors import ConfigError, warn
from saycan.skill import Skill
from saycan.storage.cache import cache_dir
from saycan.storage.yaml_safe import safe_load
from saycan.tasks.families import generate
from saycan.tasks.family_weights import check_weights
from saycan.tasks.generator import PHRASES, TaskGenerator
from saycan.tasks.phrase_split import SPLITS
from saycan.world.scene import Scene, scene_definition

VERSION = 1  # bump when the generator's output for a given recipe changes (the cache key holds it)
DEFAULTS = {"n": 600, "seed": 11, "split": "train", "avoid_similarity": 0.85, "family_weights": None}


def recipe_of(generated: Mapping[str, Any] | None, where: str) -> dict[str, Any]:
    """How a task file was generated (its ``generated`` header), checked; missing keys take `DEFAULTS`."""
    recipe = {**DEFAULTS, **(generated or {})}
    unknown = sorted(set(recipe) - set(DEFAULTS))
    if unknown:
        raise ConfigError(f"{where}: generated: unknown keys {unknown}; valid: {list(DEFAULTS)}")
    n = recipe["n"]
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ConfigError(f"{where}: generated.n must be a whole number >= 1, got {n!r}")
    if recipe["split"] not in SPLITS:
        raise ConfigError(f"{where}: generated.split={recipe['split']!r}; valid: {', '.join(SPLITS)}")
    recipe["family_weights"] = check_weights(recipe["family_weights"])
    return recipe


def scene_tasks(scene: Scene, skills: Mapping[str, Skill], recipe: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The tasks ``recipe`` generates for ``scene`` with ``skills`` (suite rows, each with its gold plan).

    Generated once per scene, skill set, recipe and phrase list, then read from
    ``<cache>/banks/<key>.yaml`` (written whole, then renamed into place). The scene is taken as its file
    wrote it (`Scene.as_written`): a task's start state changes neither the key nor the tasks. The shipped
    suites' requests and their near-copies are never generated (`saycan.tasks.suite_file.suite_requests`).
    """
    from saycan.tasks.suite_file import suite_requests

    scene = scene.as_written
    key = {
        "version": VERSION,
        "scene": scene_definition(scene),
        "skills": sorted((s.id, s.template) for s in skills.values()),
        "recipe": dict(recipe),
        "phrases": hashlib.sha256(PHRASES.read_bytes()).hexdigest(),
    }
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:20]
    path = cache_dir() / "banks" / f"{scene.name}-{digest}.yaml"
    if path.exists():
        return safe_load(path.read_text(encoding="utf-8"))["tasks"]
    warn(f"writing prompt examples for scene {scene.name!r} ({recipe['n']} generated tasks, once): {path}")
    gen = TaskGenerator(scene, skills, seed=int(recipe["seed"]), split=str(recipe["split"]))
    avoid = suite_requests(None, scene, float(recipe["avoid_similarity"]))
    rows = generate(gen, int(recipe["n"]), avoid, weights=recipe["family_weights"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{uuid.uuid4().hex}.tmp")
    tmp.write_text(yaml.safe_dump({"scene": scene.name, "generated": dict(recipe), "tasks": rows}, sort_keys=False))
    os.replace(tmp, path)
    return rows
