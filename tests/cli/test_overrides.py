"""saycan/cli/overrides.py: any text a shell passes reaches the config unchanged; bad overrides are one line."""

import pytest
from hydra import compose, initialize_config_dir
from hypothesis import given, settings
from hypothesis import strategies as st

from saycan.cli.overrides import override_error, prepare
from saycan.cli.schemas import register
from saycan.errors import ConfigError
from saycan.storage.resources import conf_dir

TEXT_KEYS = ("instruction", "goal")
NASTY = [
    "I'm thirsty, can you help?",
    'say "hi", then: [go] = now',
    "日本語で水をください",
    "is x=1, y=${oops}? \\ back\\slash'",
    "[[at(apple, you)], [at(orange, you)]]",
]


def composed(argv, config_dir=None):
    register()  # the planner group's schema, as every command registers it before composing
    with initialize_config_dir(config_dir=str(config_dir or conf_dir()), version_base="1.3"):
        return compose("config", overrides=argv)


@pytest.fixture(scope="module")
def text_only_conf(tmp_path_factory):
    """A config of the text keys alone: Hydra parses and sets a value as for the full one, 30x faster."""
    path = tmp_path_factory.mktemp("conf")
    (path / "config.yaml").write_text("".join(f"{key}: null\n" for key in TEXT_KEYS))
    return path


@settings(max_examples=150, deadline=None)
@given(text=st.text(min_size=1, max_size=60))
def test_any_text_as_a_value_composes_back_to_itself(text_only_conf, text):
    assert composed(prepare([f"instruction={text}"], TEXT_KEYS, "instruction"), text_only_conf).instruction == text


@pytest.mark.parametrize("text", NASTY)
def test_bare_words_become_the_instruction(text):
    argv = prepare([text, "planner.max_steps=3"], TEXT_KEYS, "instruction")
    cfg = composed(argv)
    assert cfg.instruction == text and cfg.planner.max_steps == 3
    assert composed(prepare(["clean", "the", "spill"], TEXT_KEYS, "instruction")).instruction == "clean the spill"


def test_the_old_quoted_form_and_multirun_values_are_left_as_hydra_reads_them():
    assert composed(prepare(['instruction="I\'m thirsty"'], TEXT_KEYS, None)).instruction == "I'm thirsty"
    assert prepare(["-m", "instruction=a,b"], TEXT_KEYS, "instruction") == ["-m", "instruction=a,b"]


def test_the_value_of_a_hydra_flag_is_no_word_of_the_request():
    assert prepare(["clean the spill", "--cfg", "job"], TEXT_KEYS, "instruction") == [
        "--cfg", "job", "instruction='clean the spill'",
    ]  # fmt: skip
    assert prepare(["--info", "defaults", "tidy"], TEXT_KEYS, "instruction")[:2] == ["--info", "defaults"]
    assert prepare(["--info", "tidy"], TEXT_KEYS, "instruction") == ["--info", "instruction='tidy'"]


def test_bare_words_where_the_command_takes_none_or_twice_are_refused():
    with pytest.raises(ConfigError, match="unexpected argument 'oops'"):
        prepare(["oops"], TEXT_KEYS, None)
    with pytest.raises(ConfigError, match="the instruction is given twice"):
        prepare(["clean the spill", "instruction=x"], TEXT_KEYS, "instruction")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["planer.max_steps=3"], "unknown key 'planer.max_steps'; did you mean 'planner.max_steps'?"),
        (["+planer.max_steps=3"], "unknown key 'planer.max_steps' (+ adds keys only under scene.objects"),
        (["instrction=x"], "unknown key 'instrction'; valid: "),
        (["llm=gpt"], "unknown choice llm=gpt; valid: 'embedded', 'hf', 'openai'. Did you mean 'gpt'"[:44]),
        ([], "instruction is required: pass instruction=..."),
        # a key of the group's default, not of the choice given: the valid keys are the choice's
        (["pay=none", "pay.checkpoint_path=/x"], "unknown key 'pay.checkpoint_path' with pay=none; valid: 'pay.id'."),
    ],
)
def test_bad_overrides_are_one_line_naming_the_fix(argv, message):
    error = override_error("config", argv)
    assert error is not None and error.startswith(message) and "\n" not in error


def test_keys_may_be_added_where_the_scene_takes_new_names():
    argv = prepare(["x", "+scene.objects.soup=near counter", "+scene.attributes.soup=[food]"], TEXT_KEYS, "instruction")
    assert override_error("config", argv) is None
