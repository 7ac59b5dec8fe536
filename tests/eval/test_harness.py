import json

import pytest

from saycan.envs.symbolic import SymbolicEnv
from saycan.errors import ConfigError
from saycan.eval.harness import TASKS_FILE, append_rows, run_suite
from saycan.world.suite import load_suite
from tests.planners import make_planner
from tests.scorers import PreferenceScorer


@pytest.fixture
def suite(mini_suite_path, kitchen):
    return load_suite(mini_suite_path, {"kitchen": kitchen})


def planner(wishes):
    return make_planner(PreferenceScorer(wishes), max_steps=4)


def test_plan_success_needs_the_goal_and_done(suite, tmp_path):
    rows = list(
        run_suite(suite, planner(["find the sponge", "pick up the sponge", "done"]), _symbolic, tmp_path, False)
    )
    by_id = {r["id"]: r for r in rows}
    assert by_id["p1"]["plan"] == ["find the sponge", "pick up the sponge", "done"]
    assert by_id["p1"]["plan_success"] is True and by_id["p1"]["execution_success"] is None
    assert by_id["c1"]["plan_success"] is False and by_id["c1"]["error"] is None
    assert (tmp_path / "traces" / "p1.jsonl").is_file()


def test_a_crashing_task_is_recorded_and_the_run_goes_on(suite, tmp_path):
    def make_env(task):
        if task.id == "p1":
            raise RuntimeError("sim exploded")
        return _symbolic(task)

    rows = list(run_suite(suite, planner(["done"]), make_env, tmp_path, False))
    assert rows[0]["error"] == "RuntimeError: sim exploded" and rows[0]["plan_success"] is False
    assert rows[1]["id"] == "c1" and rows[1]["error"] is None


def test_resume_skips_finished_tasks_and_never_overwrites(suite, tmp_path):
    first = run_suite(suite, planner(["done"]), _symbolic, tmp_path, False)
    next(first)  # one task finished, then the run is "killed"
    first.close()
    (tmp_path / TASKS_FILE).open("a").write('{"id": "c1", "fam')  # torn mid-line
    with pytest.raises(ConfigError, match="resume=true"):
        list(run_suite(suite, planner(["done"]), _symbolic, tmp_path, False))
    rest = list(run_suite(suite, planner(["done"]), _symbolic, tmp_path, True))
    assert [r["id"] for r in rest] == ["c1"]
    lines = (tmp_path / TASKS_FILE).read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["p1", "c1"]


def _symbolic(task):
    return SymbolicEnv(task.scene)


def test_a_run_that_fails_before_its_first_task_leaves_no_out(suite, tmp_path):
    def no_ray(ids):  # a pool that fails when first asked, as parallel=ray does without Ray installed
        raise ConfigError("parallel=ray needs Ray: pip install 'saycan[ray]'")
        yield

    out = tmp_path / "out"
    with pytest.raises(ConfigError, match="needs Ray"):
        list(append_rows(suite, out, False, no_ray))
    assert not out.exists()  # was an empty out/tasks.jsonl, so the next run refused out


def test_a_task_that_expects_a_refusal_succeeds_only_when_the_plan_refuses(kitchen, tmp_path):
    path = tmp_path / "refuse.yaml"
    path.write_text(
        "name: refuse\nscene: kitchen\ntasks:\n"
        "  - {id: n1, family: nouns, instruction: bring me the banana, expect: not_possible}\n"
        "  - {id: n2, family: nouns, instruction: bring me the orange, expect: not_possible}\n"
    )
    rows = list(run_suite(load_suite(path, {"kitchen": kitchen}), planner(["pick up the orange", "done"]),
                          _symbolic, tmp_path / "out", False))  # fmt: skip
    assert rows[0]["plan"] == [] and rows[0]["plan_success"] is True
    # the orange is there: the planner takes it, and a task that expected a refusal has failed
    assert rows[1]["plan"] == ["pick up the orange", "done"] and rows[1]["plan_success"] is False
    assert rows[1]["side_effects"] == ["orange"]
