"""`LocalPool`: seeded sim episodes on local worker processes, eval tasks one after another here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any


class LocalPool:
    """This machine. Episodes run on ``workers`` processes; eval tasks run in this process, in order.

    Args:
        workers: Processes for `map_unordered` (the commands' own ``workers=`` key).
    """

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, int(workers))

    def map_unordered(self, job: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """``job(item)`` for every item, yielded as each finishes (``job`` must be picklable)."""
        with ProcessPoolExecutor(max_workers=self.workers) as pool:
            for future in as_completed([pool.submit(job, item) for item in items]):
                yield future.result()

    def eval_rows(self, build: Callable[[], Any], ids: Sequence[str]) -> Iterator[dict[str, Any]]:
        """The eval rows of tasks ``ids``, run in order by one `build()` runner (`saycan.eval.harness.TaskRunner`)."""
        runner = build() if ids else None
        for task_id in ids:
            yield runner.run(task_id)
