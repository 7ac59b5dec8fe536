"""The `Scorer` interface: log-likelihoods of option texts given a prompt."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from saycan.errors import LLMError

__all__ = ["LLMError", "OptionScores", "Scorer", "cut_at_stops", "split_trailing_space"]


@dataclass(frozen=True)
class OptionScores:
    """What a scorer returns for one prompt and its options.

    Attributes:
        logprobs: (n_options,) ``log p(option tokens | prompt)``, summed over the option's tokens.
        n_tokens: (n_options,) how many tokens each option took.
        tokens_evaluated: Model positions run for this call (prompt and options), for reports.
    """

    logprobs: list[float]
    n_tokens: list[int]
    tokens_evaluated: int = 0


class Scorer(ABC):
    """Scores continuations of a prompt with a causal language model."""

    @abstractmethod
    def score(self, prompt: str, options: Sequence[str]) -> OptionScores:
        """Exact log-likelihood of each option given the prompt.

        Options carry their own leading space (``" pick up the sponge"``): the space before
        an option belongs to the option, as it does in the tokenizer's view of the text.

        Returns:
            `OptionScores` with one entry per option, in order.
        """

    def generate(self, prompt: str, max_tokens: int, stops: Sequence[str]) -> str:
        """Greedy continuation of ``prompt``, cut before the first of ``stops`` (for ``planner.scoring=generative``)."""
        raise LLMError(
            f"{type(self).__name__} cannot generate text; planner.scoring=generative needs llm=embedded, hf or openai"
        )

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (connections, models)."""


def split_trailing_space(prompt: str, options: Sequence[str]) -> tuple[str, list[str]]:
    """Move whitespace at the end of the prompt onto every option.

    ``"... 2. "`` + ``"pick"`` is tokenised as ``"... 2."`` + ``" pick"``; scoring must see the
    same boundary, so trailing prompt whitespace becomes part of each option.
    """
    stripped = prompt.rstrip()
    tail = prompt[len(stripped) :]
    return stripped, [tail + o for o in options]


def cut_at_stops(text: str, stops: Sequence[str]) -> str:
    """``text`` up to the first occurrence of any stop string."""
    cut = min((i for i in (text.find(s) for s in stops if s) if i >= 0), default=len(text))
    return text[:cut]
