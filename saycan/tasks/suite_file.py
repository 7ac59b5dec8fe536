"""Generated tasks as suite files (written once, read back as tasks), kept away from the shipped suites."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from saycan.storage.resources import suites_dir
from saycan.tasks.families import generate
from saycan.tasks.generator import TaskGenerator
from saycan.world.suite import Task, load_suite


def suite_requests(paths: list[str] | None, scene: Any, threshold: float) -> Any:
    """A `NearCopies` of the instructions of ``paths`` (default: every shipped suite, whatever its scene), with
    the names of ``scene`` and of every shipped scene masked for the structural comparison."""
    from saycan.embed import shared_embedder
    from saycan.storage.resources import conf_dir
    from saycan.text import NearCopies, name_masker
    from saycan.world.scene import load_scene

    files = [Path(p) for p in paths] if paths else sorted(suites_dir().glob("*.yaml"))
    requests = [str(t["instruction"]) for f in files for t in (yaml.safe_load(f.read_text()) or {}).get("tasks", [])]
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
