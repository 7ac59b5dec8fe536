"""OpenVLA's action tokenizer: each normalised action dimension as one of 256 bins, at the vocabulary's end."""

from __future__ import annotations

import numpy as np

VOCAB_SIZE = 32000  # nominal language vocabulary (Llama 2's): action tokens are its last 256 ids, as in OpenVLA


class ActionTokenizer:
    """Discretises normalised actions in [low, high] into ``bins`` uniform bins, as OpenVLA does.

    Bin edges are ``linspace(low, high, bins)``; a value's bin is ``digitize(value, edges)`` in
    [1, bins] and its token id is ``vocab_size - bin``, so actions use the least-used tokens at the
    end of the vocabulary. Decoding maps a token back to the centre of its bin; the top bin folds
    into the one below it (there are ``bins - 1`` centres).

    Args:
        vocab_size: Size of the language model's vocabulary.
        bins: Number of bin edges (OpenVLA: 256).
        low, high: Range of normalised actions (OpenVLA: -1, 1).
    """

    def __init__(self, vocab_size: int, bins: int = 256, low: float = -1.0, high: float = 1.0) -> None:
        if vocab_size <= bins:
            raise ValueError(f"vocab_size={vocab_size} must exceed bins={bins}")
        self.vocab_size, self.bins, self.low, self.high = int(vocab_size), int(bins), float(low), float(high)
        self.edges = np.linspace(low, high, bins)
        self.centers = (self.edges[:-1] + self.edges[1:]) / 2

    @property
    def first_token(self) -> int:
        """The smallest token id an action can use."""
        return self.vocab_size - self.bins

    def encode(self, actions: np.ndarray) -> np.ndarray:
        """(..., D) normalised actions -> (..., D) token ids (values outside [low, high] are clipped)."""
        clipped = np.clip(np.asarray(actions, dtype=np.float64), self.low, self.high)
        return self.vocab_size - np.digitize(clipped, self.edges)

    def decode(self, token_ids: np.ndarray) -> np.ndarray:
        """(..., D) token ids -> (..., D) normalised actions at bin centres."""
        index = np.clip(self.vocab_size - np.asarray(token_ids) - 1, 0, len(self.centers) - 1)
        return self.centers[index]


def classes_to_tokens(classes: np.ndarray, tokenizer: ActionTokenizer) -> np.ndarray:
    """Network output class c in [0, bins) <-> action token id ``vocab_size - 1 - c`` (bin c + 1)."""
    return tokenizer.vocab_size - 1 - np.asarray(classes)
