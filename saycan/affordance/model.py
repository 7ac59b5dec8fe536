"""`ValueNet`: p(success | state, skill text), attending from the skill text to the scene's entities."""

from __future__ import annotations

import math

import torch
from torch import nn

from saycan.affordance.features import N_FEATURES, N_GLOBAL
from saycan.embed import DIM


class ValueNet(nn.Module):
    """The skill text's embedding queries the entities by their names' embeddings; each head pools
    the features of the entities it attends to (e.g. the object named in "pick up the apple"), and an
    MLP over [text, pooled features, globals] gives the success logit. Names enter only through
    embeddings, so the model scores skills of objects it never saw in training.

    Args:
        hidden: Width of the attention and text projections.
        heads: Attention heads (one can find the object, another the location).
    """

    def __init__(self, hidden: int = 64, heads: int = 4) -> None:
        super().__init__()
        self.hidden, self.heads = hidden, heads
        self.query = nn.Linear(DIM, heads * hidden)
        self.key = nn.Linear(DIM + 3, heads * hidden)  # name embedding + kind one-hot
        self.text = nn.Sequential(nn.Linear(DIM, hidden), nn.ReLU())
        self.head = nn.Sequential(
            nn.Linear(hidden + heads * N_FEATURES + N_GLOBAL, 128),
            nn.ReLU(),
            nn.Linear(128, 64),
            nn.ReLU(),
            nn.Linear(64, 1),
        )

    def forward(
        self, text: torch.Tensor, names: torch.Tensor, features: torch.Tensor, mask: torch.Tensor, glob: torch.Tensor
    ) -> torch.Tensor:
        """Success logits.

        Args:
            text: (B, 384) skill text embeddings.
            names: (B, N, 384) entity name embeddings.
            features: (B, N, N_FEATURES) entity features.
            mask: (B, N) True for real entities (False pads).
            glob: (B, N_GLOBAL) global features.

        Returns:
            (B,) logits; p(success) = sigmoid(logit).
        """
        b, n, _ = features.shape
        q = self.query(text).view(b, self.heads, self.hidden)
        k = self.key(torch.cat([names, features[..., :3]], dim=-1)).view(b, n, self.heads, self.hidden)
        scores = torch.einsum("bhd,bnhd->bhn", q, k) / math.sqrt(self.hidden)
        scores = scores.masked_fill(~mask[:, None, :], float("-inf"))
        pooled = torch.einsum("bhn,bnf->bhf", scores.softmax(dim=-1), features).reshape(b, -1)
        return self.head(torch.cat([self.text(text), pooled, glob], dim=-1)).squeeze(-1)
