"""What a policy server accepts: an observation checked field by field, refused with the reason (`BadRequest`)."""

from __future__ import annotations

from typing import Any

import numpy as np

MIN_SIDE = 16


class BadRequest(ValueError):
    """A request the protocol does not allow; answered with ``status`` and the message."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def check_observation(
    image: Any, instruction: Any, key: Any, unnorm_keys: tuple[str, ...], max_side: int, max_chars: int
) -> dict[str, Any]:
    """``{"image", "instruction", "unnorm_key"}`` for ``predict_action``, or `BadRequest` naming the field."""
    if not isinstance(image, np.ndarray):
        raise BadRequest("field 'image' is required: an (H, W, 3) uint8 array")
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise BadRequest(f"field 'image' must be (H, W, 3) uint8, got {image.shape} {image.dtype}")
    if not (MIN_SIDE <= image.shape[0] <= max_side and MIN_SIDE <= image.shape[1] <= max_side):
        raise BadRequest(f"field 'image' sides must be {MIN_SIDE}..{max_side} pixels, got {image.shape[:2]}")
    if not isinstance(instruction, str) or not instruction.strip():
        raise BadRequest("field 'instruction' is required: a non-empty string such as 'pick up the apple'")
    if len(instruction) > max_chars:
        raise BadRequest(f"field 'instruction' has {len(instruction)} characters; the limit is {max_chars}")
    if key is not None and (not isinstance(key, str) or (unnorm_keys and key not in unnorm_keys)):
        raise BadRequest(f"unknown unnorm_key {key!r}; this policy has {list(unnorm_keys)}")
    return {"image": image, "instruction": instruction, "unnorm_key": key}
