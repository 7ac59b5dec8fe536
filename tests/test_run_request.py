"""saycan/run_request.py: one request run the same way, and one trace header, for the CLI, the API and the eval."""

import json

import pytest
from omegaconf import OmegaConf

from saycan.api import Planner, compose
from saycan.envs.symbolic import SymbolicEnv
from saycan.errors import ConfigError
from saycan.eval.workers import build_runner
from saycan.planner.trace import read_trace
from saycan.run_request import HEADER_KEYS, run_request, trace_header
from tests.commands import run_command
from tests.eval.conftest import MINI_SUITE
from tests.planners import make_planner
from tests.scorers import PreferenceScorer

CLEAN = ["find the sponge", "pick up the sponge", "go to the table", "wipe the spill", "done"]


class ClosingEnv(SymbolicEnv):
    closed = False

    def close(self):
        self.closed = True


def header_keys(path):
    return set(json.loads(path.read_text().splitlines()[0])["meta"])


def test_the_header_records_each_part_by_id_and_parts_given_from_python_by_class(kitchen):
    cfg = compose("config", ["instruction=x", "planner.max_steps=7"])
    header = trace_header(cfg, kitchen, {"llm": PreferenceScorer(CLEAN)})
    assert set(header) == set(HEADER_KEYS)
    assert header["llm"] == "tests.scorers:PreferenceScorer" and header["affordance"] == "learned"
    assert header["planner"]["max_steps"] == 7 and header["scene_def"]["objects"] == dict(kitchen.objects)


def test_the_env_is_closed_however_the_plan_ends_unless_it_is_kept(kitchen, tmp_path):
    planner = make_planner(PreferenceScorer(CLEAN))
    env = ClosingEnv(kitchen)
    trace = run_request(planner, " clean\nthe spill ", env, tmp_path / "t.jsonl", scene=kitchen, goal=None,
                        header={"llm": "x"})  # fmt: skip
    assert env.closed and trace.instruction == "clean the spill" and trace.plan == CLEAN
    assert read_trace(tmp_path / "t.jsonl").meta["llm"] == "x"
    kept = ClosingEnv(kitchen)
    run_request(planner, "clean the spill", kept, tmp_path / "k.jsonl", scene=kitchen, goal=None, header={},
                keep_env=True)  # fmt: skip
    assert not kept.closed
    broken = ClosingEnv(kitchen)
    with pytest.raises(ConfigError, match="instruction is empty"):
        run_request(planner, "  ", broken, tmp_path / "e.jsonl", scene=kitchen, goal=None, header={})
    assert broken.closed


def test_the_command_line_the_api_and_the_eval_write_the_same_header(tmp_path, tiny_model_dir):
    overrides = ["llm=hf", f"llm.path={tiny_model_dir}", "planner.max_steps=2"]
    cli = tmp_path / "cli"
    out = run_command("saycan.run", [f"hydra.run.dir={cli}", "instruction=clean the spill", *overrides], tmp_path)
    assert out.returncode == 1, out.stderr  # clean(spill) is not reached in 2 steps
    api = Planner.from_config(overrides).run("clean the spill", trace_path=tmp_path / "api.jsonl")
    eval_cfg = OmegaConf.to_container(compose("eval", overrides), resolve=True)
    (tmp_path / "mini.yaml").write_text(MINI_SUITE)
    assert build_runner(eval_cfg, str(tmp_path / "mini.yaml"), str(tmp_path)).run("p1")["error"] is None
    written = [cli / "trace.jsonl", api.trace_path, tmp_path / "traces" / "p1.jsonl"]
    assert [header_keys(path) for path in written] == [{*HEADER_KEYS, "pay"}] * 3  # "pay": the goals Pay read
