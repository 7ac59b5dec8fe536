import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saycan.errors import ConfigError
from saycan.storage.resources import suites_dir
from saycan.world.suite import load_suite
from tests.world.test_scene import YAML_VALUES


def test_shipped_suite_loads_and_finds_instructions(kitchen):
    suite = load_suite(suites_dir() / "kitchen.yaml", {"kitchen": kitchen})
    task = suite.find("Clean the spill.")
    assert task is not None and str(task.goal[0][0]) == "clean(spill)"


def test_unseen_suite_covers_every_family_with_tasks_not_in_the_shipped_suite(kitchen):
    from saycan.world.suite import FAMILIES

    unseen = load_suite(suites_dir() / "kitchen_unseen.yaml", {"kitchen": kitchen})
    shipped = {t.instruction.lower() for t in load_suite(suites_dir() / "kitchen.yaml", {"kitchen": kitchen}).tasks}
    assert [t.instruction for t in unseen.tasks if t.instruction.lower() in shipped] == []
    assert sorted({t.family for t in unseen.tasks}) == sorted(FAMILIES)


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ({"family": "nounz"}, "unknown family 'nounz'.*Did you mean 'nouns'"),
        ({"success": [["at(banana, you)"]]}, "unknown name 'banana'"),
        ({"init": {"robot_at": "moon"}}, "robot.at: unknown location 'moon'"),
        ({"colour": "red"}, "unknown key 'colour'"),
        ({"expect": "impossible"}, "expect: unknown value 'impossible'.*Did you mean 'not_possible'"),
        ({"expect": "not_possible"}, "give either success clauses or expect: not_possible, not both"),
        ({"language": "Spanish"}, "language: 'Spanish' is not an ISO 639 code; e.g. es"),
    ],
)
def test_bad_task_names_file_task_and_choices(tmp_path, kitchen, task, message):
    raw = {"id": "t9", "family": "nouns", "instruction": "bring me a fruit", "success": [["at(apple, you)"]], **task}
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "scene": "kitchen", "tasks": [raw]}))
    with pytest.raises(ConfigError, match=message) as err:
        load_suite(path, {"kitchen": kitchen})
    assert str(path) in str(err.value) and "t9" in str(err.value)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(["id", "family", "instruction", "init", "success", "language", "extra"]),
    value=YAML_VALUES,
    goal=st.text(max_size=30),
)
def test_any_task_field_loads_or_is_one_config_error_naming_the_file(tmp_path, kitchen, field, value, goal):
    raw = {"id": "t9", "family": "nouns", "instruction": "bring me a fruit", "success": [[goal]], field: value}
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "scene": "kitchen", "tasks": [raw]}, allow_unicode=True))
    try:
        suite = load_suite(path, {"kitchen": kitchen})
    except ConfigError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
    else:
        assert len(suite.tasks) == 1 and suite.tasks[0].goal


def test_a_suite_may_carry_its_scenes_and_each_task_name_its_own(tmp_path, kitchen):
    from saycan.world.scene import scene_definition

    desk = {**scene_definition(kitchen), "locations": ["desk", "you"], "objects": {"pen": "desk"}, "spills": {},
            "robot": {"at": "desk"}, "attributes": {}}  # fmt: skip
    path = tmp_path / "mixed.yaml"
    path.write_text(yaml.safe_dump({
        "name": "mixed", "scene": "kitchen", "scenes": {"study": desk},
        "tasks": [{"id": "a", "family": "verbs", "instruction": "hand me the pen", "scene": "study",
                   "success": [["at(pen, you)"]]},
                  {"id": "b", "family": "verbs", "instruction": "bring me the apple", "success": [["at(apple, you)"]]}],
    }))  # fmt: skip
    suite = load_suite(path, {"kitchen": kitchen})
    assert [t.scene.name for t in suite.tasks] == ["study", "kitchen"]
    bad = yaml.safe_load(path.read_text())
    bad["tasks"][0]["scene"] = "studdy"
    path.write_text(yaml.safe_dump(bad))
    with pytest.raises(ConfigError, match="unknown scene 'studdy'"):
        load_suite(path, {"kitchen": kitchen})


def test_a_task_may_expect_a_refusal_instead_of_success_clauses(tmp_path, kitchen):
    raw = {"id": "t1", "family": "nouns", "instruction": "bring me the banana", "expect": "not_possible"}
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "scene": "kitchen", "tasks": [raw]}))
    task = load_suite(path, {"kitchen": kitchen}).tasks[0]
    assert task.expect == "not_possible" and task.goal == ()


def test_a_task_says_its_language_english_when_unsaid(tmp_path, kitchen):
    tasks = [
        {
            "id": "t1",
            "family": "nouns",
            "instruction": "tráeme la manzana",
            "language": "es",
            "success": [["at(apple, you)"]],
        },
        {"id": "t2", "family": "nouns", "instruction": "bring me the apple", "success": [["at(apple, you)"]]},
    ]
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "scene": "kitchen", "tasks": tasks}, allow_unicode=True))
    assert [t.language for t in load_suite(path, {"kitchen": kitchen}).tasks] == ["es", "en"]
