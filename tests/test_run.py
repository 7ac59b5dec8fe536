"""The `python -m saycan.run` command, as a user runs it."""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.commands import run_command

REPO = Path(__file__).resolve().parents[1]


def run(tmp_path, *overrides):
    """``python -m saycan.run`` in this test's process (`tests.commands`): what a user sees, minus the start-up."""
    return run_command("saycan.run", [f"hydra.run.dir={tmp_path}", *overrides], tmp_path)


def run_process(tmp_path, *overrides, timeout=600):
    """``python -m saycan.run`` in a process of its own, for what only a real process shows."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    cmd = [sys.executable, "-m", "saycan.run", f"hydra.run.dir={tmp_path}", *overrides]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=tmp_path, env=env)


def test_hf_model_by_path_plans_and_writes_the_trace(tmp_path, tiny_model_dir):
    # The main job as a user starts it: the module entry point in a fresh interpreter.
    out = run_process(tmp_path, "instruction=clean the spill", "llm=hf", f"llm.path={tiny_model_dir}",
                      "planner.max_steps=3")  # fmt: skip
    assert out.returncode == 1, out.stderr  # the suite's goal for the request, not reached in 3 steps
    assert "LLM score" in out.stdout and "affordance" in out.stdout and "combined" in out.stdout
    assert "Goal clean(spill)" in out.stdout and f"Trace: {tmp_path / 'trace.jsonl'}" in out.stdout
    lines = [json.loads(line) for line in (tmp_path / "trace.jsonl").read_text().splitlines()]
    assert lines[0]["kind"] == "header" and lines[-1]["kind"] == "end"
    assert sum(line["kind"] == "step" for line in lines) == len(lines[-1]["plan"]) <= 3


def test_the_large_kitchen_plans_over_550_skills(tmp_path, tiny_model_dir):
    out = run(tmp_path, "instruction=clean the spill", "scene=kitchen_large", "llm=hf", f"llm.path={tiny_model_dir}",
              "planner.max_steps=2")  # fmt: skip
    assert out.returncode == 1, out.stderr  # clean(spill) is not reached in 2 steps
    steps = [json.loads(x) for x in (tmp_path / "trace.jsonl").read_text().splitlines() if '"kind": "step"' in x]
    assert steps and all(len(s["options"]) == 550 for s in steps)
    assert "pick up the banana" in {o["text"] for o in steps[0]["options"]}


def test_scene_typo_is_one_clear_line_not_a_traceback(tmp_path, tiny_model_dir):
    out = run(tmp_path, "instruction=x", "llm=hf", f"llm.path={tiny_model_dir}", "scene.objects.apple=tabel")
    assert out.returncode == 2
    assert "conf/scene/kitchen.yaml: objects.apple: unknown location 'tabel'" in out.stderr
    assert "Did you mean 'table'" in out.stderr and "Traceback" not in out.stdout + out.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("affordance.checkpoint_path=/nope", "error: value checkpoint '/nope'"),
        ("llm.batch_size=lots", "error: llm.batch_size must be an integer >= 1 or 'auto', got 'lots'"),
        ("scene.robot.at=[1,2]", "error: conf/scene/kitchen.yaml: robot.at must be a name (text)"),
    ],
)
def test_error_while_building_a_part_is_one_line_not_hydras_wrapper(tmp_path, tiny_model_dir, override, message):
    out = run(tmp_path, "instruction=x", "llm=hf", f"llm.path={tiny_model_dir}", override)
    assert out.returncode == 2, out.stdout + out.stderr
    assert message in out.stderr and "Traceback" not in out.stdout + out.stderr
    assert "HYDRA_FULL_ERROR" not in out.stdout + out.stderr


def test_unknown_llm_group_lists_the_choices(tmp_path):
    out = run(tmp_path, "instruction=x", "llm=gpt9")
    assert out.returncode == 2 and not out.stdout
    assert out.stderr == "error: unknown choice llm=gpt9; valid: 'embedded', 'hf', 'openai'.\n"


def test_missing_instruction_says_how_to_pass_one(tmp_path):
    out = run(tmp_path)
    assert out.returncode == 2 and not out.stdout
    assert out.stderr.startswith('error: no instruction: pass one, e.g. python -m saycan.run "clean the spill"')
    assert out.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("skills.names=[find,pickup]", "error: unknown skill 'pickup'; valid: 'bring', 'close', 'done', 'find'"),
        ("llm.id=gpt9", "error: unknown llm 'gpt9'; valid: 'embedded', 'hf', 'openai'."),
        ("affordance.id=learnt", "Did you mean 'learned'?"),
        ("env.id=pybulet", "Did you mean 'pybullet'?"),
        (
            "executor.id=tiny",
            "error: unknown executor 'tiny'; valid: 'openpi', 'openvla', 'openvla_server', 'scripted', 'tiny_vla'",
        ),
    ],
)
def test_unknown_registry_id_is_one_line_on_stderr_before_any_model_loads(tmp_path, override, message):
    started = time.monotonic()
    out = run(tmp_path, "instruction=x", override)  # llm=embedded: loading it would take seconds
    assert out.returncode == 2 and not out.stdout, out.stdout + out.stderr
    assert message in out.stderr and out.stderr.count("\n") == 1
    assert time.monotonic() - started < 30


def test_multirun_sweeps_planner_settings(tmp_path, tiny_model_dir):
    cmd = [
        sys.executable,
        "-m",
        "saycan.run",
        "-m",
        f"hydra.sweep.dir={tmp_path}",
        "instruction=x",
        "llm=hf",
        f"llm.path={tiny_model_dir}",
        "planner.max_steps=1,2",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "0" / "trace.jsonl").is_file() and (tmp_path / "1" / "trace.jsonl").is_file()


@pytest.mark.slow
def test_default_run_cleans_the_spill_with_the_embedded_model(tmp_path):
    out = run_process(tmp_path, "instruction=clean the spill")
    assert out.returncode == 0, out.stderr
    assert "Goal clean(spill): reached" in out.stdout
    assert "Plan: 1. find the sponge 2. pick up the sponge 3. go to the table 4. wipe the spill 5. done" in out.stdout


STUDY = """
name: study
locations: [writing desk, armchair, cabinet, bin, you]
closed: [cabinet]
objects: {fountain pen: writing desk, crossword book: armchair, tea tin: cabinet, cushion: armchair}
robot: {at: armchair}
"""


@pytest.mark.slow
def test_a_users_own_scene_file_plans_a_bring_request_from_the_command_line_and_from_python(tmp_path):
    """A scene of one's own (no attributes, a door, a bin not called "trash can") with the defaults."""
    scene = tmp_path / "study.yaml"
    scene.write_text(STUDY)
    out = run(tmp_path, "instruction=bring me the tea tin", f"scene={scene}", "goal=at(tea tin, you)")
    assert out.returncode == 0, out.stderr
    assert "Plan: 1. find the tea tin 2. open the cabinet 3. pick up the tea tin 4. close the cabinet" in out.stdout
    assert "Goal at(tea tin, you): reached" in out.stdout
    from saycan import Planner

    result = Planner(scene=scene, trace_dir=tmp_path).run("bring me the fountain pen", goal="at(fountain pen, you)")
    assert result.goal_reached and result.plan[-1] == "done"


