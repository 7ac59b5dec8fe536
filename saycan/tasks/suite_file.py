"""Generated tasks as suite files (written once, read back as tasks), kept away from the shipped suites."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from saycan.storage.resources import suites_dir
from saycan.storage.yaml_safe import safe_load
from saycan.tasks.families import generate
from saycan.tasks.generator import TaskGenerator
from saycan.world.suite import Task, load_suite

SCENES = ("household", "scene")  # where tasks are generated: household scenes (and the scene), or the scene alone


def check_scene_mix(scenes: Any, kitchen_share: Any) -> None:
    """The ``scenes`` and ``kitchen_share`` settings of a command that generates tasks, checked."""
    from saycan.errors import ConfigError

    if scenes not in SCENES:
        raise ConfigError(f"scenes={scenes!r}; valid: {', '.join(SCENES)}")
    if not 0 <= float(kitchen_share) <= 1:
        raise ConfigError(f"kitchen_share={kitchen_share!r}: must be a share in [0, 1], e.g. 0.3")


def suite_requests(paths: list[str] | None, scene: Any, threshold: float) -> Any:
    """A `NearCopies` of the instructions of ``paths`` (default: every shipped suite, whatever its scene), with
    the names of ``scene`` and of every shipped scene masked for the structural comparison."""
    from saycan.embed import shared_embedder
    from saycan.storage.resources import conf_dir
    from saycan.text import NearCopies, name_masker
    from saycan.world.scene import load_scene

    files = [Path(p) for p in paths] if paths else sorted(suites_dir().glob("*.yaml"))
    requests = [str(t["instruction"]) for f in files for t in (safe_load(f.read_text()) or {}).get("tasks", [])]
    scenes = [scene, *(load_scene(p) for p in sorted((conf_dir() / "scene").glob("*.yaml")))]
    mask = name_masker([name for s in scenes for name in (*s.objects, *s.locations, *s.spills)])
    return NearCopies(requests, shared_embedder(), mask, threshold)


def tasks_for(
    given: Any, path: Path, n: int, seed: int, split: str, scene: Any, skills: Any, weights: Any = None
) -> list[Task]:
    """The tasks of the suite file ``given``, or ``n`` freshly generated ones (also written to ``path``;
    ``weights``: drafts of each family per round, `saycan.tasks.families.check_weights`)."""
    if not given:
        gen = TaskGenerator(scene, skills, seed=seed, split=split)
        rows = generate(gen, n, suite_requests(None, scene, 0.85), weights=weights)
        path.write_text(yaml.safe_dump({"name": path.stem, "scene": scene.name, "tasks": rows}, sort_keys=False))
        given = path
    return list(load_suite(given, {scene.name: scene}).tasks)


def household_tasks(
    path: Path,
    n: int,
    seed: int,
    split: str,
    skills: Any,
    per_scene: int = 8,
    weights: Any = None,
    kitchen: Any = None,
    kitchen_share: float = 0.0,
) -> list[Task]:
    """``n`` tasks over scenes drawn from the household catalogue (`saycan.tasks.household`), ``per_scene`` of
    them in each, ``kitchen_share`` of the scenes being ``kitchen`` instead; written to ``path`` with every
    scene's definition (``scenes:``), then read back as tasks. Scenes are named for their room
    (``"laundry room 0012"``); the kitchen keeps its name."""
    import random
    from dataclasses import replace

    from saycan.tasks.household import sample_scene
    from saycan.world.scene import scene_definition

    rng = random.Random(seed)
    avoid = suite_requests(None, kitchen or sample_scene(random.Random(0)), 0.85)
    rows: list[dict[str, Any]] = []
    scenes: dict[str, Any] = {}
    while len(rows) < n:
        if kitchen is not None and rng.random() < kitchen_share:
            scene = kitchen
        else:
            scene = sample_scene(rng, split)
            scene = replace(scene, name=f"{scene.name} {len(scenes):04d}")
        gen = TaskGenerator(scene, skills, seed=rng.randrange(2**31), split=split)
        for row in generate(gen, min(per_scene, n - len(rows)), avoid, weights=weights):
            rows.append({**row, "id": f"g{len(rows) + 1:05d}", "scene": scene.name})
        scenes[scene.name] = {k: v for k, v in scene_definition(scene).items() if k != "name"}
    data = {"name": path.stem, "scene": rows[0]["scene"], "scenes": scenes, "tasks": rows}
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200))
    return list(load_suite(path, {}).tasks)
