"""After a failed step: `done` only once the request's goal holds; else a step toward it, or an honest stop.

A failed skill leaves the world in a state no example describes (the bottle on the floor, the hand
empty), and there the small LLM's near-certain `done` is what ended plans with the goal not reached. So
once a step of the plan has failed, the planner reads its progress from Pay's reading of the request
(`saycan.pay.base.RequestPay.reading`, the likeliest goal seen from the observed state):

- the goal holds: any choice, `done` included, as before;
- a first step of a shortest plan to it is afforded (its value function > 0, under ``max_attempts``):
  `done` scores 0, so the plan goes on toward the goal;
- neither (the goal cannot be reached from here, or every way there has failed too often): the plan
  stops with ``stop_reason`` ``"failed: <why>"`` rather than wander or say `done`.

Plans with no failed step are scored as before (measured: holding `done` back there, ``planner.done_gate``,
gains nothing on the suites; docs/levers.md). Without Pay there is no reading, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from saycan.planner.request import Request
from saycan.planner.trace import ScoredOption
from saycan.world.scene import USER
from saycan.world.state import SymbolicWorld

FAILED = "failed: "  # the prefix of a stop_reason that says why the plan could not go on


@dataclass(frozen=True)
class Recovery:
    """What the recovery rule says of one step: hold `done` back, and/or stop with ``stop`` (``"failed: ..."``)."""

    hold_done: bool = False
    stop: str = ""


def after_failure(request: Request, scored: Sequence[ScoredOption], world: SymbolicWorld) -> Recovery:
    """The rule above for the step scored ``scored`` in ``world`` (call after Pay scored this state).

    Returns:
        `Recovery()` (no say) before any failure, without Pay, or when the read goal holds.
    """
    reading = request.pay.reading if request.pay is not None else None
    if not request.failures or reading is None or reading.holds:
        return Recovery()
    if any(s.text in reading.steps and s.affordance > 0 for s in scored):
        return Recovery(hold_done=True)
    return Recovery(hold_done=True, stop=FAILED + why_stuck(request, reading.objects, world))


def why_stuck(request: Request, wanted: frozenset[str], world: SymbolicWorld) -> str:
    """Why no plan is left, as the person should hear it: a wanted object on the floor, else the last failure."""
    fallen = [obj for obj in world.on_floor if obj in wanted]
    if fallen:
        reach = world.reach_from(fallen[0])
        if reach is None:
            return f"the {fallen[0]} fell out of reach"
        return f"the {fallen[0]} fell to the floor by {'you' if reach == USER else f'the {reach}'}"
    return f"{request.last_failure}; no other way to the goal is left"
