"""saycan/eval/person.py and the eval's help figures: the simulated person answers from the task's goal."""

from saycan.envs.symbolic import SymbolicEnv
from saycan.eval.harness import run_suite
from saycan.eval.person import SimulatedPerson
from saycan.eval.report import summarize
from saycan.planner.conformal import ConformalCalibration
from saycan.planner.trace import ScoredOption
from saycan.world.suite import load_suite
from tests.planners import make_planner
from tests.scorers import PreferenceScorer

SUITE = """
name: drinks
scene: kitchen
tasks:
  - id: w1
    family: nouns
    instruction: bring me a drink that isn't soda
    success: [["at(water bottle, you)"]]
"""
DRINKS = ("find the coke can", "find the water bottle")
ASK_ABOVE_03 = ConformalCalibration(epsilon=0.15, qhat=0.7, n=400)


def planner(wishes):
    return make_planner(PreferenceScorer(wishes), max_steps=8, ask="conformal", calibration=ASK_ABOVE_03)


def options(*texts):
    return [ScoredOption(t, t.split()[0] if t != "done" else "done", 0.0, 0.5, 1.0, 0.5) for t in texts]


def task(tmp_path, kitchen):
    (tmp_path / "s.yaml").write_text(SUITE)
    return load_suite(tmp_path / "s.yaml", {"kitchen": kitchen})


def test_person_picks_the_option_the_goal_is_reachable_from(tmp_path, kitchen):
    t = task(tmp_path, kitchen).tasks[0]
    person = SimulatedPerson(t, planner(["done"]), SymbolicEnv(kitchen))
    picked = person(options("find the coke can", "find the water bottle"))
    assert picked.text == "find the water bottle"


def test_person_says_none_when_no_option_leads_to_the_goal(tmp_path, kitchen):
    t = task(tmp_path, kitchen).tasks[0]
    person = SimulatedPerson(t, planner(["done"]), SymbolicEnv(kitchen))
    assert person(options("done")) is None  # the water is not brought yet


def test_eval_rows_and_summary_carry_help_figures(tmp_path, kitchen):
    wishes = [DRINKS, "pick up the water bottle", "bring it to you", "put down the water bottle", "done"]
    rows = list(run_suite(task(tmp_path, kitchen), planner(wishes), lambda t: SymbolicEnv(t.scene), tmp_path, False))
    row = rows[0]
    assert row["plan"][0] == "find the water bottle" and row["plan_success"] is True
    assert row["questions"] == 1 and row["set_size"] > 1 and row["stop_reason"] == "done"
    summary = summarize(rows)
    assert summary["help_rate"] == 1.0 and summary["questions_per_task"] == 1.0
    assert summary["by_family"]["nouns"]["help_rate"] == 1.0