@pytest.mark.slow
def test_pybullet_run_cleans_the_spill_in_the_sim(tmp_path):
    out = run(tmp_path, "instruction=clean the spill", "env=pybullet")
    assert out.returncode == 0, out.stderr
    assert "Goal clean(spill): reached" in out.stdout and "simulated" in out.stdout


@pytest.mark.slow
def test_forced_grasp_failure_in_the_sim_is_replanned_to_success(tmp_path):
    out = run(tmp_path, "instruction=clean the spill", "env=pybullet", "sim.force_failures={pick up the sponge: 1}")
    assert out.returncode == 0, out.stderr
    assert "2. pick up the sponge (failed) 3. pick up the sponge" in out.stdout
    assert "Goal clean(spill): reached" in out.stdout


def test_extra_skills_come_from_config(tmp_path, tiny_model_dir):
    repo = Path(__file__).resolve().parents[1]
    overrides = [
        "instruction=heat the soup",
        "llm=hf",
        f"llm.path={tiny_model_dir}",
        "planner.max_steps=2",
        "scene.locations=[far counter,near counter,table,sink,trash can,you,microwave]",
        "+scene.objects.soup=near counter",
        "skills.extra=[{_target_: examples.custom_skill.heat_skill}]",
    ]
    out = subprocess.run(
        [sys.executable, "-m", "saycan.run", f"hydra.run.dir={tmp_path}", *overrides],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=repo,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    step = json.loads((tmp_path / "trace.jsonl").read_text().splitlines()[1])
    assert "heat the soup" in {o["text"] for o in step["options"]}


def test_duplicate_skill_from_config_is_one_clear_error(tmp_path, tiny_model_dir):
    out = run(
        tmp_path,
        "instruction=x",
        "llm=hf",
        f"llm.path={tiny_model_dir}",
        "skills.extra=[{_target_: saycan.skill.make, id: done}]",
    )
    assert out.returncode == 2 and "skill ids must be unique" in out.stderr


def test_policy_executor_without_the_sim_is_one_clear_error(tmp_path, tiny_model_dir):
    out = run(tmp_path, "instruction=x", "llm=hf", f"llm.path={tiny_model_dir}", "executor=tiny_vla")
    assert out.returncode == 2, out.stderr
    assert "needs env=pybullet" in out.stderr and "Traceback" not in out.stdout + out.stderr


def test_sigkilled_run_keeps_a_valid_trace_of_every_finished_step(tmp_path, tiny_model_dir):
    from saycan.planner.trace import read_trace

    # "done" is forced to fail, so the plan goes on in the sim, a few seconds per step.
    cmd = [
        sys.executable,
        "-m",
        "saycan.run",
        f"hydra.run.dir={tmp_path}",
        "instruction=clean the spill",
        "llm=hf",
        f"llm.path={tiny_model_dir}",
        "env=pybullet",
        "planner.max_steps=12",
        "sim.force_failures={done: 100}",
    ]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = tmp_path / "trace.jsonl"
    deadline = time.monotonic() + 300
    while not (path.exists() and path.read_text().count('"kind": "step"') >= 3) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(random.Random(1).uniform(0, 0.5))
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    trace = read_trace(path)
    assert 3 <= len(trace.steps) < 12 and not trace.finished
    assert [s.index for s in trace.steps] == list(range(1, len(trace.steps) + 1))
    assert all(s.options and s.chosen for s in trace.steps)


def test_llm_server_failing_mid_plan_stops_with_one_line_and_keeps_the_trace(tmp_path, tiny_scorer):
    from tests.llm.completions_server import CompletionsServer

    # Step 1 is answered; from step 2 on the server answers HTTP 500, past the retry bound.
    with CompletionsServer(tiny_scorer, faults=(None, "500", "500", "500")) as server:
        out = run(tmp_path, "instruction=clean the spill", "llm=openai", f"llm.base_url={server.url}",
                  "llm.model=tiny", "llm.max_retries=2", "sim.force_failures={done: 100}")  # fmt: skip
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"error: LLM server {server.url} answered HTTP 500" in out.stderr
    assert "Traceback" not in out.stdout + out.stderr
    assert "HTTP Request" not in out.stdout + out.stderr  # the HTTP client's per-request log stays quiet
    assert "Retrying request" not in out.stdout + out.stderr  # the error says how often it tried
    lines = [json.loads(x) for x in (tmp_path / "trace.jsonl").read_text().splitlines()]
    assert [x["kind"] for x in lines] == ["header", "step"]


def test_an_unreachable_llm_server_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
    out = run(tmp_path, "instruction=clean the spill", "llm=openai", f"llm.base_url={url}", "llm.model=x",
              "llm.max_retries=1")  # fmt: skip
    assert out.returncode == 2
    assert out.stdout.strip() == "" and out.stderr.strip().splitlines() == [
        f"error: cannot reach the LLM server at {url} (Connection error, 2 tries); is it running?"
    ]


OVERRIDE_KEYS = [
    "planner.max_steps", "planner.max_attempts", "planner.score_reduction", "planner.recovery", "planner.scoring",
    "planner.termination", "llm.batch_size", "prompt.retrieve", "prompt.query", "scene.scale", "scene.robot.at",
    "scene.robot.holding", "scene.objects.apple", "sim.noise", "sim.force_failures",
]  # fmt: skip
OVERRIDE_VALUES = st.one_of(
    st.integers(-5, 10**6).map(str),
    st.sampled_from(["null", "true", "[]", "{}", "[1,2]", "''", "nan", "1e309", "sum", "mean", "table", "done"]),
    st.text(alphabet=st.characters(codec="ascii", exclude_characters="=,[]{}()'\"\\$"), min_size=1, max_size=12),
)


@settings(max_examples=40, deadline=None)
@given(key=st.sampled_from(OVERRIDE_KEYS), value=OVERRIDE_VALUES)
def test_any_override_builds_or_is_one_config_error(tiny_model_dir, key, value):
    from saycan import factory
    from saycan.api import compose
    from saycan.errors import ConfigError, user_error

    overrides = ["instruction=clean the spill", "llm=hf", f"llm.path={tiny_model_dir}", f"{key}={value}"]
    try:
        cfg = compose("config", overrides=overrides)  # checked as the command line checks them
    except ConfigError as exc:
        assert "\n" not in str(exc), f"{key}={value}: {exc}"
        return
    try:
        scene = factory.scene(cfg)
        factory.goal(cfg, scene)
        factory.planner(cfg)
        factory.env(cfg, scene).close()
    except Exception as exc:
        assert user_error(exc) is not None, f"{key}={value}: {type(exc).__name__}: {exc}"
        assert "\n" not in str(user_error(exc))


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("planner.foo=1", "error: unknown key 'planner.foo'; valid: 'planner.ask', 'planner.ask_fallback', "),
        ("planer.max_steps=3", "error: unknown key 'planer.max_steps'; did you mean 'planner.max_steps'?"),
        ("+planer.max_steps=3", "error: unknown key 'planer.max_steps' (+ adds keys only under scene.objects"),
        ("llm=nope", "error: unknown choice llm=nope; valid: 'embedded', 'hf', 'openai'."),
        ("planner.max_steps=[1", "error: bad override: no viable alternative at input '[1'"),
    ],
)
def test_bad_overrides_are_one_line_on_stderr(tmp_path, override, message):
    out = run(tmp_path, "instruction=x", override)
    assert out.returncode == 2
    assert out.stderr.startswith(message) and out.stderr.count("\n") == 1 and not out.stdout.strip()


