"""The "say" of one step: log p_LLM of every option (scored, or the generative baseline), normalised."""

from __future__ import annotations

import math
from collections.abc import Sequence

from saycan.errors import ConfigError
from saycan.llm.base import Scorer
from saycan.planner.generative import GenerativeChooser


def softmax(logprobs: Sequence[float]) -> list[float]:
    """Softmax over the candidates: p_LLM(option) / sum over all options, in [0, 1]."""
    top = max(logprobs)
    weights = [math.exp(lp - top) for lp in logprobs]
    total = sum(weights)
    return [w / total for w in weights]


def option_logprobs(
    scorer: Scorer,
    prompt: str,
    texts: Sequence[str],
    prefix: str,
    reduction: str,
    generative: GenerativeChooser | None,
    stops: Sequence[str],
) -> tuple[list[float], float, str | None]:
    """((n_options,) log p_LLM, tokens the model ran, the step the LLM wrote or None).

    With ``generative``, the LLM writes the step and options are scored by similarity to it;
    otherwise each option's tokens are scored (``prefix + text``), summed or, with
    ``reduction="mean"``, averaged over its tokens.

    Raises:
        ConfigError: a non-finite score (a misconfigured model), naming the options.
    """
    tokens, generated = 0.0, None
    if generative:
        generated, lps = generative(scorer, prompt, texts, stops)
    else:
        scores = scorer.score(prompt, [prefix + t for t in texts])
        lps, tokens = scores.logprobs, float(scores.tokens_evaluated)
        if reduction == "mean":
            lps = [lp / max(n, 1) for lp, n in zip(lps, scores.n_tokens, strict=True)]
    bad = [t for t, lp in zip(texts, lps, strict=True) if not math.isfinite(lp)]
    if bad:
        raise ConfigError(f"the LLM gave non-finite scores for {bad[:3]}; check llm settings")
    return list(lps), tokens, generated
