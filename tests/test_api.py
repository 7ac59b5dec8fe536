"""saycan/api.py: the Python API has the command line's defaults and contracts."""

import pytest

import saycan
from saycan import Planner
from saycan.errors import ConfigError
from saycan.planner.trace import read_trace
from saycan.skill import registry
from tests.scorers import PreferenceScorer

CLEAN = ["find the sponge", "pick up the sponge", "go to the table", "wipe the spill", "done"]


def test_run_returns_the_plan_the_goal_the_trace_and_every_scored_option(tmp_path):
    planner = Planner(llm=PreferenceScorer(CLEAN), overrides=["affordance=state"], trace_dir=tmp_path)
    result = planner.run("clean the spill")
    assert result.plan == CLEAN and result.finished and result.goal == "clean(spill)" and result.goal_reached
    assert result.trace_path.is_file() and result.trace_path.is_relative_to(tmp_path)
    assert len(result.steps[0].options) == 35 and result.steps[0].options[0].combined >= 0
    assert read_trace(result.trace_path).plan == CLEAN  # the same trace the CLI writes


def test_defaults_are_the_command_lines(tiny_model_dir):
    from saycan.affordance.learned import LearnedAffordance

    planner = Planner.from_config(overrides=["llm=hf", f"llm.path={tiny_model_dir}"])
    assert isinstance(planner.loop.affordance, LearnedAffordance)  # affordance=learned, as on the CLI
    assert planner.loop.prompt.retrieve == 6 and planner.scene.name == "kitchen"


def test_a_goal_in_each_syntax_and_another_env_per_run(tmp_path):
    planner = Planner(llm=PreferenceScorer(CLEAN), overrides=["affordance=state"], trace_dir=tmp_path)
    assert planner.run("tidy up", goal="clean(spill) or at(apple, you)").goal_reached
    assert not planner.run("tidy up", goal=[["clean(spill)", "at(apple, you)"]]).goal_reached
    with pytest.raises(ConfigError, match="unknown name 'banana'"):
        planner.run("tidy up", goal="at(banana, you)")


def test_bad_overrides_and_instructions_are_config_errors_naming_the_fix():
    with pytest.raises(ConfigError, match="did you mean 'planner.max_steps'"):
        Planner(llm=PreferenceScorer(CLEAN), overrides=["planer.max_steps=3"])
    planner = Planner(llm=PreferenceScorer(CLEAN), overrides=["affordance=state"])
    with pytest.raises(ConfigError, match="instruction is empty"):
        planner.run("   ")


def _heat(world, object):
    world.graph.nodes[object]["heated"] = True


USES = [{"instruction": "heat the {object}", "steps": ["find the {object}", "heat the {object}", "done"]}]


def test_register_skill_in_each_form_brings_its_examples_to_the_prompt_bank():
    @saycan.register_skill("warm_fn_test", template="warm the {object}", effect=_heat, examples=USES)
    def warm_value(world, object):
        return 0.5

    @saycan.register_skill("warm_cls_test", template="toast the {object}", examples=USES)
    class Toast(saycan.Skill):
        pass

    try:
        saycan.register_skill("warm_call_test", template="boil the {object}", value_fn=warm_value, examples=USES)
        assert warm_value.__name__ == "warm_value" and Toast.__name__ == "Toast"  # decorators return their target
        planner = Planner(llm=PreferenceScorer(CLEAN), extra_skills=["warm_fn_test", "warm_cls_test"])
        bank = planner.loop.prompt.bank
        assert sum(ex.instruction == "heat the {object}" for ex in bank) == 2
        skills = {s.id: s for s in planner.skills}
        assert skills["warm_fn_test"].value(None, object="apple") == 0.5 and isinstance(skills["warm_cls_test"], Toast)
        with pytest.raises(ConfigError, match=r"examples\[0\].steps must be a non-empty list"):
            saycan.register_skill("bad_test", template="x", value_fn=warm_value, examples=[{"instruction": "x"}])
            saycan.skill.make("bad_test")
    finally:
        for id in ("warm_fn_test", "warm_cls_test", "warm_call_test", "bad_test"):
            if id in registry:
                registry.unregister(id)


def test_import_saycan_loads_no_model():
    import subprocess
    import sys

    code = "import sys, saycan; saycan.Planner; print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr
