import math

import pytest

from saycan.affordance import make as make_affordance
from saycan.envs.symbolic import SymbolicEnv
from saycan.errors import ConfigError
from saycan.llm.base import OptionScores, Scorer
from saycan.planner.prompt import PromptTemplate
from saycan.planner.termination import TerminationCheck, reweight
from tests.planners import make_planner


class Judge(Scorer):
    """Answers the yes/no question with p(yes) = 0.9 once `enough` steps are listed; else plans `wish`."""

    def __init__(self, enough: int, wish: str = "find the apple") -> None:
        self.enough, self.wish, self.questions = enough, wish, []

    def score(self, prompt, options):
        if options == [" yes", " no"]:
            self.questions.append(prompt)
            listed = prompt.rsplit("I did: ", 1)[1].split(".\n")[0].split(", ")  # the question, after the examples
            p_yes = 0.9 if len(listed) >= self.enough else 0.1
            return OptionScores([math.log(p_yes), math.log(1 - p_yes)], [1, 1])
        # "done" is never the LM's favourite: without the check the plan would run to max_steps.
        return OptionScores([0.0 if o.strip() == self.wish else -3.0 for o in options], [1] * len(options))


def test_reweight_gives_done_p_complete_and_keeps_the_rest_in_proportion():
    out = reweight([0.1, 0.6, 0.3], [True, False, False], 0.8)
    assert out == pytest.approx([0.8, 0.2 * 2 / 3, 0.2 * 1 / 3])
    assert sum(out) == pytest.approx(1.0)
    assert reweight([0.5, 0.5], [False, False], 0.9) == [0.5, 0.5]


def test_p_complete_is_the_normalised_yes_answer_and_zero_before_any_step():
    check = TerminationCheck()
    assert check.p_complete(Judge(1), "bring me the apple", []) == 0.0
    assert check.p_complete(Judge(1), "bring me the apple", ["find the apple"]) == pytest.approx(0.9)


def test_ask_ends_the_plan_when_the_lm_says_the_request_is_complete(kitchen):
    judge = Judge(enough=2)
    prompt = PromptTemplate.from_config({})
    planner = make_planner(judge, prompt=prompt, affordance=make_affordance("none"), termination="ask", max_steps=6)
    trace = planner.plan("find the apple", SymbolicEnv(kitchen))
    assert trace.plan == ["find the apple", "find the apple", "done"] and trace.finished
    assert trace.steps[-1].info["p_complete"] == pytest.approx(0.9)
    assert judge.questions[-1].endswith(
        "Human: find the apple\nRobot: I did: find the apple, find the apple.\n"
        "Human: Is my request complete now, yes or no?\nRobot:"
    )


def test_a_termination_question_with_other_placeholders_is_refused():
    with pytest.raises(ConfigError, match="termination question .* may only use"):
        TerminationCheck("Is {task} done?")
