"""What the planner asks of Pay: a model that begins each request, and the per-request Pay it begins."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from saycan.skill import Option, Skill
from saycan.world.state import SymbolicWorld

if TYPE_CHECKING:
    from saycan.pay.pay import GoalState


class RequestPay(Protocol):
    """Pay for one request (`saycan.pay.pay.PayPlan`): the goals it read, then a value per option at each state."""

    trained: frozenset[str]  # skill ids it has an opinion on; the others' options get pay 1

    def __call__(self, world: SymbolicWorld, options: Sequence[Option], terminal: Sequence[bool]) -> list[float]:
        """(n_options,) pay in [eps, 1]: how far each option brings the request towards done from ``world``;
        options of skills Pay was not trained on get 1 (no opinion)."""
        ...

    @property
    def p_done(self) -> float:
        """p(the request is done) in the state of the last call, in [0, 1]."""
        ...

    @property
    def info(self) -> Mapping[str, float]:
        """What the last call found, for the trace: ``p_done``, ``pay_goal_q`` (the likeliest goal's weight)."""
        ...

    @property
    def reading(self) -> GoalState | None:
        """The goal read as the request's, seen from the last call's state (`saycan.pay.pay.GoalState`:
        ``holds``, ``steps`` that start a shortest plan to it, ``distance`` None when it cannot be reached
        from there); None before any call, or with no goal read."""
        ...

    @property
    def alike(self) -> frozenset[str]:
        """At the last call's state, the option texts that start a shortest plan to a goal read as likely as the
        best-read one (``done`` when one holds): steps that serve a reading of the request equally well."""
        ...

    def goal_texts(self, k: int) -> list[str]:
        """The request's ``k`` likeliest goals as text, best first (``at(apple, you)``)."""
        ...


class Pay(Protocol):
    """A Pay model (``pay=learned``, ``pay=none``)."""

    trained: frozenset[str]  # skill ids Pay was trained on; empty: no Pay (SayCan's say x can)
    meta: Mapping[str, Any]  # the checkpoint's metadata (``sha256`` of its weights, ...); empty without one

    def begin(self, instruction: str, world: SymbolicWorld, skills: Mapping[str, Skill]) -> RequestPay | None:
        """This request's Pay, read from the request and the state the plan starts in; None: no Pay."""
        ...

    def nearest_training(self, text: str) -> tuple[str | None, float]:
        """The training request nearest to ``text`` and its similarity (for honest reports); (None, 0.0)
        when there are none."""
        ...
