"""Image preprocessing shared by training and inference: resize, and OpenVLA's random/center crop."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

STORE_SIZE = 112  # demos keep head-camera frames at this size (224 / 2)
CROP_SCALE = 0.9  # OpenVLA's augmentation: a random crop of 90% of the image area, resized back


def crop_side(side: int, scale: float) -> int:
    """Pixels along one side of a square crop covering ``scale`` of the area (training and inference agree)."""
    return max(1, round(side * math.sqrt(scale)))


def resize(image: np.ndarray, size: int) -> np.ndarray:
    """(H, W, 3) uint8 -> (size, size, 3) uint8, area-averaged (any input size)."""
    return np.asarray(Image.fromarray(np.ascontiguousarray(image)).resize((size, size), Image.Resampling.BOX))


def crop_resize(images: torch.Tensor, out: int, scale: float, offsets: torch.Tensor | None = None) -> torch.Tensor:
    """Square crops of ``scale`` of the area, resized to ``out``.

    Args:
        images: (B, 3, S, S) float images.
        out: Output side in pixels.
        scale: Crop area as a fraction of the image (1.0: no crop).
        offsets: (B, 2) crop positions in [0, 1] (0.5: centre, as at inference); None: centre.

    Returns:
        (B, 3, out, out) float images.
    """
    side = images.shape[-1]
    crop = crop_side(side, scale)
    if offsets is None:
        offsets = torch.full((images.shape[0], 2), 0.5)
    starts = (offsets * (side - crop)).round().long()
    crops = torch.stack(
        [img[:, y : y + crop, x : x + crop] for img, (y, x) in zip(images, starts.tolist(), strict=True)]
    )
    return F.interpolate(crops, size=(out, out), mode="bilinear", antialias=True, align_corners=False)


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """(B, H, W, 3) uint8 -> (B, 3, H, W) float in [0, 1] (read-only input, e.g. a decoded request, is copied)."""
    return torch.from_numpy(np.require(images, requirements=["C", "W"])).permute(0, 3, 1, 2).float() / 255.0


def center_crop(image: np.ndarray, scale: float = CROP_SCALE) -> np.ndarray:
    """(H, W, 3) uint8 -> the centre crop of ``scale`` of its area, resized back to (H, W, 3).

    What OpenVLA's evaluation does for checkpoints trained with random-crop augmentation.
    """
    h, w = image.shape[:2]
    ch, cw = crop_side(h, scale), crop_side(w, scale)
    top, left = (h - ch) // 2, (w - cw) // 2
    crop = np.ascontiguousarray(image[top : top + ch, left : left + cw])
    return np.asarray(Image.fromarray(crop).resize((w, h), Image.Resampling.BILINEAR))
