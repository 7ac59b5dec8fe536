"""saycan/pay/pay.py: Pay's value of each option, from the request's goals and the plan search."""

import pytest

from saycan.pay.pay import Calibration, GoalState, pay_of
from saycan.skill import make_library
from saycan.world.state import SymbolicWorld

SKILLS = {s.id: s for s in make_library(library="skills")}
C = Calibration(rho=1.0, beta=1.0, eps=0.1)


def test_weights_follow_score_and_distance_and_done_follows_the_goals_that_hold():
    near = GoalState("bring the apple", 0.0, 0, frozenset(), True)
    far = GoalState("bring the orange", 0.0, 2, frozenset({"find the orange"}), False)
    values, q = pay_of(["find the orange", "done", "go to the sink"], [False, True, False], [near, far], C)
    e2 = pytest.approx(1 / (1 + 2.718281828**-2), rel=1e-6)
    assert q[0] == e2 and q[0] + q[1] == pytest.approx(1.0)
    assert values[1] == pytest.approx(0.1 + 0.9 * q[0]) and values[0] == pytest.approx(0.1 + 0.9 * q[1])
    assert values[2] == pytest.approx(0.1)  # no progress towards any goal: eps
    assert pay_of(["done"], [True], [], C) == ([0.1], [])


def test_pay_leads_to_the_goal_then_to_done_and_not_on(kitchen, throw_chips):
    world = SymbolicWorld(kitchen)
    options = [o for s in SKILLS.values() for o in s.options(world)]
    terminal = [SKILLS[o.skill].terminal for o in options]
    plan = ["pick up the jalapeno chips", "go to the trash can", "put down the jalapeno chips"]
    for text in plan:
        pay = dict(zip([o.text for o in options], throw_chips(world, options, terminal), strict=True))
        assert max(pay, key=pay.get) == text and pay["done"] < 0.2
        option = next(o for o in options if o.text == text)
        SKILLS[option.skill].apply(world, **option.kwargs)
    pay = dict(zip([o.text for o in options], throw_chips(world, options, terminal), strict=True))
    assert pay["done"] > 0.9 and pay["find the rice chips"] < 0.2  # the request is done: don't run on
    assert throw_chips.goal.startswith("throw the jalapeno chips")


def test_the_reading_stays_with_the_pursued_goal_when_it_falls_out_of_reach(kitchen, throw_chips):
    world = SymbolicWorld(kitchen)
    options = [o for s in SKILLS.values() for o in s.options(world)]
    terminal = [SKILLS[o.skill].terminal for o in options]
    throw_chips(world, options, terminal)
    assert throw_chips.reading.text.startswith("throw the jalapeno chips") and throw_chips.reading.distance == 3
    assert throw_chips.reading.steps == {"pick up the jalapeno chips"}
    world.drop("jalapeno chips", None)
    throw_chips(world, options, terminal)  # only the rice chips (read 6 nats less likely) can be reached now
    assert throw_chips.goal.startswith("throw the rice chips")  # Pay's weights move on, as before...
    reading = throw_chips.reading  # ...the goal the plan pursues does not
    assert reading.text.startswith("throw the jalapeno chips") and reading.distance is None and not reading.holds
    assert reading.objects == {"jalapeno chips"} and throw_chips.info["p_done"] == 0.0


def test_a_goal_read_as_likely_takes_over_the_reading_when_the_pursued_one_falls_out_of_reach(kitchen, throw_chips):
    throw_chips.goals = [(throw_chips.goals[0][0], 3.0), (throw_chips.goals[1][0], 2.9)]  # "the chips": either
    world = SymbolicWorld(kitchen)
    world.drop("jalapeno chips", None)
    options = [o for s in SKILLS.values() for o in s.options(world)]
    throw_chips(world, options, [SKILLS[o.skill].terminal for o in options])
    assert throw_chips.reading.text.startswith("throw the rice chips") and throw_chips.reading.distance == 4


