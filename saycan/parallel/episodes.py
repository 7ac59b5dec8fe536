"""Seeded episodes on any pool, each one's rows appended to a JSON-lines file as it finishes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from saycan.storage.jsonl import open_for_append


def run_episodes(
    path: Path, todo: Iterable[int], job: Callable[[int], list[dict[str, Any]]], pool: Any
) -> Iterator[list[dict[str, Any]]]:
    """Run ``job(episode)`` for each episode in ``todo`` on ``pool`` (a `saycan.parallel` pool).

    Each episode's rows go to the JSON-lines file ``path`` as soon as it finishes (a torn last line
    from a killed run is cut first), so a resumed run only redoes unfinished episodes. Episodes are
    seeded by their number, so the data do not depend on the pool. ``job`` must be picklable (a
    module-level function or a `functools.partial` of one).

    Yields: each finished episode's rows, in completion order.
    """
    with open_for_append(path) as out:
        for rows in pool.map_unordered(job, list(todo)):
            out.write("".join(json.dumps(r) + "\n" for r in rows))
            out.flush()
            yield rows
