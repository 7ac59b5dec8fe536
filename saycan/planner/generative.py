"""SayCan's "Generative" baseline: the LLM writes the next step freely; it maps to the nearest skill text."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from saycan.llm.base import Scorer, cut_at_stops

MAX_STEP_TOKENS = 16  # a skill text is a few words; longer output is cut at the step separator anyway
TEMPERATURE = 0.1  # similarity -> p_LLM sharpness: the nearest skill dominates, affordances break near-ties


class GenerativeChooser:
    """Generate the next step, then score every option by its similarity to what was written.

    Ahn et al. (2022) compare SayCan's scoring with this baseline: the LLM generates a step
    and it is projected to the nearest skill by sentence-embedding similarity. Here the
    projection is soft, ``p_LLM(option) ∝ exp(cos(e(generated), e(option)) / TEMPERATURE)``,
    so ``affordance=none`` gives the paper's baseline (argmax = nearest skill) and a value
    function can still be multiplied in as SayCan does.

    Args:
        embed: texts -> (n, d) unit vectors; default MiniLM (offline).
    """

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray] | None = None) -> None:
        if embed is None:
            from saycan.embed import shared_embedder

            embed = shared_embedder()
        self.embed = embed

    def __call__(
        self, scorer: Scorer, prompt: str, options: Sequence[str], stops: Sequence[str]
    ) -> tuple[str, list[float]]:
        """Write a step after ``prompt`` and compare it with ``options``.

        Args:
            scorer: The LLM; it must support `Scorer.generate`.
            prompt: Text ending where the next step begins.
            options: (n_options,) skill texts.
            stops: Strings that end a step (the separator, a newline).

        Returns:
            (the generated step, (n_options,) log p_LLM, normalised over the options).
        """
        # Cut again here: a user's scorer may ignore the stops.
        generated = cut_at_stops(scorer.generate(prompt, MAX_STEP_TOKENS, stops), stops).strip()
        # Nothing written (the model ended the line) reads as the plan being over.
        vectors = self.embed([generated or "done", *options])
        logits = vectors[1:] @ vectors[0] / TEMPERATURE
        log_norm = float(np.logaddexp.reduce(logits))
        return generated, [float(x) - log_norm if math.isfinite(x) else -math.inf for x in logits]
