"""Seeded sim episodes run in worker processes, their JSON rows appended as each finishes; held-out splits."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import numpy as np

from saycan.jsonl import open_for_append


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


def held_out(episodes: Sequence[int], fraction: float, seed: int) -> set[int]:
    """A seeded random ``fraction`` of ``episodes`` (at least one) kept out of training."""
    rng = np.random.default_rng(seed)
    return set(rng.choice(sorted(episodes), size=max(1, int(len(episodes) * fraction)), replace=False).tolist())
