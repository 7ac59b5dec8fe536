import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import skills
from saycan.envs.symbolic import SymbolicEnv
from saycan.errors import ConfigError
from saycan.world import SymbolicWorld
from skills.skill import Skill


@pytest.fixture
def library():
    return {s.id: s for s in skills.make_library()}


def _option(library, world, text):
    return next(o for s in library.values() for o in s.options(world) if o.text == text)


def test_kitchen_templates_expand_over_the_scene(kitchen, library):
    world = SymbolicWorld(kitchen)
    texts = [o.text for s in library.values() for o in s.options(world)]
    assert "pick up the sponge" in texts and "go to the trash can" in texts and "wipe the spill" in texts
    assert "go to the you" not in texts  # the user is reached with "bring it to you"
    assert len(texts) == 9 * 3 + 5 + 3


@pytest.mark.parametrize(
    ("steps", "text", "feasible"),
    [
        ([], "find the sponge", True),
        ([], "find the apple", True),  # already at the apple: succeeds at once, as in the sim
        (["pick up the apple"], "find the apple", False),  # in the hand
        ([], "pick up the sponge", False),  # the sponge is at the sink
        ([], "pick up the apple", True),
        ([], "go to the near counter", False),  # already there
        ([], "wipe the spill", False),
        ([], "bring it to you", False),  # holding nothing
        (["find the sponge", "pick up the sponge"], "wipe the spill", False),  # not at the table
        (["find the sponge", "pick up the sponge", "go to the table"], "wipe the spill", True),
        (["pick up the apple"], "pick up the orange", False),  # hand full
        (["pick up the apple"], "bring it to you", True),
        ([], "done", True),
    ],
)
def test_value_functions_follow_preconditions(kitchen, library, steps, text, feasible):
    env = SymbolicEnv(kitchen)
    for step in steps:
        option = _option(library, env.world, step)
        assert env.execute(library[option.skill], option).success
    option = _option(library, env.world, text)
    assert (library[option.skill].value(env.world, **option.kwargs) > 0) == feasible


def test_infeasible_skill_fails_when_executed(kitchen, library):
    env = SymbolicEnv(kitchen)
    option = _option(library, env.world, "wipe the spill")
    result = env.execute(library["wipe"], option)
    assert not result.success and "not holding the sponge" in result.message


def test_clean_the_spill_plan_cleans_it(kitchen, library):
    env = SymbolicEnv(kitchen)
    for text in ["find the sponge", "pick up the sponge", "go to the table", "wipe the spill"]:
        option = _option(library, env.world, text)
        assert env.execute(library[option.skill], option).success, text
    assert env.world.is_clean("spill")


def test_register_custom_skill_and_clean_up():
    class Wave(Skill):
        pass

    skills.register("wave_test", Wave, template="wave at the {location}")
    try:
        assert skills.make("wave_test").template == "wave at the {location}"
        with pytest.raises(ValueError, match="already registered"):
            skills.register("wave_test", Wave, template="wave")
    finally:
        skills.registry.unregister("wave_test")


def test_unknown_placeholder_is_rejected_at_registration():
    with pytest.raises(ConfigError, match=r"unknown placeholder \{drawer\}; valid: \{object\}"):
        skills.register("open_test", Skill, template="open the {drawer}")
    assert "open_test" not in skills.registry


def test_library_needs_a_terminal_skill_and_known_ids():
    with pytest.raises(ConfigError, match="no terminal skill"):
        skills.make_library(["find", "pick_up"])
    with pytest.raises(KeyError, match="unknown skill 'pickup'.*Did you mean 'pick_up'"):
        skills.make_library(["pickup", "done"])


def test_skill_from_callables_without_a_subclass(kitchen):
    from saycan.world import SymbolicWorld

    def wave_value(world, location):
        return 0.8 if world.robot_at == location else 0.0

    skills.register("wave_fn_test", template="wave at the {location}", value_fn=wave_value)
    try:
        skill = skills.make("wave_fn_test")
        world = SymbolicWorld(kitchen)
        assert skill.value(world, location="near counter") == 0.8 and skill.value(world, location="sink") == 0.0
        assert skill.simulate(None, location="sink") is None  # no sim routine given
    finally:
        skills.registry.unregister("wave_fn_test")


def test_registering_without_entry_point_or_value_function_is_refused():
    with pytest.raises(ConfigError, match="pass an entry_point"):
        skills.register("nothing_test", template="do nothing")
    assert "nothing_test" not in skills.registry


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=40), st.sampled_from(["{object", "{}", "{0}", "{object!r}", "{object.x}", "{{x}}"])))
def test_any_template_registers_and_expands_or_is_one_config_error(kitchen, template):
    try:
        skills.register("fuzz_test", template=template, value_fn=lambda world, **names: 0.5)
    except ConfigError as exc:
        assert "\n" not in str(exc).replace(template, "") and "template" in str(exc)
        return
    try:
        options = skills.make("fuzz_test").options(SymbolicWorld(kitchen))
        assert options and all(o.text.strip() and o.text.isprintable() for o in options)
    except ConfigError as exc:
        assert "fuzz_test" in str(exc) or "template" in str(exc)
    finally:
        skills.registry.unregister("fuzz_test")
