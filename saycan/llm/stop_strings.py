"""A stopping rule for ``model.generate``: stop once the text written since the prompt holds a stop string."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from transformers import StoppingCriteria


class StopStrings(StoppingCriteria):
    """Stops a batch of one as soon as its new text holds one of ``stops`` (the caller cuts the text there).

    transformers' own ``stop_strings`` precomputes a table over the whole vocabulary (262k tokens for
    Gemma 3) on each call; a request's translation writes about ten tokens, so decoding them is cheaper.

    Args:
        tokenizer: Decodes the new tokens.
        start: The prompt's length in tokens: text after it is new.
        stops: The stop strings (empty ones are ignored).
    """

    def __init__(self, tokenizer: Any, start: int, stops: Sequence[str]) -> None:
        self.tokenizer, self.start, self.stops = tokenizer, int(start), [s for s in stops if s]

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor, **kwargs: Any) -> torch.Tensor:
        """(batch,) bool: whether each sequence is to stop."""
        texts = [self.tokenizer.decode(row[self.start :], skip_special_tokens=True) for row in input_ids]
        return torch.tensor([any(s in text for s in self.stops) for text in texts], dtype=torch.bool)
