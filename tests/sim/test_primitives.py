"""Each kitchen skill succeeds from a state where it should and fails from one where it should not."""

import pybullet as p

from saycan.sim import primitives as P
from saycan.world.scene import scene_definition, scene_from_dict


def test_find_drives_to_the_object(make_sim):
    sim = make_sim()
    assert P.find(sim, "sponge").success and sim.robot_station() == "sink"


def test_find_fails_for_the_object_in_hand(make_sim):
    sim = make_sim({"robot_at": "sink", "holding": "sponge"})
    result = P.find(sim, "sponge")
    assert not result.success and "in the gripper" in result.message


def test_navigate_reaches_every_location_and_refuses_unknown_ones(make_sim):
    sim = make_sim()
    for location in ("table", "far counter", "trash can", "you", "sink", "near counter"):
        assert P.navigate(sim, location).success, location
    assert not P.navigate(sim, "garage").success


def test_pick_lifts_an_object_within_reach(make_sim):
    sim = make_sim()
    start_z = sim.position("apple")[2]
    assert P.pick(sim, "apple").success
    assert sim.held_name() == "apple" and sim.position("apple")[2] > start_z + 0.05


def test_pick_fails_out_of_reach(make_sim):
    sim = make_sim()  # the coke can is on the far counter, the robot at the near counter
    result = P.pick(sim, "coke can")
    assert not result.success and "out of reach" in result.message and sim.held_name() is None


def test_pick_fails_with_a_full_hand(make_sim):
    sim = make_sim({"holding": "sponge"})
    result = P.pick(sim, "apple")
    assert not result.success and "hand is full" in result.message and sim.held_name() == "sponge"


def test_pick_fails_when_occluded(make_sim):
    sim = make_sim()
    x, y, z = sim.position("apple")
    col = p.createCollisionShape(p.GEOM_BOX, halfExtents=(0.08, 0.08, 0.005), physicsClientId=sim.client)
    p.createMultiBody(0, col, -1, (x, y, z + 0.15), physicsClientId=sim.client)  # a shelf above the apple
    result = P.pick(sim, "apple")
    assert not result.success and "occluded" in result.message


def test_grasp_noise_makes_grasps_slip(make_sim):
    sim = make_sim(noise=1.0)
    result = P.pick(sim, "apple")
    assert not result.success and "slipped" in result.message and sim.held_name() is None
    assert sim.station_of("apple") == "near counter"


def test_place_puts_the_object_on_the_surface_here(make_sim):
    sim = make_sim()
    assert P.pick(sim, "apple").success and P.navigate(sim, "table").success
    assert P.place(sim, "apple").success
    assert sim.held_name() is None and sim.station_of("apple") == "table"


def test_place_fails_without_holding_it(make_sim):
    result = P.place(make_sim(), "apple")
    assert not result.success and "not holding" in result.message


def test_place_fails_without_free_surface(make_sim, kitchen):
    data = scene_definition(kitchen)
    data["objects"].update({f"block {i}": "table" for i in range(10)})  # every slot of the table
    data["robot"] = {"at": "table", "holding": "apple"}
    sim = make_sim(scene=scene_from_dict(data))
    result = P.place(sim, "apple")
    assert not result.success and "no free surface" in result.message and sim.held_name() == "apple"


def test_bring_needs_something_in_hand(make_sim):
    assert not P.bring(make_sim()).success
    sim = make_sim({"holding": "apple"})
    assert P.bring(sim).success and sim.robot_station() == "you"


def test_wipe_removes_the_spill_with_the_sponge_at_the_table(make_sim):
    sim = make_sim({"robot_at": "table", "holding": "sponge"})
    assert P.wipe(sim, "spill").success
    assert sim.spills["spill"].body is None and sim.spills["spill"].coverage >= 0.9


def test_wipe_fails_without_the_sponge_or_away_from_the_spill(make_sim):
    result = P.wipe(make_sim({"robot_at": "table"}), "spill")
    assert not result.success and "not holding the sponge" in result.message
    result = P.wipe(make_sim({"holding": "sponge"}), "spill")
    assert not result.success and "not here" in result.message


def test_a_closed_place_is_opened_before_anything_is_taken_from_it_and_shut_after(make_sim):
    from saycan.world.scene import load_scene

    sim = make_sim(scene=load_scene("office"))
    assert P.find(sim, "yogurt cup").success and "mini fridge" in sim.closed
    refused = P.pick(sim, "yogurt cup")
    assert not refused.success and refused.message == "the mini fridge is closed"
    assert P.door(sim, "mini fridge", close=False).success and "mini fridge" not in sim.closed
    assert P.pick(sim, "yogurt cup").success
    assert P.door(sim, "filing cabinet", close=False).success  # drives there first
    assert sim.robot_station() == "filing cabinet" and "filing cabinet" not in sim.closed
    assert P.door(sim, "mini fridge", close=True).success and "mini fridge" in sim.closed
