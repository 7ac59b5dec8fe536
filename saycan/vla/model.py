"""`TinyVLA`: a small vision-language-action network with OpenVLA's output, 7 action tokens over 256 bins."""

from __future__ import annotations

import torch
from torch import nn


class SpatialSoftmax(nn.Module):
    """Each channel's expected (x, y) image position under a softmax over its pixels (Levine et al., 2016).

    Returns: (B, 2 * C) coordinates in [-1, 1].
    """

    def __init__(self) -> None:
        super().__init__()
        self.log_temperature = nn.Parameter(torch.zeros(()))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        b, c, h, w = features.shape
        attn = torch.softmax(features.flatten(2) / self.log_temperature.exp(), dim=-1).view(b, c, h, w)
        ys = torch.linspace(-1, 1, h, device=features.device)
        xs = torch.linspace(-1, 1, w, device=features.device)
        return torch.cat([(attn.sum(2) * xs).sum(-1), (attn.sum(3) * ys).sum(-1)], dim=1)


class TinyVLA(nn.Module):
    """Image + instruction embedding -> logits over ``bins`` for each of ``dims`` action dimensions.

    A conv encoder whose features are modulated by the instruction (FiLM), so the keypoints a
    spatial softmax extracts follow the named object; an MLP reads keypoints and instruction and
    emits one 256-way distribution per action dimension, as OpenVLA emits one action token each.

    Args:
        text_dim: Width of the instruction embedding (MiniLM: 384).
        width: Conv channels.
        keypoints: Spatial-softmax channels.
        hidden: MLP width.
        dims, bins: Action dimensions and bins per dimension.
        chunk: Actions predicted per query (an action-chunking head, as OpenVLA-OFT and pi0): the
            output is ``chunk x dims`` distributions, actions t .. t + chunk - 1 in order.
    """

    def __init__(
        self,
        text_dim: int = 384,
        width: int = 32,
        keypoints: int = 32,
        hidden: int = 256,
        dims: int = 7,
        bins: int = 256,
        chunk: int = 1,
    ) -> None:
        super().__init__()
        self.config = {"text_dim": text_dim, "width": width, "keypoints": keypoints, "hidden": hidden}
        if chunk > 1:  # single-step checkpoints keep their old architecture record
            self.config["chunk"] = chunk
        self.chunk, self.dims, self.bins = chunk, dims * chunk, bins
        # The mean embedding of the training instructions. Instructions share most of their embedding
        # ("pick up the ..."); subtracting it leaves the part that names the object and the skill.
        self.register_buffer("text_center", torch.zeros(text_dim))
        self.convs = nn.ModuleList(
            [
                nn.Conv2d(5, width // 2, 5, stride=2, padding=2),  # rgb + (x, y) coordinate channels
                nn.Conv2d(width // 2, width, 3, stride=2, padding=1),
                nn.Conv2d(width, width, 3, padding=1),
            ]
        )
        self.norms = nn.ModuleList([nn.GroupNorm(8, c.out_channels) for c in self.convs])
        self.film = nn.Linear(text_dim, 2 * sum(c.out_channels for c in self.convs))
        self.keypoints = nn.Conv2d(width, keypoints, 1)
        self.softmax = SpatialSoftmax()
        self.text = nn.Linear(text_dim, hidden // 2)
        self.head = nn.Sequential(
            nn.Linear(2 * keypoints + hidden // 2, hidden),
            nn.GELU(),
            nn.Linear(hidden, hidden),
            nn.GELU(),
            nn.Linear(hidden, self.dims * bins),
        )

    def forward(self, images: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """Args: images (B, 3, H, W) in [0, 1]; text (B, text_dim). Returns: (B, chunk x dims, bins) logits."""
        b, _, h, w = images.shape
        text = torch.nn.functional.normalize(text - self.text_center, dim=-1)
        ys, xs = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1, 1, w), indexing="ij")
        x = torch.cat([images - 0.5, xs.expand(b, 1, h, w), ys.expand(b, 1, h, w)], dim=1)
        film = self.film(text).split([2 * c.out_channels for c in self.convs], dim=1)
        for conv, norm, mod in zip(self.convs, self.norms, film, strict=True):
            gamma, beta = mod.chunk(2, dim=1)
            x = torch.relu(norm(conv(x)) * (1 + gamma[:, :, None, None]) + beta[:, :, None, None])
        points = self.softmax(self.keypoints(x))
        logits = self.head(torch.cat([points, torch.relu(self.text(text))], dim=1))
        return logits.view(b, self.dims, self.bins)
