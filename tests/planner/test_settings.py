"""saycan/planner/settings.py: every planner setting checked once, its default held once, the request cleaned."""

import dataclasses

import pytest

from saycan.api import compose
from saycan.errors import ConfigError
from saycan.planner.settings import PlannerSettings, clean_instruction


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "instruction is empty"),
        ("  \n\t", "instruction is empty"),
        ("x" * 5000, "limit is 2000"),
        (None, "must be text"),
    ],
)
def test_bad_instructions_are_refused(text, message):
    with pytest.raises(ConfigError, match=message):
        clean_instruction(text)


def test_instruction_is_put_on_one_line():
    assert clean_instruction("clean\n the\x00 spill\r") == "clean the spill"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("score_reduction", "avg", "planner.score_reduction='avg'; valid: sum, mean"),
        ("max_steps", 0, "planner.max_steps must be >= 1"),
        ("max_attempts", "two", "planner.max_attempts must be an integer >= 1"),
        ("recovery", "again", "planner.recovery='again'; valid: retry, replan"),
        ("scoring", "beam", "planner.scoring='beam'; valid: saycan, generative"),
        ("termination", "maybe", "planner.termination='maybe'; valid: none, ask"),
        ("search", "bfs", "planner.search='bfs'; valid: greedy, beam"),
        ("beam_width", 0, "planner.beam_width must be >= 1"),
        ("ask", "always", "planner.ask='always'; valid: none, conformal"),
        ("ask_fallback", "guess", "planner.ask_fallback='guess'; valid: top, stop"),
        ("calibration", 3, "planner.calibration must be a file path or null"),
        ("epsilon", "often", r"planner.epsilon must be a number in \(0, 1\)"),
    ],
)
def test_a_bad_setting_names_its_key_and_the_valid_values(key, value, message):
    with pytest.raises(ConfigError, match=message):
        PlannerSettings(**{key: value})


@pytest.mark.parametrize("bad", [0, -1, "heavy", True, float("inf")])
def test_llm_weight_must_be_a_positive_number(bad):
    with pytest.raises(ConfigError, match="planner.llm_weight must be a number > 0"):
        PlannerSettings(llm_weight=bad)


@pytest.mark.parametrize("bad", [-0.1, 1.5, "often", True])
def test_done_gate_must_be_a_probability(bad):
    with pytest.raises(ConfigError, match=r"planner.done_gate must be a number in \[0, 1\]"):
        PlannerSettings(done_gate=bad)


def test_numbers_given_as_text_are_read_as_numbers():
    settings = PlannerSettings(max_steps="30", llm_weight="0.5", done_gate="0.25")
    assert (settings.max_steps, settings.llm_weight, settings.done_gate) == (30, 0.5, 0.25)


def test_asking_needs_greedy_steps():
    with pytest.raises(ConfigError, match="planner.search=greedy"):
        PlannerSettings(ask="conformal", search="beam")


def test_an_unknown_key_is_refused_with_the_closest_setting():
    with pytest.raises(ConfigError, match="planner.max_step is not a planner setting.*Did you mean 'max_steps'"):
        PlannerSettings.from_mapping({"max_step": 3})


def test_the_config_holds_every_setting_with_the_dataclass_default_and_nothing_else():
    # Defaults live once, in PlannerSettings: the composed planner group is its schema plus the entry point.
    node = dict(compose("config", ["instruction=x"]).planner)
    assert {k: node.pop(k) for k in ("_target_", "id", "print_top_k")} == {
        "_target_": "saycan.planner.make", "id": "saycan", "print_top_k": 5,
    }  # fmt: skip
    assert node == dataclasses.asdict(PlannerSettings())


def test_an_override_of_the_wrong_type_is_one_line_naming_the_key():
    with pytest.raises(ConfigError, match=r"^planner.max_steps=abc: must be an integer$"):
        compose("config", ["instruction=x", "planner.max_steps=abc"])
    with pytest.raises(ConfigError, match=r"^planner.llm_weight=\[1,2\]: must be a number$"):
        compose("config", ["instruction=x", "planner.llm_weight=[1,2]"])
