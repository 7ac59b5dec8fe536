"""`RayPool`: episodes as Ray tasks and eval tasks on Ray actors, on a local Ray or a cluster (``parallel=ray``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from saycan.errors import ConfigError

INSTALL = "parallel=ray needs Ray: pip install -e '.[ray]'"


class _Runner:
    """A Ray actor holding one `build()` runner (a planner loaded once) for many eval tasks."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self.runner = build()

    def run(self, task_id: str) -> dict[str, Any]:
        return self.runner.run(task_id)

    def pid(self) -> int:
        return os.getpid()


def _call(job: Callable[[Any], Any], item: Any) -> Any:
    return job(item)


class RayPool:
    """Ray, the engine robotics learning already runs on, instead of a home-made pool.

    Without ``address`` it starts a local Ray with ``workers x cpus_per_worker`` CPUs and stops it
    afterwards; with one (``auto`` or ``HOST:PORT``) it joins that cluster and leaves it running.
    A worker that dies is restarted and its unfinished task retried (``retries`` times), so a lost
    node costs time, not rows.

    Args:
        address: None (a local Ray), ``"auto"`` (the cluster this machine belongs to) or ``"HOST:PORT"``.
        workers: Actors for eval tasks (each loads the planner once); episodes in flight at once.
        cpus_per_worker: CPUs Ray reserves per actor or episode (and its torch threads).
        retries: Restarts of a dead actor, and retries of its task, before the run fails.
    """

    def __init__(
        self, address: str | None = None, workers: int = 2, cpus_per_worker: float = 1, retries: int = 2
    ) -> None:
        if int(workers) < 1:
            raise ConfigError(f"parallel.workers={workers!r}: must be at least 1, e.g. parallel.workers=2")
        self.address, self.workers = address or None, int(workers)
        self.cpus, self.retries = float(cpus_per_worker), int(retries)
        self._owned = False

    def _start(self) -> Any:
        try:
            import ray
        except ImportError:
            raise ConfigError(INSTALL) from None
        if not ray.is_initialized():
            local: dict[str, Any] = {}
            if self.address is None:
                # Ray runs workers at niceness 15 so its driver stays responsive; here the workers are the
                # job, and at 15 they starve behind any other busy process (an eval beside another took
                # 7 minutes instead of 25 s, every actor waiting on the CPU).
                local = {"num_cpus": max(1, round(self.workers * self.cpus)), "_system_config": {"worker_niceness": 0}}
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False, **local)
            self._owned = True
        return ray

    def _stop(self, ray: Any) -> None:
        if self._owned:
            ray.shutdown()
            self._owned = False

    def map_unordered(self, job: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """``job(item)`` for every item as a Ray task, yielded as each finishes."""
        ray = self._start()
        try:
            remote = ray.remote(num_cpus=self.cpus, max_retries=self.retries)(_call)
            pending = [remote.remote(job, item) for item in items]
            while pending:
                done, pending = ray.wait(pending, num_returns=1)
                yield ray.get(done[0])
        finally:
            self._stop(ray)

    def eval_rows(self, build: Callable[[], Any], ids: Sequence[str]) -> Iterator[dict[str, Any]]:
        """The eval rows of tasks ``ids``, sharded over ``workers`` actors, each built once with ``build``."""
        if not ids:
            return
        ray = self._start()
        from ray.util import ActorPool

        actor = ray.remote(num_cpus=self.cpus, max_restarts=self.retries, max_task_retries=self.retries)(_Runner)
        actors = [actor.remote(build) for _ in range(min(self.workers, len(ids)))]
        try:
            yield from ActorPool(actors).map_unordered(lambda a, task_id: a.run.remote(task_id), ids)
        finally:
            for a in actors:
                ray.kill(a)
            self._stop(ray)