def test_options_of_skills_pay_was_not_trained_on_get_no_opinion(kitchen, throw_chips):
    throw_chips.trained = frozenset(s for s in SKILLS if s != "wipe")
    world = SymbolicWorld(kitchen)
    options = [o for s in SKILLS.values() for o in s.options(world)]
    values = throw_chips(world, options, [SKILLS[o.skill].terminal for o in options])
    assert values[[o.text for o in options].index("wipe the spill")] == 1.0


def test_goals_holding_at_the_start_are_dropped_while_another_does_not_unless_read_as_sure(kitchen, monkeypatch):
    from saycan.pay import train
    from saycan.pay.goals import Candidate
    from saycan.pay.pay import LearnedPay
    from saycan.world.predicates import Predicate

    where = kitchen.objects["apple"]
    stays = Candidate(frozenset({Predicate("at", ("apple", where))}), f"put the apple on the {where}")
    moves = Candidate(frozenset({Predicate("at", ("apple", "you"))}), "bring the apple to the user")
    pay = LearnedPay.__new__(LearnedPay)  # the model is replaced below: no checkpoint needed
    pay.states = pay.scorer = None
    pay.calibration, pay.trained, pay.max_goals, pay._searches = C, frozenset(SKILLS), 6, {}
    pay.named_bonus, pay.read_sets, pay.read_needs = 0.0, True, True
    world = SymbolicWorld(kitchen)
    monkeypatch.setattr(train, "infer_goals", lambda *args: [(stays, -0.5), (moves, -3.0)])
    assert [g.text for g, _ in pay.begin("put the apple on the table", world, SKILLS).goals] == [moves.text]
    monkeypatch.setattr(train, "infer_goals", lambda *args: [(stays, -0.5)])  # nothing else: a no-op request
    assert [g.text for g, _ in pay.begin("leave the apple", world, SKILLS).goals] == [stays.text]
    monkeypatch.setattr(train, "infer_goals", lambda *args: [(stays, 8.0), (moves, -3.0)])  # all but certain
    assert [g.text for g, _ in pay.begin("find the apple", world, SKILLS).goals] == [stays.text, moves.text]


def test_a_goal_stays_reachable_when_the_object_held_at_the_start_fell_out_of_reach(kitchen):
    from saycan.pay.goals import singles
    from saycan.pay.pay import PayPlan
    from saycan.plan_search import PlanSearch

    start = kitchen.with_init({"holding": "water bottle", "robot_at": "far counter"})
    wipe = next(c for c in singles(start) if c.text.startswith("wipe the spill"))
    plan = PayPlan([(wipe, 3.0)], start, PlanSearch(SKILLS), C, frozenset(SKILLS))
    world = SymbolicWorld(start)
    world.drop("water bottle", None)  # it was to be put down where the robot stood: that cannot happen now
    options = [o for s in SKILLS.values() for o in s.options(world)]
    plan(world, options, [SKILLS[o.skill].terminal for o in options])
    assert plan.reading.distance == 4 and plan.reading.steps == {"find the sponge", "go to the sink"}


def test_alike_steps_serve_every_reading_as_likely_as_the_best_and_done_once_one_holds(kitchen, throw_chips):
    world = SymbolicWorld(kitchen)
    options = [o for s in SKILLS.values() for o in s.options(world)]
    terminal = [SKILLS[o.skill].terminal for o in options]
    throw_chips(world, options, terminal)
    assert throw_chips.alike == {"pick up the jalapeno chips"}  # the rice chips are read 6 nats less likely
    throw_chips.goals = [(throw_chips.goals[0][0], 3.0), (throw_chips.goals[1][0], 2.9)]  # "the chips": either
    throw_chips(world, options, terminal)
    assert throw_chips.alike == {"pick up the jalapeno chips", "find the rice chips", "go to the far counter"}
    for text in ("pick up the jalapeno chips", "go to the trash can", "put down the jalapeno chips"):
        option = next(o for o in options if o.text == text)
        SKILLS[option.skill].apply(world, **option.kwargs)
    throw_chips(world, options, terminal)
    assert "done" in throw_chips.alike  # one reading holds: done serves it
