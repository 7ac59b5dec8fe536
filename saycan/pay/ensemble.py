"""`Ensemble`: goal scorers trained from different seeds; a goal's score is the mean of theirs.

One scorer's reading of a request depends on its seed far more than its dev figure suggests: the same
recipe scores dev goal top-1 from 82% to 90% across seeds, and even the order PyTorch sums in moves it
by 5 points. The mean of a few members' goal scores is steadier and better than a typical member
(docs/levers.md, "How much the figures depend on Pay's training seed").
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from saycan.errors import ConfigError
from saycan.pay.model import GoalScorer


def check_members(members: object) -> None:
    """Refuse a member count that is not a whole number >= 1, naming the setting and a valid value.

    Raises:
        ConfigError: ``members`` is a bool, not an int, or below 1.
    """
    if isinstance(members, bool) or not isinstance(members, int) or members < 1:
        raise ConfigError(f"members={members!r}: must be a whole number >= 1, e.g. members=2 (1: one scorer)")


class Ensemble(nn.Module):
    """Members that read every request alike; `saycan.pay.train.candidates` averages their goal scores.

    Args:
        scorers: The members, all of one architecture.

    Raises:
        ConfigError: No scorers, or scorers of different architectures.
    """

    def __init__(self, scorers: Sequence[GoalScorer]) -> None:
        super().__init__()
        configs = [s.config for s in scorers]
        if not configs or any(c != configs[0] for c in configs):
            raise ConfigError(f"an ensemble needs one or more goal scorers of one architecture; got {configs}")
        self.members = nn.ModuleList(scorers)

    @classmethod
    def build(cls, members: int = 1, **architecture: float) -> Ensemble:
        """``members`` untrained scorers of one architecture (`GoalScorer`'s width, heads, dropout).

        Raises:
            ConfigError: ``members`` is not a whole number >= 1.
        """
        check_members(members)
        return cls([GoalScorer(**architecture) for _ in range(members)])

    @property
    def config(self) -> dict[str, float]:
        return {**self.members[0].config, "members": len(self.members)}
