"""saycan/sim/robot.py on its own: a Panda on a mobile base in a bare world reaches, grasps, carries, places."""

import math

import numpy as np
import pybullet as p
import pybullet_data
import pytest

from saycan.sim.robot import REACH, MobilePanda, down

CUBE = 0.025  # half side, metres: a block the open gripper (8 cm) closes on


@pytest.fixture
def world():
    """A client with a floor and a low pedestal holding a cube 45 cm ahead of the robot; closed afterwards."""
    client = p.connect(p.DIRECT)
    p.setGravity(0, 0, -9.81, physicsClientId=client)
    p.setPhysicsEngineParameter(fixedTimeStep=1 / 120, numSolverIterations=20, physicsClientId=client)
    p.loadURDF(pybullet_data.getDataPath() + "/plane.urdf", physicsClientId=client)
    box = p.createCollisionShape(p.GEOM_BOX, halfExtents=(0.15, 0.15, 0.35), physicsClientId=client)
    p.createMultiBody(0, box, -1, (0.45, 0.0, 0.35), physicsClientId=client)  # top at 0.70 m
    cube_shape = p.createCollisionShape(p.GEOM_BOX, halfExtents=(CUBE,) * 3, physicsClientId=client)
    cube = p.createMultiBody(0.05, cube_shape, -1, (0.45, 0.0, 0.70 + CUBE), physicsClientId=client)
    p.changeDynamics(cube, -1, lateralFriction=1.0, physicsClientId=client)

    def step(n):
        for _ in range(n):
            p.stepSimulation(physicsClientId=client)

    robot = MobilePanda(client, step, (0.0, 0.0, 0.0))
    step(30)
    yield robot, cube, client
    p.disconnect(client)


def cube_position(client, cube):
    return np.array(p.getBasePositionAndOrientation(cube, physicsClientId=client)[0])


def test_it_starts_in_the_carry_pose_with_the_gripper_open_and_pointing_down(world):
    robot, _, _ = world
    pos, orn = robot.ee_pose()
    assert np.linalg.norm(pos - robot.carry_point()) < 0.02 and robot.gripper_open
    assert abs(abs(p.getEulerFromQuaternion(orn)[0]) - math.pi) < 0.05  # pointing at the floor


def test_the_base_frame_and_the_world_frame_convert_both_ways(world):
    robot, _, _ = world
    robot.set_pose(1.0, 2.0, math.pi / 2)
    assert robot.to_world(np.array([1.0, 0.0, 0.0])) == pytest.approx([0.0, 1.0, 0.0], abs=1e-6)  # ahead = +y
    v = np.array([0.3, -0.2, 0.5])
    assert robot.to_base(robot.to_world(v)) == pytest.approx(v, abs=1e-6)  # PyBullet computes in float32


def test_the_gripper_reaches_a_point_in_reach_in_a_straight_line(world):
    robot, _, _ = world
    target = np.array([0.45, 0.1, 0.9])
    assert np.linalg.norm(target[:2] - robot.arm_base()[:2]) < REACH
    assert robot.move_ee(target, down(0.0)) < 0.01


def test_a_grasp_holds_the_cube_through_a_carry_and_a_drive_and_a_place_sets_it_down(world):
    robot, cube, client = world
    start = cube_position(client, cube)
    robot.move_ee(start + np.array([0, 0, 0.15]), down(0.0))
    robot.move_ee(start + np.array([0, 0, 0.005]), down(0.0))  # the grasp point sits between the fingertips
    robot.gripper(open_=False)
    assert robot.finger_contacts(cube) == 2 and not robot.gripper_open
    robot.attach(cube)
    robot.tuck()
    lifted = cube_position(client, cube)
    assert robot.held == cube and lifted[2] > start[2] + 0.2  # carried high, clear of the pedestal
    before = cube_position(client, cube)
    robot.drive(0.3, 0.5, 0.0)
    robot.tick(30)  # the held cube swings a little behind the base, then settles
    carried = cube_position(client, cube)
    assert carried[:2] - before[:2] == pytest.approx([0.3, 0.5], abs=0.03)  # it came along with the base
    assert np.linalg.norm(carried - robot.ee_pose()[0]) < 0.05  # still in the hand
    # Place: lower it onto the floor beside the pedestal, let go, and it stays where it was put.
    spot = np.array([0.3 + 0.45, 0.5, CUBE + 0.01])
    robot.move_ee(spot, down(0.0))
    robot.detach()
    robot.gripper(open_=True)
    robot.tuck()
    robot.tick(60)
    placed = cube_position(client, cube)
    assert robot.held is None and placed[2] == pytest.approx(CUBE, abs=0.01)
    assert np.linalg.norm(placed[:2] - spot[:2]) < 0.03 and robot.finger_contacts(cube) == 0


def test_an_empty_grasp_touches_nothing(world):
    robot, cube, _ = world
    robot.move_ee(np.array([0.3, -0.3, 0.8]), down(0.0))
    robot.gripper(open_=False)
    assert robot.finger_contacts(cube) == 0


def test_the_cameras_give_rgb_images_of_the_asked_size(world):
    robot, _, _ = world
    head, wrist = robot.head_camera(size=64), robot.wrist_camera(size=32)
    assert head.shape == (64, 64, 3) and wrist.shape == (32, 32, 3) and head.dtype == np.uint8
    assert head.std() > 0  # not a blank frame: the floor, the pedestal and the arm are in view
