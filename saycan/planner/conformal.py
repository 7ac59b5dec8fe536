"""Conformal prediction sets over a step's options (KnowNo, Ren et al. 2023): act, ask for help, or stop.

On N calibration tasks with known right steps, ``score_t`` is the planner's combined score normalised over
the options at step t, and a task's nonconformity is its worst step's. With

    q_hat = the ceil((N + 1)(1 - epsilon)) / N empirical quantile of the N nonconformities,

a set holds a right option at every step of a new task with probability at least 1 - epsilon
(exchangeable tasks). Two rules (`SET_RULES`, ``planner.ask_set``):

- ``prefix``: nonconformity = the total score of the step's **wrong** options; the set is the fewest
  top-scored options whose total exceeds q_hat. When the wrong options hold at most q_hat together, a
  prefix holding more than q_hat cannot be all wrong, so it holds a right option; it is never empty. Where
  several options are right (any drink will do) their mass adds up, so one of them alone can clear q_hat.
- ``threshold`` (KnowNo's): nonconformity = 1 - the best right option's score; the set is
  ``{option : score >= 1 - q_hat}``, which can be empty (no option is likely enough: stop, ``unsure``).

One option in the set: act; several: ask the person; none: say so and stop.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from saycan.errors import ConfigError

SET_RULES = ("prefix", "threshold")


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
    """Fraction of tasks whose sets held a right option at every step (``task_scores``: each task's lowest
    right score of its rule, 1 - nonconformity)."""
    return sum(s >= 1 - qhat for s in task_scores) / len(task_scores) if task_scores else float("nan")


@dataclass(frozen=True)
class ConformalCalibration:
    """A fitted q_hat and how it was made (the JSON file ``saycan.calibrate`` writes).

    Attributes:
        epsilon: Target error rate: a right option is in the set at every step with probability >= 1 - epsilon.
        qhat: The calibrated quantile of ``rule``'s nonconformity.
        n: Calibration tasks.
        coverage: Empirical coverage on held-out tasks, None when not measured.
        settings: The model, scene and planner settings the scores came from.
        scores: (n,) the calibration tasks' best-right scores (each task's lowest, over its steps, normalised
            score of its best right option: the ``threshold`` rule), so that `refit` can fit q_hat for another
            epsilon without scoring again; empty in older files.
        test_scores: The held-out tasks' best-right scores, for coverage at another epsilon.
        rule: The set rule q_hat is for (`SET_RULES`).
        masses: (n,) the calibration tasks' right masses (each task's lowest total normalised score of its
            right options: the ``prefix`` rule); empty in files made before that rule.
        test_masses: The held-out tasks' right masses.
    """

    epsilon: float
    qhat: float
    n: int
    coverage: float | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    scores: list[float] = field(default_factory=list)
    test_scores: list[float] = field(default_factory=list)
    rule: str = "threshold"
    masses: list[float] = field(default_factory=list)
    test_masses: list[float] = field(default_factory=list)

    @classmethod
    def fit(
        cls,
        scores: Sequence[float],
        test_scores: Sequence[float],
        epsilon: float,
        settings: dict[str, Any],
        masses: Sequence[float] = (),
        test_masses: Sequence[float] = (),
        rule: str = "threshold",
    ) -> ConformalCalibration:
        """q_hat of ``rule`` from the calibration tasks' scores; coverage on the held-out ones (None if none).

        Args:
            scores, test_scores: (n,), (n_test,) best-right scores in [0, 1] (the ``threshold`` rule's).
            masses, test_masses: (n,), (n_test,) right masses in [0, 1] (the ``prefix`` rule's).
        """
        if rule not in SET_RULES:
            raise ConfigError(f"planner.ask_set={rule!r}; valid: {', '.join(SET_RULES)}")
        own, held = (masses, test_masses) if rule == "prefix" else (scores, test_scores)
        qhat = quantile([1 - s for s in own], epsilon)
        measured = coverage(held, qhat) if held else None
        return cls(epsilon, qhat, len(own), measured, settings, list(scores), list(test_scores), rule,
                   list(masses), list(test_masses))  # fmt: skip

    def refit(self, epsilon: float | None = None, rule: str | None = None) -> ConformalCalibration:
        """The same task scores fitted for another target error rate (``planner.epsilon``) or set rule
        (``planner.ask_set``); None keeps this one's."""
        epsilon = self.epsilon if epsilon is None else epsilon
        rule = self.rule if rule is None else rule
        if (epsilon, rule) == (self.epsilon, self.rule):
            return self
        if rule not in SET_RULES:
            raise ConfigError(f"planner.ask_set={rule!r}; valid: {', '.join(SET_RULES)}")
        if not (self.masses if rule == "prefix" else self.scores):
            setting = f"planner.ask_set={rule}" if rule != self.rule else f"planner.epsilon={epsilon!r}"
            raise ConfigError(
                f"{setting}: the calibration file holds no task scores for that rule (it was made for "
                f"ask_set={self.rule}, epsilon={self.epsilon}); re-run `python -m saycan.calibrate out=PATH`"
            )
        return ConformalCalibration.fit(
            self.scores, self.test_scores, epsilon, self.settings, self.masses, self.test_masses, rule
        )

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
        ranked = sorted((i for i, s in enumerate(p) if s > 0), key=lambda i: -p[i])
        if self.rule == "threshold":
            return [i for i in ranked if p[i] >= 1 - self.qhat]
        total = 0.0
        for k, i in enumerate(ranked, 1):  # the fewest top options whose total exceeds q_hat
            total += p[i]
            if total > self.qhat:
                return ranked[:k]
        return ranked  # q_hat >= the whole mass (too few calibration tasks): every option

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
        fields = ("epsilon", "qhat", "n", "coverage", "settings", "scores", "test_scores", "rule", "masses",
                  "test_masses")  # fmt: skip
        known = {k: data[k] for k in fields if k in data}
        if known.get("rule", "threshold") not in SET_RULES:
            raise ConfigError(f"planner.calibration: {str(path)!r} has rule={known['rule']!r}; valid: "
                              f"{', '.join(SET_RULES)}; {fix}")  # fmt: skip
        return cls(**known)