REQUESTS = [
    "I'm thirsty, can you help?",
    'say "hi", then: [go] = now',
    "日本語で水をください",
    "is x=1, y=${oops}? a\\b",
]


@pytest.mark.parametrize("text", REQUESTS)
def test_a_request_as_typed_reaches_the_trace_unchanged_in_either_form(tmp_path, tiny_model_dir, text):
    tiny = ["llm=hf", f"llm.path={tiny_model_dir}", "planner.max_steps=1", "affordance=state"]
    for argv in ([text, *tiny], [f"instruction={text}", *tiny]):  # argv exactly as a shell passes it
        out = run(tmp_path, *argv)
        assert out.returncode == 0, out.stderr
        assert json.loads((tmp_path / "trace.jsonl").read_text().splitlines()[0])["instruction"] == text


@pytest.mark.parametrize(
    ("goal", "written"),
    [
        ("at(apple, you) or at(orange, you)", "at(apple, you) or at(orange, you)"),
        ("at(apple, you) and at(orange, you)", "at(apple, you) and at(orange, you)"),
        ("[[at(apple, you)], [at(orange, you)]]", "at(apple, you) or at(orange, you)"),
        ("clean(spill)", "clean(spill)"),
    ],
)
def test_goals_as_written(tmp_path, tiny_model_dir, goal, written):
    out = run(tmp_path, "bring me a fruit", f"goal={goal}", "llm=hf", f"llm.path={tiny_model_dir}",
              "planner.max_steps=1", "affordance=state")  # fmt: skip
    assert out.returncode == 1, out.stderr  # one step reaches none of these goals: exit 1 says so
    assert f"Goal {written}: not reached" in out.stdout
    assert json.loads((tmp_path / "trace.jsonl").read_text().splitlines()[0])["goal"] == written


