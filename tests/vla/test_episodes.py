import json

import numpy as np
import pytest

from saycan.parallel.local import LocalPool
from saycan.vla.episodes import CROWD, DemoMix, load_episode, read_index, record, run_demo, start_episode
from saycan.world.scene import scene_definition


def test_scripted_demo_succeeds_and_records_frames_with_base_frame_actions(kitchen):
    meta, images, actions = run_demo(scene_definition(kitchen), episode=0, seed=0)
    assert meta["success"] and meta["steps"] == len(images) == len(actions) > 3
    assert images.shape[1:] == (112, 112, 3) and images.dtype == np.uint8
    assert actions.shape[1] == 7 and np.all(np.abs(actions[:, :3]) <= 0.05 + 1e-9)
    assert set(np.unique(actions[:, 6])) <= {-1.0, 1.0}


def test_layout_share_starts_from_the_scenes_own_layout_and_leaves_scattered_episodes_alone(kitchen):
    def start(mix: DemoMix, draw: float) -> tuple[str, str, dict[str, str], str | None, bool]:
        env, skill, obj, _ = start_episode(scene_definition(kitchen), np.random.default_rng([5, 7]), mix, draw)
        try:
            places = {name: env.sim.station_of(name) for name in kitchen.objects if name != obj}
            return skill, obj, places, env.sim.robot_station(), env.shuffle_slots
        finally:
            env.close()

    skill, held, laid_out, docked, shuffled = start(DemoMix(layout=0.25), 0.1)
    assert laid_out == {name: place for name, place in kitchen.objects.items() if name != held}
    assert skill == "pick_up" and docked == kitchen.objects[held]  # driven from elsewhere by go to, and docked
    scattered = start(DemoMix(), 0.1)
    assert start(DemoMix(layout=0.25), 0.9) == scattered  # a draw above the share: as with no layout demos
    assert scattered[2] != laid_out
    assert not scattered[4] and not shuffled  # the nearest free slots unless any_slot
    assert start(DemoMix(any_slot=True), 0.1)[4]  # scattered things then take any free slot ...
    assert not start(DemoMix(layout=0.25, any_slot=True), 0.1)[4]  # ... but the scene's own layout is kept


def test_crowd_share_fills_the_skill_place_and_leaves_uncrowded_episodes_alone(kitchen):
    def start(mix: DemoMix, draw: float, trial: int) -> tuple[str, str, dict[str, str], str | None]:
        rng = np.random.default_rng([5, trial])
        env, skill, obj, _ = start_episode(scene_definition(kitchen), rng, mix, crowd_draw=draw)
        try:
            places = {name: env.sim.station_of(name) for name in kitchen.objects if name != obj}
            return skill, obj, places, env.sim.robot_station()
        finally:
            env.close()

    for trial in range(4):
        skill, obj, places, here = start(DemoMix(crowd=0.3), 0.1, trial)
        others = sum(place == here for place in places.values())
        assert CROWD[0] - 1 <= others <= CROWD[1] - 1, (skill, obj, here, places)
        sparse = start(DemoMix(), 0.1, trial)
        assert start(DemoMix(crowd=0.3), 0.9, trial) == sparse  # a draw above the share: as with no crowding
        assert sum(place == sparse[3] for place in sparse[2].values()) < others


def test_from_pick_share_starts_put_downs_from_an_aimed_off_pick_carried_to_another_place(kitchen):
    from saycan.sim.layout import object_model

    def start(mix: DemoMix, draw: float, trial: int) -> tuple[str, str, str | None, str | None, float, str | None]:
        env, skill, obj, _ = start_episode(
            scene_definition(kitchen), np.random.default_rng([3, trial]), mix, pick_draw=draw
        )
        try:
            model = object_model(obj)
            off = env.sim.grasp_offsets.get(obj, np.nan) - (model.height - model.grip_depth)
            return skill, obj, env.sim.held_name(), env.sim.robot_station(), off, env.sim.station_of(obj)
        finally:
            env.close()

    offsets = []
    for trial in range(4):
        skill, obj, held, here, off, _ = start(DemoMix(put_down=1.0, from_pick=0.5), 0.1, trial)
        assert skill == "put_down" and held == obj and here is not None, (obj, held, here)
        offsets.append(off)
        _, taken, _, there, _, _ = start(DemoMix(put_down=0.0), 0.1, trial)  # the same draws, as a pick-up
        assert taken == obj and there != here  # picked up where it lay, carried elsewhere
        spawned = start(DemoMix(put_down=1.0), 0.1, trial)
        assert start(DemoMix(put_down=1.0, from_pick=0.5), 0.9, trial) == spawned  # above the share: as with none
        assert abs(spawned[4]) < 1e-3  # spawned at the grip depth, as no policy's pick leaves a thing
    assert max(abs(o) for o in offsets) > 0.005  # the pick left it off the grip depth, as a policy's picks do


def test_record_appends_episodes_and_resumes_without_redoing_them(kitchen, tmp_path):
    scene = scene_definition(kitchen)
    first = list(record(scene, tmp_path, episodes=2, seed=1, pool=LocalPool(1)))
    assert sorted(m["episode"] for m in first) == [0, 1]
    (tmp_path / "episodes.jsonl").open("a").write('{"episode": 2, "sk')  # a run killed mid-line
    again = list(record(scene, tmp_path, episodes=3, seed=1, pool=LocalPool(1)))
    assert [m["episode"] for m in again] == [2]
    assert sorted(r["episode"] for r in read_index(tmp_path)) == [0, 1, 2]
    images, actions = load_episode(tmp_path, 0)
    row = next(r for r in read_index(tmp_path) if r["episode"] == 0)
    assert len(images) == len(actions) == row["steps"]
    assert json.loads((tmp_path / "episodes.jsonl").read_text().splitlines()[0])["text"].startswith(("pick", "put"))


def test_episode_files_never_unpickle(tmp_path):
    (tmp_path / "episodes").mkdir()
    np.savez(tmp_path / "episodes" / "00000.npz", images=np.array([object()]), actions=np.zeros((1, 7)))
    with pytest.raises(ValueError, match="allow_pickle"):
        load_episode(tmp_path, 0)
