import pytest
import yaml

from saycan.errors import ConfigError
from saycan.resources import suites_dir
from saycan.suite import load_suite


def test_shipped_suite_loads_and_finds_instructions(kitchen):
    suite = load_suite(suites_dir() / "kitchen.yaml", {"kitchen": kitchen})
    task = suite.find("Clean the spill.")
    assert task is not None and str(task.goal[0][0]) == "clean(spill)"


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ({"family": "nounz"}, "unknown family 'nounz'.*Did you mean 'nouns'"),
        ({"success": [["at(banana, you)"]]}, "unknown name 'banana'"),
        ({"init": {"robot_at": "moon"}}, "robot.at: unknown location 'moon'"),
        ({"colour": "red"}, "unknown key 'colour'"),
    ],
)
def test_bad_task_names_file_task_and_choices(tmp_path, kitchen, task, message):
    raw = {"id": "t9", "family": "nouns", "instruction": "bring me a fruit", "success": [["at(apple, you)"]], **task}
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "scene": "kitchen", "tasks": [raw]}))
    with pytest.raises(ConfigError, match=message) as err:
        load_suite(path, {"kitchen": kitchen})
    assert str(path) in str(err.value) and "t9" in str(err.value)
