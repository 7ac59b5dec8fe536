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
    return make_planner(PreferenceScorer(wishes), max_steps=8, ask="conformal", calibration=ASK_ABOVE_03,
                        ask_set="threshold")  # fmt: skip


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
    assert row["question_kinds"] == ["one_right"]  # only the water bottle is not soda: the question mattered
    summary = summarize(rows)
    assert summary["question_kinds"] == {"one_right": 1}
    assert summary["help_rate"] == 1.0 and summary["questions_per_task"] == 1.0
    assert summary["by_family"]["nouns"]["help_rate"] == 1.0


DRINK_TASKS = """
name: drinks
scene: kitchen
tasks:
  - {id: n1, family: nouns, instruction: bring me a drink that isn't soda, success: [["at(water bottle, you)"]]}
  - {id: n2, family: nouns, instruction: bring me the soda, success: [["at(coke can, you)"]]}
  - id: c1
    family: crowd
    instruction: I'm thirsty
    success: [["at(coke can, you)"], ["at(water bottle, you)"]]
"""
# The two drinks tie at every step, so a planner that never asks gets one of the two nouns tasks wrong.
TIED = [DRINKS, ("pick up the coke can", "pick up the water bottle"), "bring it to you",
        ("put down the coke can", "put down the water bottle"), "done"]  # fmt: skip


def by_family(tmp_path, kitchen, **settings):
    (tmp_path / "d.yaml").write_text(DRINK_TASKS)
    suite = load_suite(tmp_path / "d.yaml", {"kitchen": kitchen})
    planner = make_planner(PreferenceScorer(TIED), max_steps=8, **settings)
    out = tmp_path / f"run{len(list(tmp_path.glob('run*')))}"
    rows = list(run_suite(suite, planner, lambda t: SymbolicEnv(t.scene), out, False))
    return {family: s["plan_success"] for family, s in summarize(rows)["by_family"].items()}, rows


def test_asking_with_prefix_sets_never_lowers_success_in_any_family(tmp_path, kitchen):
    alone, _ = by_family(tmp_path, kitchen)
    assert alone == {"nouns": 0.5, "crowd": 1.0}
    for qhat in (0.2, 1.0, 0.7):  # acts on the top option, asks about every option, asks about both drinks
        cal = ConformalCalibration(epsilon=0.15, qhat=qhat, n=400, rule="prefix")
        helped, rows = by_family(tmp_path, kitchen, ask="conformal", calibration=cal, ask_set="prefix")
        assert all(helped[f] >= alone[f] for f in alone), (qhat, helped)
    assert helped == {"nouns": 1.0, "crowd": 1.0}  # the person's answers put both nouns tasks right
    # "I'm thirsty": either drink is right, so that question was not needed; "a drink that isn't soda": it was
    assert rows[2]["question_kinds"][0] == "several_right" and rows[0]["question_kinds"][0] == "one_right"
    # KnowNo's threshold sets can be empty: with q_hat 0.2 no drink (about 0.45) is in it, and the plan stops
    cal = ConformalCalibration(epsilon=0.15, qhat=0.2, n=400)
    assert by_family(tmp_path, kitchen, ask="conformal", calibration=cal, ask_set="threshold")[0]["crowd"] == 0.0


def test_offered_something_else_the_person_takes_what_the_goal_names_or_none(tmp_path, kitchen):
    from saycan.planner.missing import substitutes

    suite = task(tmp_path, kitchen)
    person = SimulatedPerson(suite.tasks[0], planner(DRINKS), SymbolicEnv(kitchen))
    offered = substitutes("lemonade bottle", ["coke can", "water bottle"])
    assert person(offered).text == "the water bottle instead of the lemonade bottle"
    assert person(substitutes("lemonade bottle", ["coke can", "sprite can"])) is None
    assert person.kinds == ["one_right", "none_right"]
