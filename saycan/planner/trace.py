"""Plan traces: dataclasses for scored options, steps and plans, written as JSON lines as they happen.

How a step was chosen (`ChosenBy`), who answered a question (`AnsweredBy`) and why a plan stopped
(`StopReason`) take these values, and only these:

| value | meaning |
|---|---|
| chosen_by ``saycan`` | the top combined score (``planner.search=greedy``) |
| chosen_by ``retry`` | the previous, failed step again (``planner.recovery=retry``) |
| chosen_by ``search`` | the next step of a searched plan (``planner.search=beam``) |
| chosen_by ``person``, ``fallback`` | a question's answer, or ``planner.ask_fallback`` with nobody to ask |
| answered by ``person``, ``fallback`` | as above; ``empty``: no option was likely enough, nothing was asked |
| stop_reason ``done`` | the terminal skill ran |
| stop_reason ``max_steps`` | ``planner.max_steps`` steps ran without ``done`` |
| stop_reason ``unsure`` | an empty prediction set (``planner.ask=conformal``) |
| stop_reason ``needs_help`` | several options and nobody to ask (``planner.ask_fallback=stop``) |
| stop_reason ``stopped_by_person`` | the person answered "none of these" |
| stop_reason ``executor_unreachable`` | the executor's policy server did not answer (the run exits 2) |
| stop_reason ``not_possible`` | the request names an object the scene lacks; nothing was done (the run exits 3) |
| stop_reason ``failed: <why>`` | after a failure, no way to the goal Pay read is left (`saycan.planner.recovery`) |
| stop_reason ``""`` | not ended: the run was killed, or is still going |
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from saycan.errors import ConfigError
from saycan.storage.jsonl import json_lines

ChosenBy = Literal["saycan", "retry", "search", "person", "fallback"]
AnsweredBy = Literal["person", "fallback", "empty"]
# One of the table's values; "failed: <why>" carries its own text ("failed: the water bottle fell to the floor, out
# of reach"), so the type is plain text.
StopReason = str
# Wall-clock seconds a step's `timings` holds; everything else a step measured is in its `info`.
TIMINGS = ("llm_s", "affordance_s", "pay_s", "search_s", "execute_s")


@dataclass
class ScoredOption:
    """One candidate at one step.

    Attributes:
        text: Skill text, e.g. ``"pick up the sponge"``.
        skill: Skill id.
        llm_logprob: log p_LLM(text | prompt), summed or averaged over tokens (``planner.score_reduction``).
        llm: p_LLM normalised over this step's candidates, in [0, 1].
        affordance: p(success | state) from the value function, in [0, 1].
        combined: ``llm * affordance * pay``, the SayCan(Pay) score.
        pay: p(the step brings the request closer to done), in [0, 1]; 1 without Pay
            (traces before 0.2 have none).
    """

    text: str
    skill: str
    llm_logprob: float
    llm: float
    affordance: float
    combined: float
    pay: float = 1.0


@dataclass
class Step:
    """One executed step: every candidate's scores, the choice, and what happened.

    Attributes:
        timings: Wall-clock seconds (`TIMINGS`): ``llm_s``, ``affordance_s``, ``pay_s``, ``execute_s``, and
            ``search_s`` where a plan search ran.
        chosen_by: How the step was chosen (`ChosenBy`; traces before 0.2 call it ``policy``).
        generated: The step the LLM wrote (``planner.scoring=generative``).
        info: What else the step measured: ``tokens`` scored, ``p_complete`` (``planner.termination=ask``),
            Pay's ``p_done`` and ``pay_goal_q``, ``done_gated`` (1.0 when Pay held "done" back),
            ``set_size`` (``planner.ask=conformal``), and the env's ``sim_steps``, ``sim_s``,
            ``policy_steps``, ``policy_queries``, ``control_hz``. Traces before 0.3 keep these in
            ``timings``; `read_trace` moves them here.
    """

    index: int
    prompt: str
    options: list[ScoredOption]
    chosen: str
    skill: str
    args: dict[str, str]
    success: bool
    message: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    chosen_by: ChosenBy = "saycan"
    generated: str | None = None
    info: dict[str, float] = field(default_factory=dict)


@dataclass
class Question:
    """A question the planner asked (``planner.ask=conformal``): the step, the prediction set, the answer.

    ``answer`` is the chosen option's text, or None ("none of these", or an empty set); ``by`` says who
    answered (`AnsweredBy`).
    """

    step: int
    options: list[str]
    answer: str | None
    by: AnsweredBy


@dataclass
class PlanTrace:
    """A whole plan: the header, every step, and the outcome."""

    instruction: str
    scene: str
    steps: list[Step] = field(default_factory=list)
    goal: str | None = None
    goal_reached: bool | None = None
    finished: bool = False
    stop_reason: StopReason = ""
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    @property
    def plan(self) -> list[str]:
        """Skill texts in order, failed attempts included."""
        return [s.chosen for s in self.steps]


class TraceWriter:
    """Appends a trace to a JSON-lines file, one line per record, flushed to disk as it goes.

    Lines: ``{"kind": "header", ...}``, one ``{"kind": "step", ...}`` per step, and
    ``{"kind": "end", ...}``, with a ``{"kind": "question", ...}`` line before the step it chose;
    a killed run leaves every finished step readable.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = self.path.open("w", encoding="utf-8")

    def _write(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def header(self, trace: PlanTrace) -> None:
        self._write(
            {
                "kind": "header",
                "instruction": trace.instruction,
                "scene": trace.scene,
                "goal": trace.goal,
                "meta": trace.meta,
                "warnings": trace.warnings,
            }
        )

    def step(self, step: Step) -> None:
        self._write({"kind": "step", **asdict(step)})

    def question(self, question: Question) -> None:
        self._write({"kind": "question", **asdict(question)})

    def end(self, trace: PlanTrace) -> None:
        self._write(
            {
                "kind": "end",
                "plan": trace.plan,
                "goal_reached": trace.goal_reached,
                "finished": trace.finished,
                "stop_reason": trace.stop_reason,
            }
        )

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> TraceWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class NullWriter(TraceWriter):
    """A `TraceWriter` that keeps nothing: a plan run without a trace file."""

    def __init__(self) -> None:
        pass

    def _write(self, record: dict[str, Any]) -> None:
        pass

    def close(self) -> None:
        pass


def read_trace(path: str | Path) -> PlanTrace:
    """Load a trace written by `TraceWriter`; a truncated last line (a killed run) is dropped."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"trace file {str(path)!r} does not exist")
    trace: PlanTrace | None = None
    for number, record in json_lines(path):  # a torn last line (a killed run) is skipped
        if not isinstance(record, dict):
            raise ConfigError(f"{path}:{number}: not a line of a saycan trace (a JSON object)")
        kind = record.pop("kind", None)
        if kind == "header":
            trace = PlanTrace(
                record["instruction"],
                record["scene"],
                goal=record.get("goal"),
                meta=record.get("meta", {}),
                warnings=record.get("warnings", []),
            )
        elif trace is None:
            raise ConfigError(f"{path}:{number}: a trace must start with a header line")
        elif kind == "step":
            record["options"] = [ScoredOption(**o) for o in record["options"]]
            if "policy" in record:  # the field's name before 0.2
                record["chosen_by"] = record.pop("policy")
            timings = record.get("timings", {})  # before 0.3 it also held what is now `info`
            record["info"] = {**{k: v for k, v in timings.items() if k not in TIMINGS}, **record.get("info", {})}
            record["timings"] = {k: v for k, v in timings.items() if k in TIMINGS}
            trace.steps.append(Step(**record))
        elif kind == "question":
            trace.questions.append(Question(**record))
        elif kind == "end":
            trace.goal_reached, trace.finished = record.get("goal_reached"), record.get("finished", False)
            trace.stop_reason = record.get("stop_reason", "")
    if trace is None:
        raise ConfigError(f"{path}: empty trace (no header line)")
    return trace