def test_the_hint_after_a_free_form_run_is_a_command_that_runs_as_shown(tmp_path, tiny_model_dir):
    import shlex

    tiny = ["llm=hf", f"llm.path={tiny_model_dir}", "planner.max_steps=1", "affordance=state"]
    out = run(tmp_path, "I'm thirsty, can you help?", *tiny)
    lines = out.stdout.splitlines()
    hint = lines[lines.index("Goal: not known for this instruction; to check one, run e.g.") + 1].strip()
    argv = shlex.split(hint)
    assert argv[:4] == ["python", "-m", "saycan.run", "I'm thirsty, can you help?"]
    again = run(tmp_path, *argv[3:], *tiny)
    assert again.returncode == 1, again.stderr  # the hint's goal, not reached in one step
    assert "Goal at(coke can, you): " in again.stdout


def test_a_request_for_what_the_scene_lacks_says_so_does_nothing_and_exits_3(tmp_path, tiny_model_dir):
    out = run(tmp_path, "bring me the banana", "llm=hf", f"llm.path={tiny_model_dir}", "planner.max_steps=2")
    assert out.returncode == 3  # was 0, after bringing the apple
    assert out.stderr.strip().splitlines() == [
        "warning: the scene has no banana, so the robot did nothing; of its kind there are: apple, orange"
    ]
    assert "Step 1:" not in out.stdout and "Stopped after 0 steps (not_possible)" in out.stdout
    end = json.loads((tmp_path / "trace.jsonl").read_text().splitlines()[-1])
    assert end["stop_reason"] == "not_possible" and end["plan"] == []


