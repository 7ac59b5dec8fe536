"""The score table: a pay column only when Pay weighed the options."""

from rich.console import Console

from saycan.planner.display import step_table
from saycan.planner.trace import ScoredOption, Step


def render(options: list[ScoredOption]) -> str:
    step = Step(1, "prompt", options, options[0].text, options[0].skill, {}, True)
    console = Console(width=120, record=True)
    console.print(step_table(step))
    return console.export_text()


def test_table_shows_pay_column_when_pay_weighed_options():
    text = render([ScoredOption("find the apple", "find", -1.0, 0.6, 1.0, 0.45, pay=0.75)])
    assert "pay" in text.splitlines()[2] and "0.750" in text


def test_table_has_no_pay_column_without_pay():
    text = render([ScoredOption("find the apple", "find", -1.0, 0.6, 1.0, 0.6)])
    assert "pay" not in text.splitlines()[2]
