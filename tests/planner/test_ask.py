"""planner.ask=conformal: act on a one-option set, ask about several, stop on none; every question traced."""

import pytest

from saycan.envs.symbolic import SymbolicEnv
from saycan.planner.conformal import ConformalCalibration
from saycan.planner.trace import TraceWriter, read_trace
from tests.planners import make_planner
from tests.scorers import PreferenceScorer

DRINKS = ("find the coke can", "find the water bottle")  # equally likely at step 1
KEEP_ABOVE_03 = ConformalCalibration(epsilon=0.15, qhat=0.7, n=400)  # sets keep normalised scores >= 0.3
UP_TO_07 = ConformalCalibration(epsilon=0.15, qhat=0.7, n=400, rule="prefix")  # top options until 0.7 is passed


def planner(wishes, calibration=KEEP_ABOVE_03, **kwargs):
    kwargs.setdefault("ask_set", calibration.rule)
    return make_planner(PreferenceScorer(wishes), ask="conformal", calibration=calibration, **kwargs)


def test_person_picks_from_the_set_and_the_plan_goes_on(kitchen, tmp_path):
    asked = []

    def person(options):
        asked.append([o.text for o in options])
        return "find the water bottle"

    writer = TraceWriter(tmp_path / "t.jsonl")
    trace = planner([DRINKS, "done"]).plan("bring me a drink", SymbolicEnv(kitchen), writer=writer, ask=person)
    writer.close()
    assert sorted(asked[0]) == sorted(DRINKS) and len(asked) == 1  # step 2's "done" is alone in its set
    assert trace.plan == ["find the water bottle", "done"] and trace.steps[0].chosen_by == "person"
    saved = read_trace(tmp_path / "t.jsonl")
    assert [(q.step, q.answer, q.by) for q in saved.questions] == [(1, "find the water bottle", "person")]


def test_none_of_these_stops_cleanly(kitchen):
    trace = planner([DRINKS, "done"]).plan("bring me a drink", SymbolicEnv(kitchen), ask=lambda options: None)
    assert trace.steps == [] and trace.stop_reason == "stopped_by_person" and not trace.finished


@pytest.mark.parametrize(("fallback", "plan", "reason"), [("top", ["find the coke can", "done"], "done"),
                                                           ("stop", [], "needs_help")])  # fmt: skip
def test_without_anyone_to_ask_the_fallback_decides(kitchen, fallback, plan, reason):
    def no_terminal(options):
        raise EOFError

    trace = planner([DRINKS, "done"], ask_fallback=fallback).plan("a drink", SymbolicEnv(kitchen), ask=no_terminal)
    assert trace.plan == plan and trace.stop_reason == reason
    assert trace.questions[0].by == "fallback" and len(trace.questions[0].options) == 2


def test_empty_set_says_so_and_stops(kitchen):
    strict = ConformalCalibration(epsilon=0.15, qhat=0.2, n=400)  # keep >= 0.8: neither drink (about 0.45)
    trace = planner([DRINKS, "done"], calibration=strict).plan("a drink", SymbolicEnv(kitchen), ask=lambda o: o[0])
    assert trace.stop_reason == "unsure" and trace.questions[0].options == [] and trace.steps == []


def test_prefix_sets_act_where_the_threshold_set_is_empty_and_ask_when_no_option_alone_suffices(kitchen):
    # two drinks at about 0.45 each; with q_hat 0.2 the threshold set (>= 0.8) is empty: `unsure` above
    strict = ConformalCalibration(epsilon=0.15, qhat=0.2, n=400, rule="prefix")
    trace = planner([DRINKS, "done"], calibration=strict).plan("a drink", SymbolicEnv(kitchen), ask=pytest.fail)
    assert trace.plan == ["find the coke can", "done"] and trace.stop_reason == "done"  # 0.45 > 0.2: acts
    asked = []
    trace = planner([DRINKS, "done"], calibration=UP_TO_07).plan("a drink", SymbolicEnv(kitchen),
                                                                 ask=lambda o: asked.append(o) or o[1])  # fmt: skip
    assert sorted(o.text for o in asked[0]) == sorted(DRINKS) and len(asked) == 1  # 0.45 < 0.7 < 0.9: both
    assert trace.plan == ["find the water bottle", "done"] and trace.stop_reason == "done"


