"""The score table (a pay column only when Pay weighed the options) and the summary after a plan."""

from rich.console import Console

from saycan.planner.display import print_request, print_summary, step_table
from saycan.planner.trace import PlanTrace, ScoredOption, Step


def render(options: list[ScoredOption], info: dict | None = None) -> str:
    step = Step(1, "prompt", options, options[0].text, options[0].skill, {}, True, info=info or {})
    console = Console(width=120, record=True)
    console.print(step_table(step))
    return console.export_text()


def test_table_shows_pay_column_when_pay_weighed_options():
    text = render([ScoredOption("find the apple", "find", -1.0, 0.6, 1.0, 0.45, pay=0.75)])
    assert "pay" in text.splitlines()[2] and "0.750" in text


def test_table_has_no_pay_column_without_pay():
    text = render([ScoredOption("find the apple", "find", -1.0, 0.6, 1.0, 0.6)])
    assert "pay" not in text.splitlines()[2]


def test_caption_says_when_pay_held_done_back():
    options = [ScoredOption("find the apple", "find", -1.0, 0.1, 1.0, 0.1, pay=1.0)]
    assert '"done" held back: Pay gives p(the request is done) 0.02' in render(
        options, {"done_gated": 1.0, "p_done": 0.02}
    )
    assert "held back" not in render(options)


def test_the_trace_path_stays_on_one_line_however_long():
    console = Console(width=40, record=True)
    path = "/tmp/a-long/[run]/" + "x" * 60 + "/trace.jsonl"
    print_summary(console, PlanTrace("clean the spill", "kitchen", stop_reason="done"), path)
    assert f"Trace: {path}" in console.export_text().splitlines()


def test_the_request_as_read_is_shown_only_when_it_differs_from_what_was_typed():
    console = Console(width=120, record=True)
    print_request(console, PlanTrace("clean the spill", "kitchen"))
    assert console.export_text() == ""
    meta = {"language": "es", "read_as": "clean the spill"}
    print_request(console, PlanTrace("limpia el derrame", "kitchen", meta=meta))
    assert console.export_text() == "Request: limpia el derrame (read as, from es: clean the spill)\n"
