from saycan.affordance.collect import collect
from saycan.parallel.local import LocalPool
from saycan.storage.jsonl import read_rows as load_rollouts
from saycan.world.scene import scene_definition


def test_collection_is_seeded_and_resumes_where_it_stopped(tmp_path, kitchen):
    scene = scene_definition(kitchen)
    resumed = tmp_path / "resumed.jsonl"
    list(collect(scene, resumed, episodes=2, seed=7, pool=LocalPool(1)))
    list(collect(scene, resumed, episodes=3, seed=7, pool=LocalPool(1)))  # only episode 2 is new
    fresh = tmp_path / "fresh.jsonl"
    list(collect(scene, fresh, episodes=3, seed=7, pool=LocalPool(1)))

    def key(rows):
        return sorted((r["episode"], r["text"], r["label"], str(r["features"])) for r in rows)

    rows = load_rollouts(resumed)
    assert key(rows) == key(load_rollouts(fresh)) and {r["episode"] for r in rows} == {0, 1, 2}
    assert all(len(r["features"]) == len(r["names"]) for r in rows)