def test_the_set_rule_is_refitted_from_the_stored_scores(kitchen):
    made = ConformalCalibration.fit([0.4] * 9, [], 0.2, {}, [0.9] * 9, [], "threshold")
    assert planner(["done"], calibration=made, ask_set="prefix").help.calibration.qhat == pytest.approx(0.1)
    assert planner(["done"], calibration=made, ask_set="threshold").help.calibration.qhat == pytest.approx(0.6)


def test_a_confident_step_is_not_asked_about(kitchen):
    trace = planner(["find the sponge", "done"]).plan("x", SymbolicEnv(kitchen), ask=pytest.fail)
    assert trace.plan == ["find the sponge", "done"] and trace.questions == []


def test_a_calibration_of_other_scores_is_warned_about(kitchen, capsys):
    made = {"scores_from": {"llm_weight": 0.3, "pay_sha256": None, "scoring": "saycan"}}
    other = ConformalCalibration(epsilon=0.15, qhat=0.7, n=400, settings=made)
    planner(["done"], calibration=other, llm_weight=0.2)
    err = capsys.readouterr().err
    assert "llm_weight: calibrated 0.3, this run 0.2" in err and "python -m saycan.calibrate" in err
    assert "pay_sha256" not in err and "scoring" not in err  # the settings that match are not named
    planner(["done"], calibration=other, llm_weight=0.3)
    assert capsys.readouterr().err == ""


def test_the_shipped_calibration_serves_the_default_settings():
    from saycan.planner.ask import HelpPolicy
    from saycan.planner.settings import PlannerSettings

    s = PlannerSettings(ask="conformal")
    cal = HelpPolicy(s.calibration, s.ask_fallback, s.epsilon, s.ask_set).calibration  # the shipped file
    assert cal.rule == s.ask_set == "prefix" and 0 < cal.qhat < 1 and cal.masses and cal.test_masses
    assert cal.refit(rule="threshold").qhat > 0  # both rules' task scores are kept: the two can be compared


class ReadsAlike:
    """A Pay with no opinion on any step (pay 1) whose readings as likely as the best are served by ``alike``."""

    def __init__(self, alike):
        self.meta, self.trained, self.alike = {}, frozenset({"find", "pick_up"}), frozenset(alike)
        self.info, self.p_done, self.reading = {}, 1.0, None

    def begin(self, instruction, world, skills):
        return self

    def __call__(self, world, options, terminal):
        return [1.0] * len(options)

    def goal_texts(self, k):
        return []

    def nearest_training(self, text):
        return None, 0.0


@pytest.mark.parametrize(("alike", "asked"), [(DRINKS, False), (DRINKS[:1], True)])
def test_a_set_of_steps_that_all_serve_alike_readings_is_acted_on_without_asking(kitchen, alike, asked):
    questions = []
    pay = {"pay": ReadsAlike(alike), "llm_weight": 1}  # the LLM's scores as they are: the two drinks, about 0.45 each
    kitchen_planner = planner([DRINKS, "done"], calibration=UP_TO_07, ask_when="readings_differ", **pay)
    trace = kitchen_planner.plan("a drink", SymbolicEnv(kitchen), ask=lambda o: questions.append(o) or o[0])
    assert bool(questions) == asked and trace.plan == ["find the coke can", "done"]
    assert trace.steps[0].info.get("set_alike") == (None if asked else 1.0) and trace.steps[0].info["set_size"] == 2
    always = planner([DRINKS, "done"], calibration=UP_TO_07, **pay)  # ask_when=several: KnowNo
    questions.clear()
    always.plan("a drink", SymbolicEnv(kitchen), ask=lambda o: questions.append(o) or o[0])
    assert len(questions) == 1