def test_gui_without_a_display_is_one_line_before_any_model_loads(tmp_path, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    started = time.monotonic()
    out = run(tmp_path, "clean the spill", "env=pybullet", "gui=true")  # PyBullet's window would hang here
    assert out.returncode == 2 and "gui=true needs a display" in out.stderr and "drop gui=true" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and time.monotonic() - started < 8


def test_an_empty_instruction_is_refused_before_any_model_loads(tmp_path):
    started = time.monotonic()
    out = run(tmp_path, "instruction=")  # what a shell passes for instruction="" (llm=embedded takes seconds to load)
    assert out.returncode == 2 and not out.stdout
    assert out.stderr == 'error: instruction is empty; pass one, e.g. instruction="clean the spill"\n'
    assert time.monotonic() - started < 8


def ask_run(tmp_path, tiny_model_dir, stdin, *overrides, request="bring me a soda"):
    (tmp_path / "cal.json").write_text('{"epsilon": 0.15, "qhat": 1.0, "n": 400, "rule": "prefix"}')  # always ask
    cmd = [sys.executable, "-m", "saycan.run", request, f"hydra.run.dir={tmp_path}", "llm=hf",
           f"llm.path={tiny_model_dir}", "planner.ask=conformal", f"planner.calibration={tmp_path / 'cal.json'}",
           "planner.max_steps=2", *overrides]  # fmt: skip
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=600, cwd=tmp_path)


def test_terminal_question_is_answered_through_stdin(tmp_path, tiny_model_dir):
    # Step 1: the third option, not the top one (the second is `done` with the tiny LM); step 2: none of these.
    out = ask_run(tmp_path, tiny_model_dir, "3\n0\n")
    assert out.returncode == 1, out.stderr  # the person stopped it before the suite's goal
    assert "Which one?" in out.stdout and "0. none of these" in out.stdout and "stopped_by_person" in out.stdout
    lines = [json.loads(x) for x in (tmp_path / "trace.jsonl").read_text().splitlines()]
    questions = [x for x in lines if x["kind"] == "question"]
    assert [q["by"] for q in questions] == ["person", "person"] and questions[1]["answer"] is None
    steps = [x for x in lines if x["kind"] == "step"]
    assert len(steps) == 1 and steps[0]["chosen"] == questions[0]["options"][2] == questions[0]["answer"]
    assert steps[0]["chosen_by"] == "person" and lines[-1]["stop_reason"] == "stopped_by_person"


