"""Recent prompts' KV caches, shared by scoring and generation: a prompt runs only what follows the one it extends."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from transformers import DynamicCache

# The plan's prompt, one side question asked every step (planner.termination=ask) and a few-shot head
# written from (a translation's examples), so none of them evicts another.
CACHED_PROMPTS = 3


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens ``a`` and ``b`` share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def truncate(cache: DynamicCache, length: int) -> None:
    """Drop cached positions beyond ``length`` (transformers' ``crop`` takes a negative count)."""
    extra = cache.get_seq_length() - length
    if extra > 0:
        cache.crop(-extra)


class PromptCache:
    """The last `CACHED_PROMPTS` prompts, newest first: (token ids, KV cache of exactly those positions,
    final hidden state of the last token, or None where only generation ran them)."""

    def __init__(self) -> None:
        self._entries: list[tuple[list[int], DynamicCache, torch.Tensor | None]] = []

    def take(self, ids: list[int]) -> tuple[DynamicCache, int, torch.Tensor | None]:
        """(KV cache, positions of ``ids`` it holds, the last token's final hidden state if it holds them all).

        The cache is taken out of the list: `put` it back once it holds ``ids``. Short of a whole
        prompt with its state, at least the last token is left to run, as its state predicts what follows.
        """
        shared = [common_prefix(entry[0], ids) for entry in self._entries]
        best = max(range(len(shared)), key=shared.__getitem__, default=None)
        # Extend a cached prompt only when most of it is shared (the plan's prompt grew by a line);
        # an unrelated prompt gets its own cache, evicting the least recently used one.
        if best is not None and 2 * shared[best] >= len(self._entries[best][0]):
            cached, cache, state = self._entries.pop(best)
            if cached == ids and state is not None:
                return cache, len(ids), state
            keep = min(shared[best], len(ids) - 1)
        else:
            cache, keep = DynamicCache(), 0  # no config: full layers, croppable
            del self._entries[CACHED_PROMPTS - 1 :]
        truncate(cache, keep)
        return cache, keep, None

    def put(self, ids: list[int], cache: DynamicCache, state: torch.Tensor | None) -> None:
        """Keep ``cache``, which holds exactly ``ids``, as the newest entry."""
        self._entries.insert(0, (list(ids), cache, state))

    def clear(self) -> None:
        self._entries.clear()
