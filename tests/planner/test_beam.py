"""saycan/planner/beam.py and planner.search=beam: whole plans scored in the symbolic model, then executed."""

from saycan.envs.symbolic import SymbolicEnv
from saycan.world.predicates import parse_goal
from tests.planners import make_planner
from tests.scorers import PreferenceScorer

CLEAN = ["find the sponge", "pick up the sponge", "go to the table", "wipe the spill", "done"]


def planner(scorer, **kwargs):
    return make_planner(scorer, search="beam", **kwargs)


def test_beam_search_plans_ahead_then_executes_the_plan(kitchen):
    scorer = PreferenceScorer(CLEAN)
    trace = planner(scorer).plan("clean the spill", SymbolicEnv(kitchen), goal=parse_goal("clean(spill)", kitchen))
    assert trace.plan == CLEAN and trace.finished and trace.goal_reached
    assert [s.chosen_by for s in trace.steps] == ["search"] * 5 and trace.steps[0].timings["search_s"] > 0
    searched = len(scorer.prompts)
    assert searched >= 5  # every step was scored in the model before anything ran
    assert all(s.options and s.chosen in {o.text for o in s.options} for s in trace.steps)


def test_a_step_that_fails_makes_it_search_again_from_the_real_state(kitchen):
    env = SymbolicEnv(kitchen, force_failures={"pick up the sponge": 1})
    trace = planner(PreferenceScorer(CLEAN), max_steps=4).plan("clean the spill", env)
    assert [s.success for s in trace.steps][:2] == [True, False]
    assert [s.timings["search_s"] > 0 for s in trace.steps[:3]] == [True, False, True]  # searched again after it
