"""saycan/sim/kitchen.py: the scene built in PyBullet, where things rest, the hand, the spill wiped."""

import numpy as np
import pytest

from saycan.errors import ConfigError


def test_every_object_rests_on_its_start_location_and_the_robot_at_its_dock(make_sim, kitchen):
    sim = make_sim()
    assert {name: sim.station_of(name) for name in kitchen.objects} == dict(kitchen.objects)
    assert sim.robot_station() == kitchen.robot_at and sim.held_name() is None
    assert all(sim.speed(body) < 0.01 for body in sim.objects.values())  # settled, not falling


def test_a_robot_that_starts_holding_something_holds_it_in_the_gripper(make_sim):
    sim = make_sim({"robot_at": "table", "holding": "apple"})
    assert sim.held_name() == "apple" and sim.station_of("apple") is None
    assert np.linalg.norm(sim.position("apple") - sim.robot.ee_pose()[0]) < 0.1


def test_an_object_off_every_surface_is_on_no_station(make_sim):
    sim = make_sim()
    import pybullet as p

    p.resetBasePositionAndOrientation(sim.objects["apple"], (0.0, 0.0, 0.05), (0, 0, 0, 1), physicsClientId=sim.client)
    sim.settle(sim.objects["apple"])
    assert sim.station_of("apple") is None  # on the floor


def test_wiping_over_the_spill_cleans_it_and_removes_the_decal(make_sim):
    sim = make_sim()
    spill = sim.spills["spill"]
    sim.wipe_at(spill.points.mean(axis=0), height_ok=False)
    assert spill.coverage == 0.0  # the sponge was not low enough to touch it
    for point in spill.points:
        sim.wipe_at(point, height_ok=True)
    assert spill.coverage >= 0.9 and spill.body is None  # clean enough: the decal is gone


def test_more_objects_than_a_surface_holds_name_the_location(make_sim, kitchen):
    crowded = {f"extra {i}": "table" for i in range(12)}
    scene = kitchen.extend([], crowded, {name: ["thing"] for name in crowded})
    with pytest.raises(ConfigError, match="too many objects at 'table'"):
        make_sim(scene=scene)


def test_shuffled_slots_put_things_in_other_free_slots_of_the_same_surface_by_seed(make_sim, kitchen):
    def spots(sim):
        return {name: tuple(np.round(sim.position(name)[:2], 3)) for name in kitchen.objects}

    nearest = spots(make_sim())
    shuffled = [make_sim(seed=seed, shuffle_slots=True) for seed in (0, 0, 1)]
    for sim in shuffled:  # still on their own surfaces, settled, one to a slot
        assert {name: sim.station_of(name) for name in kitchen.objects} == dict(kitchen.objects)
        assert len(set(spots(sim).values())) == len(kitchen.objects)
    assert spots(shuffled[0]) == spots(shuffled[1])  # the seed decides
    assert spots(shuffled[0]) != nearest and spots(shuffled[2]) != spots(shuffled[0])


def test_bad_grasp_noise_is_refused(make_sim):
    with pytest.raises(ConfigError, match=r"sim.noise must be a probability in \[0, 1\]"):
        make_sim(noise=1.5)


def test_the_overview_camera_sees_the_kitchen(make_sim):
    frame = make_sim().overview(width=80, height=60)
    assert frame.shape == (60, 80, 3) and frame.std() > 0
