"""After a failed step: `done` only once the goal Pay reads holds, a step toward it, or a "failed: <why>" stop."""

import numpy as np
import pytest

import skills
from saycan.envs.pybullet import KitchenEnv
from saycan.envs.symbolic import SymbolicEnv
from saycan.executors.policy_executor import PolicyExecutor
from saycan.pay.goals import singles
from saycan.pay.pay import Calibration, PayPlan
from saycan.plan_search import PlanSearch
from saycan.skill import ExecResult
from saycan.world.predicates import parse_goal
from tests.planners import PayOf, make_planner
from tests.scorers import PreferenceScorer

BRING = ["find the water bottle", "pick up the water bottle", "bring it to you", "put down the water bottle", "done"]


@pytest.fixture
def bring_bottle(kitchen):
    """Pay sure the request is "bring the water bottle to the user" (wiping the spill far behind)."""
    library = {s.id: s for s in skills.make_library()}
    goals = singles(kitchen)
    bring = next(c for c in goals if c.text.startswith("bring the water bottle"))
    wipe = next(c for c in goals if c.text.startswith("find the sponge"))
    plan = PayPlan(
        [(bring, 3.0), (wipe, -3.0)], kitchen, PlanSearch(library), Calibration(eps=0.01), frozenset(library)
    )
    return PayOf(plan)


class DroppingEnv(SymbolicEnv):
    """Putting the water bottle down fails: the hand opens early and the bottle falls, reachable from ``reach``."""

    def __init__(self, scene, reach):
        super().__init__(scene)
        self.reach, self.dropped = reach, False

    def execute(self, skill, option):
        if skill.id == "put_down" and not self.dropped:
            self.dropped = True
            self.world.drop(option.kwargs["object"], self.reach)
            return ExecResult(False, "the hand opened too early")
        return super().execute(skill, option)


def test_a_fallen_object_out_of_reach_stops_the_plan_failed_instead_of_done(kitchen, bring_bottle):
    trace = make_planner(PreferenceScorer(BRING), pay=bring_bottle).plan(
        "hand me the water bottle", DroppingEnv(kitchen, None)
    )
    # was: the LLM's "done" at step 5, with the bottle on the floor
    assert trace.plan == BRING[:4] and not trace.finished
    assert trace.stop_reason == "failed: the water bottle fell out of reach"


def test_a_fallen_object_within_reach_is_picked_up_again_and_the_plan_ends_done(kitchen, bring_bottle):
    goal = parse_goal([["at(water bottle, you)"]], kitchen)
    trace = make_planner(PreferenceScorer(BRING), pay=bring_bottle).plan(
        "hand me the water bottle", DroppingEnv(kitchen, "you"), goal=goal
    )
    assert trace.plan[4:] == ["pick up the water bottle", "put down the water bottle", "done"]
    assert trace.goal_reached and trace.finished
    held = next(o for o in trace.steps[4].options if o.text == "done")  # the LLM wanted "done" there
    assert held.combined == 0.0 and held.llm > 0.5 and trace.steps[4].info["done_held"] == 1.0


def test_when_every_way_to_the_goal_has_failed_the_stop_says_which_step_failed(kitchen, bring_bottle):
    env = SymbolicEnv(kitchen, force_failures={"pick up the water bottle": 5})
    trace = make_planner(PreferenceScorer(BRING), pay=bring_bottle, max_attempts=2).plan(
        "hand me the water bottle", env
    )
    assert trace.plan == ["find the water bottle", "pick up the water bottle", "pick up the water bottle"]
    assert trace.stop_reason.startswith("failed: pick up the water bottle failed (")
    assert trace.stop_reason.endswith("; no other way to the goal is left")


def test_without_pay_a_failure_changes_nothing(kitchen):
    trace = make_planner(PreferenceScorer(BRING), max_steps=6).plan(
        "hand me the water bottle", DroppingEnv(kitchen, None)
    )
    assert trace.plan[-1] == "done" and trace.stop_reason == "done"  # SayCan alone has no reading of the goal


class DroppingPolicy:
    """A policy that carries the hand 20 cm aside, then opens it, whatever it is asked: what it holds falls."""

    unnorm_keys = ()

    def __init__(self):
        self.calls = 0

    def predict_action(self, image, instruction, unnorm_key=None):
        self.calls += 1
        return np.array([0.0, 0.05, 0.0, 0.0, 0.0, 0.0, -1.0 if self.calls <= 4 else 1.0])


def test_a_policy_that_drops_the_object_never_ends_the_plan_with_done(kitchen, bring_bottle):
    env = PolicyExecutor(KitchenEnv(kitchen, seed=0), DroppingPolicy(), skills=("put_down",), max_steps=9)
    try:
        trace = make_planner(PreferenceScorer(BRING), pay=bring_bottle).plan("hand me the water bottle", env)
    finally:
        env.close()
    assert trace.plan == BRING[:4] and not trace.steps[3].success
    assert env.world.location_of("water bottle") == "floor"  # the world as the sim saw it, not its last place
    assert "done" not in trace.plan and trace.stop_reason == "failed: the water bottle fell out of reach"
