"""Options as a token trie over a shared prompt: every distinct option token is run through the model once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

PROMPT = -1  # the "row" of the prompt's last position, whose logits predict every option's first token


@dataclass(frozen=True)
class TokenTrie:
    """Token sequences merged on their shared prefixes.

    Only internal nodes are stored: a sequence's last token is predicted, never fed. Node ``i``
    holds ``tokens[i]`` at ``depths[i]`` positions after the prompt, under ``parents[i]``
    (`PROMPT` for a first token). Parents come before their children.

    Attributes:
        tokens: (N,) token id of each node.
        parents: (N,) parent node index or `PROMPT`.
        depths: (N,) 0 for a sequence's first token.
        targets: One list per sequence of ``(row, token)``: ``token`` is predicted by the logits
            of node ``row`` (`PROMPT`: of the prompt's last position).
    """

    tokens: list[int]
    parents: list[int]
    depths: list[int]
    targets: list[list[tuple[int, int]]]

    @classmethod
    def build(cls, sequences: Sequence[Sequence[int]]) -> TokenTrie:
        """The trie of non-empty token sequences."""
        index: dict[tuple[int, ...], int] = {}
        tokens: list[int] = []
        parents: list[int] = []
        depths: list[int] = []
        targets = []
        for seq in sequences:
            rows = [PROMPT]
            for depth in range(len(seq) - 1):
                key = tuple(seq[: depth + 1])
                if key not in index:
                    index[key] = len(tokens)
                    tokens.append(int(seq[depth]))
                    parents.append(rows[-1])
                    depths.append(depth)
                rows.append(index[key])
            targets.append([(row, int(tok)) for row, tok in zip(rows, seq, strict=True)])
        return cls(tokens, parents, depths, targets)

    def __len__(self) -> int:
        return len(self.tokens)

    def ancestors(self) -> torch.Tensor:
        """(N, N) bool: ``[i, j]`` when node j is node i or one of its ancestors."""
        n = len(self.tokens)
        out = torch.eye(n, dtype=torch.bool)
        for i, parent in enumerate(self.parents):
            if parent != PROMPT:
                out[i] |= out[parent]
        return out

    def position_ids(self, prompt_len: int, fresh: int = 0) -> torch.Tensor:
        """(1, fresh + N) positions: the prompt's last ``fresh`` tokens where they stand, then each node
        ``depth`` tokens after the prompt, as in its own sequence."""
        return torch.tensor([[*range(prompt_len - fresh, prompt_len), *(prompt_len + d for d in self.depths)]])

    def attention_mask(self, prompt_len: int, window: int | None, dtype: torch.dtype, fresh: int = 0) -> torch.Tensor:
        """(1, 1, fresh + N, prompt_len + N) additive mask for the prompt's last ``fresh`` tokens and the nodes.

        The first ``prompt_len - fresh`` prompt positions are cached; the last ``fresh`` run in the
        same pass, before the nodes, under causal attention. Each node sees the whole prompt and its
        own ancestors: tree attention, so one forward pass over the flattened trie gives every node
        the hidden state it would have at the end of its own sequence. ``window`` is a
        sliding-window layer's span (a query at position q sees keys at q - window < k <= q).
        """
        n, cached = len(self.tokens), prompt_len - fresh
        prompt_rows = torch.cat(
            [torch.ones(fresh, cached, dtype=torch.bool), torch.ones(fresh, fresh, dtype=torch.bool).tril(),
             torch.zeros(fresh, n, dtype=torch.bool)], dim=1)  # fmt: skip
        node_rows = torch.cat([torch.ones(n, prompt_len, dtype=torch.bool), self.ancestors()], dim=1)
        allowed = torch.cat([prompt_rows, node_rows])
        if window is not None:
            query = self.position_ids(prompt_len, fresh)[0]
            key = torch.cat([torch.arange(cached), query])
            allowed &= (query[:, None] - key[None, :]) < window
        mask = torch.zeros(1, 1, fresh + n, prompt_len + n, dtype=dtype)
        mask[0, 0].masked_fill_(~allowed, torch.finfo(dtype).min)
        return mask


def chunks(sequences: Sequence[Sequence[int]], max_nodes: int, max_sequences: int) -> list[list[int]]:
    """Sequence indices grouped in sorted order, each group's trie at most ``max_nodes`` nodes.

    Sorting keeps shared prefixes in one group, so splitting costs little sharing.
    """
    order = sorted(range(len(sequences)), key=lambda i: list(sequences[i]))
    groups: list[list[int]] = [[]]
    seen: set[tuple[int, ...]] = set()
    for i in order:
        new = {tuple(sequences[i][: d + 1]) for d in range(len(sequences[i]) - 1)} - seen
        if groups[-1] and (len(seen) + len(new) > max_nodes or len(groups[-1]) >= max_sequences):
            groups.append([])
            seen = set()
            new = {tuple(sequences[i][: d + 1]) for d in range(len(sequences[i]) - 1)}
        groups[-1].append(i)
        seen |= new
    return [g for g in groups if g]
