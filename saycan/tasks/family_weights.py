"""How many drafts of each family a round of task generation draws (``family_weights``), checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saycan.errors import ConfigError
from saycan.world.suite import FAMILIES


def check_weights(weights: Any) -> dict[str, int]:
    """Drafts of each family per round (1 unless ``weights``, a mapping, says otherwise).

    Raises:
        ConfigError: ``weights`` is not a mapping, names a family not in `FAMILIES`, or gives one a count
            that is not a whole number >= 1.
    """
    if weights is not None and not isinstance(weights, Mapping):
        raise ConfigError(f"family_weights={weights!r}: must map families to drafts a round, e.g. {{long_horizon: 2}}")
    weights = dict(weights or {})
    unknown = sorted(set(weights) - set(FAMILIES))
    if unknown:
        raise ConfigError(f"family_weights: unknown family {unknown[0]!r}; valid: {', '.join(FAMILIES)}")
    for family, count in weights.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ConfigError(f"family_weights.{family}={count!r}: must be a whole number of drafts per round, >= 1")
    return {f: weights.get(f, 1) for f in FAMILIES}