@pytest.mark.parametrize(("fallback", "reason"), [("top", "max_steps"), ("stop", "needs_help")])
def test_without_a_terminal_the_fallback_decides(tmp_path, tiny_model_dir, fallback, reason):
    out = ask_run(tmp_path, tiny_model_dir, "", f"planner.ask_fallback={fallback}")  # stdin at its end
    assert out.returncode == 1, out.stderr  # two steps do not bring the soda
    end = json.loads((tmp_path / "trace.jsonl").read_text().splitlines()[-1])
    assert end["stop_reason"] in ((reason, "done") if fallback == "top" else (reason,))
    took = "acting on the best, '" if fallback == "top" else "stopping"
    assert "warning: nobody answered which of " in out.stderr and f"ask_fallback={fallback}, {took}" in out.stderr


@pytest.mark.parametrize(("stdin", "code"), [("2\n", 0), ("0\n", 0), ("", 3)])
def test_asking_a_request_for_what_the_scene_lacks_offers_its_kind_instead(tmp_path, tiny_model_dir, stdin, code):
    out = ask_run(tmp_path, tiny_model_dir, stdin, request="bring me the banana")
    assert out.returncode == code, out.stderr  # no goal is known: 0 unless nothing was done (3)
    assert "That is not here. Shall I take one of these instead?" in out.stdout
    lines = [json.loads(x) for x in (tmp_path / "trace.jsonl").read_text().splitlines()]
    question = next(x for x in lines if x["kind"] == "question")
    assert question["options"] == ["the apple instead of the banana", "the orange instead of the banana"]
    if stdin == "2\n":  # the orange: planned as "bring me the orange", the request as typed kept
        assert lines[0]["instruction"] == "bring me the banana" and lines[0]["meta"]["read_as"] == "bring me the orange"
        assert any(x["kind"] == "step" for x in lines)
    else:
        assert not any(x["kind"] == "step" for x in lines)
        assert lines[-1]["stop_reason"] == ("stopped_by_person" if stdin else "not_possible")
    if not stdin:
        assert "warning: nobody answered whether to take apple, orange instead of the banana" in out.stderr


@pytest.mark.slow
def test_an_unreachable_policy_server_ends_the_run_with_one_line_naming_it_exit_2_and_the_trace_kept(tmp_path):
    from tests.executors.servers import free_port

    url = f"ws://127.0.0.1:{free_port()}"  # nothing listens there
    out = run(tmp_path, "instruction=bring me the apple", "env=pybullet", "executor=openpi", f"executor.url={url}",
              "executor.max_retries=0")  # fmt: skip
    assert out.returncode == 2  # was 0, after "go to the table, go to the sink, done"
    assert out.stderr.strip().splitlines() == [f"error: openpi server {url} unreachable after 1 attempts "
                                               "(ConnectionRefusedError: [Errno 111] Connection refused)"]  # fmt: skip
    end = json.loads((tmp_path / "trace.jsonl").read_text().splitlines()[-1])
    assert end["kind"] == "end" and end["stop_reason"] == "executor_unreachable"


def test_a_plan_with_no_way_left_to_its_goal_stops_failed_and_exits_1(tmp_path, tiny_model_dir):
    out = run(tmp_path, "instruction=bring me the apple", "llm=hf", f"llm.path={tiny_model_dir}",
              "sim.force_failures={pick up the apple: 9}")  # fmt: skip
    assert out.returncode == 1, out.stderr
    end = json.loads((tmp_path / "trace.jsonl").read_text().splitlines()[-1])
    assert (
        end["stop_reason"]
        == "failed: pick up the apple failed (forced failure (force_failures)); no other way to the goal is left"
    )
    assert "Stopped after 3 steps (failed: pick up the apple failed" in out.stdout  # max_attempts=3
