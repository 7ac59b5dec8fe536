import json

import pytest

from saycan.errors import ConfigError
from saycan.planner.trace import PlanTrace, ScoredOption, Step, TraceWriter, read_trace


def _step(i, text="done"):
    return Step(
        i, "prompt", [ScoredOption(text, "done", -1.0, 0.5, 1.0, 0.5)], text, "done", {}, True, timings={"llm_s": 0.1}
    )


def test_trace_round_trips_through_json_lines(tmp_path):
    path = tmp_path / "trace.jsonl"
    trace = PlanTrace("clean the spill", "kitchen", goal="clean(spill)")
    writer = TraceWriter(path)
    writer.header(trace)
    for i in (1, 2):
        trace.steps.append(_step(i))
        writer.step(trace.steps[-1])
        # each step is on disk before the next starts
        assert len(path.read_text().splitlines()) == 1 + i
    trace.goal_reached, trace.finished, trace.stop_reason = True, True, "done"
    writer.end(trace)
    writer.close()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["kind"] for line in lines] == ["header", "step", "step", "end"]
    back = read_trace(path)
    assert back.plan == ["done", "done"] and back.goal_reached and back.steps[0].options[0].combined == 0.5


def _one_step_trace(tmp_path, instruction="x"):
    """A trace file of a header and one finished step."""
    path = tmp_path / "trace.jsonl"
    writer = TraceWriter(path)
    writer.header(PlanTrace(instruction, "kitchen"))
    writer.step(_step(1))
    writer.close()
    return path


def test_truncated_last_line_keeps_finished_steps(tmp_path):
    path = _one_step_trace(tmp_path)
    with path.open("a") as f:
        f.write('{"kind": "step", "ind')
    assert read_trace(path).plan == ["done"]


def test_a_trace_cut_inside_a_multibyte_character_keeps_finished_steps(tmp_path):
    path = _one_step_trace(tmp_path, "¿me traes el café?")
    with path.open("ab") as f:
        f.write('{"kind": "step", "prompt": "café'.encode()[:-1])  # killed between the bytes of "é"
    back = read_trace(path)
    assert back.plan == ["done"] and back.instruction == "¿me traes el café?"


def test_not_a_trace_is_a_config_error(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text("hello\nworld\n")
    with pytest.raises(ConfigError, match="t.jsonl:1: not a JSON line"):
        read_trace(path)
    path.write_text("[1, 2]\n")
    with pytest.raises(ConfigError, match="t.jsonl:1: not a line of a saycan trace"):
        read_trace(path)
