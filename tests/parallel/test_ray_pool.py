"""saycan/parallel/ray_pool.py: sim episodes on a local Ray give the data of a local run."""

import os

import pytest

from saycan.affordance.collect import collect
from saycan.errors import ConfigError
from saycan.parallel import make
from saycan.parallel.local import LocalPool
from saycan.parallel.ray_pool import RayPool
from saycan.storage.jsonl import read_rows
from saycan.world.scene import scene_definition


@pytest.mark.slow
def test_rollouts_on_ray_are_the_rollouts_of_a_local_run(tmp_path, kitchen):
    scene = scene_definition(kitchen)
    list(collect(scene, tmp_path / "local.jsonl", episodes=3, seed=7, pool=LocalPool(1)))
    list(collect(scene, tmp_path / "ray.jsonl", episodes=3, seed=7, pool=RayPool(workers=2)))

    def by_episode(name):
        return sorted(read_rows(tmp_path / name), key=lambda r: (r["episode"], r["text"]))

    ray_rows = by_episode("ray.jsonl")
    assert len(ray_rows) > 3 and ray_rows == by_episode("local.jsonl")


@pytest.mark.slow
def test_a_local_ray_runs_its_workers_at_normal_priority():
    # At Ray's default niceness (15) they would wait behind any other busy process on the machine.
    assert set(RayPool(workers=2).map_unordered(os.nice, [0, 0])) == {0}


def test_the_pools_build_by_name_and_bad_settings_name_the_key():
    assert isinstance(make("local", workers=2), LocalPool) and isinstance(make("ray"), RayPool)
    with pytest.raises(ConfigError, match=r"parallel.workers=0"):
        make("ray", workers=0)
    with pytest.raises(ConfigError, match=r"unknown parallel 'rey'.*ray"):
        make("rey")
