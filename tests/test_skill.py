"""saycan/skill.py: registering skills, FunctionSkill, the library builder."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import skills
from saycan.errors import ConfigError
from saycan.skill import Skill
from saycan.world.state import SymbolicWorld


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
    with pytest.raises(ConfigError, match="unknown skill 'pickup'.*Did you mean 'pick_up'"):
        skills.make_library(["pickup", "done"])


def test_skill_from_callables_without_a_subclass(kitchen):
    from saycan.world.state import SymbolicWorld

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
