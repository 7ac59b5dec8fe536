"""Seeded sim episodes run in local worker processes, their JSON rows appended as each finishes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from saycan.storage.jsonl import open_for_append


def run_episodes(
    path: Path, todo: Iterable[int], job: Callable[[int], list[dict[str, Any]]], workers: int
) -> Iterator[list[dict[str, Any]]]:
    """Run ``job(episode)`` for each episode in ``todo`` on ``workers`` processes.

    Each episode's rows go to the JSON-lines file ``path`` as soon as it finishes (a torn last line
    from a killed run is cut first), so a resumed run only redoes unfinished episodes. ``job`` must
    be picklable (a module-level function or a `functools.partial` of one).

    Yields: each finished episode's rows, in completion order.
    """
    with open_for_append(path) as out, ProcessPoolExecutor(max_workers=workers) as pool:
        for future in as_completed([pool.submit(job, e) for e in todo]):
            rows = future.result()
            out.write("".join(json.dumps(r) + "\n" for r in rows))
            out.flush()
            yield rows
