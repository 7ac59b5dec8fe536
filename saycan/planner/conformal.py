"""Conformal prediction sets over a step's options (KnowNo, Ren et al. 2023): act, ask for help, or stop.

Calibration: on N tasks with known right steps, a task's nonconformity is ``1 - min_t score_t(right)``,
where ``score_t`` is the planner's combined score normalised over the options at step t (with several
right options, the best one's). With

    q_hat = the ceil((N + 1)(1 - epsilon)) / N empirical quantile of the N nonconformities,

the prediction set ``{option : score(option) >= 1 - q_hat}`` holds a right option at every step of a new
task with probability at least 1 - epsilon (exchangeable tasks). One option in the set: act; several:
ask the person; none: say so and stop.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from saycan.errors import ConfigError


def quantile(nonconformity: Sequence[float], epsilon: float) -> float:
    """KnowNo's q_hat: the ceil((N + 1)(1 - epsilon)) / N empirical quantile (1.0 when N is too small)."""
    if not 0 < epsilon < 1:
        raise ConfigError(f"epsilon={epsilon!r}: must be in (0, 1), e.g. 0.15")
    if not nonconformity:
        raise ConfigError("conformal calibration needs at least one task, got none")
    ordered = sorted(nonconformity)
    k = math.ceil((len(ordered) + 1) * (1 - epsilon))
    return 1.0 if k > len(ordered) else float(ordered[k - 1])  # too few tasks: every option stays in the set


def shares(scores: Sequence[float]) -> list[float]:
    """(n_options,) combined scores divided by their sum: each option's share, in [0, 1] (all zero stays zero)."""
    total = float(sum(scores))
    return [float(s) / total if total > 0 else 0.0 for s in scores]


def coverage(task_scores: Sequence[float], qhat: float) -> float:
    """Fraction of tasks whose right options were in the set at every step (``task_scores``: each task's
    lowest normalised score of a right option)."""
    return sum(s >= 1 - qhat for s in task_scores) / len(task_scores) if task_scores else float("nan")


@dataclass(frozen=True)
class ConformalCalibration:
    """A fitted q_hat and how it was made (the JSON file ``saycan.calibrate`` writes).

    Attributes:
        epsilon: Target error rate: a right option is in the set at every step with probability >= 1 - epsilon.
        qhat: The calibrated quantile; the set keeps options with normalised score >= 1 - qhat.
        n: Calibration tasks.
        coverage: Empirical coverage on held-out tasks, None when not measured.
        settings: The model, scene and planner settings the scores came from.
        scores: (n,) the calibration tasks' scores (lowest normalised score of a right option), so that
            `at_epsilon` can refit q_hat for another epsilon without scoring again; empty in older files.
        test_scores: The held-out tasks' scores, for coverage at another epsilon.
    """

    epsilon: float
    qhat: float
    n: int
    coverage: float | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    scores: list[float] = field(default_factory=list)
    test_scores: list[float] = field(default_factory=list)

    @classmethod
    def fit(
        cls, scores: Sequence[float], test_scores: Sequence[float], epsilon: float, settings: dict[str, Any]
    ) -> ConformalCalibration:
        """q_hat from the calibration tasks' scores; coverage on the held-out ones (None if there are none)."""
        qhat = quantile([1 - s for s in scores], epsilon)
        held = coverage(test_scores, qhat) if test_scores else None
        return cls(epsilon, qhat, len(scores), held, settings, list(scores), list(test_scores))

    def at_epsilon(self, epsilon: float) -> ConformalCalibration:
        """The same scores refitted for another target error rate (``planner.epsilon``)."""
        if epsilon == self.epsilon:
            return self
        if not self.scores:
            raise ConfigError(
                f"planner.epsilon={epsilon!r}: the calibration file holds no task scores to refit q_hat "
                f"(it was made for epsilon={self.epsilon}); re-run `python -m saycan.calibrate out=PATH`"
            )
        return ConformalCalibration.fit(self.scores, self.test_scores, epsilon, self.settings)

    def differences(self, run: dict[str, Any]) -> list[str]:
        """What scores this run's options differently from the calibration's: ``run`` maps each setting of
        `SayCanPlanner.scores_from` to this run's value; settings the file does not record (files from
        before they were recorded) are not compared.

        Returns:
            One ``"name: calibrated X, this run Y"`` line per setting that differs (empty: q_hat applies).
        """
        made = self.settings.get("scores_from", {})
        return [f"{k}: calibrated {made[k]!r}, this run {v!r}" for k, v in run.items() if k in made and made[k] != v]

    def prediction_set(self, scores: Sequence[float]) -> list[int]:
        """Indices of the options in the set, highest score first (``scores``: (n_options,) combined)."""
        p = shares(scores)
        keep = [i for i, s in enumerate(p) if s > 0 and s >= 1 - self.qhat]
        return sorted(keep, key=lambda i: -p[i])

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")
        return path

    @classmethod
    def load(cls, path: str | Path) -> ConformalCalibration:
        """Read a calibration file; a missing or malformed one raises `ConfigError` naming the fix."""
        path = Path(path)
        fix = "make one with `python -m saycan.calibrate out=PATH`"
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise ConfigError(f"planner.calibration: no file {str(path)!r}; {fix}") from None
        except json.JSONDecodeError as e:
            raise ConfigError(f"planner.calibration: {str(path)!r} is not JSON ({e}); {fix}") from None
        missing = [k for k in ("epsilon", "qhat", "n") if k not in data]
        if missing:
            raise ConfigError(f"planner.calibration: {str(path)!r} lacks {missing}; {fix}")
        fields = ("epsilon", "qhat", "n", "coverage", "settings", "scores", "test_scores")
        known = {k: data[k] for k in fields if k in data}
        return cls(**known)
