"""What a policy server accepts: an observation checked field by field, refused with the reason (`BadRequest`)."""

from __future__ import annotations

from typing import Any

import numpy as np

MIN_SIDE = 16


class BadRequest(ValueError):
    """A request the protocol does not allow; answered with ``status`` and the message.

    ``limit`` names the server limit it broke (``"limits.max_depth"``), which the server logs as a refusal.
    """

    def __init__(self, message: str, status: int = 422, limit: str | None = None) -> None:
        super().__init__(message)
        self.status, self.limit = status, limit


def check_observation(
    image: Any,
    instruction: Any,
    key: Any,
    unnorm_keys: tuple[str, ...],
    max_side: int,
    max_chars: int,
    *,
    encoding: str,
    image_field: str = "image",
    instruction_field: str = "instruction",
) -> dict[str, Any]:
    """``{"image", "instruction", "unnorm_key"}`` for ``predict_action``, or `BadRequest` naming the field.

    Args:
        encoding: How the protocol sends arrays (``"json-numpy"``, ``"openpi msgpack"``), for the messages.
        image_field, instruction_field: The protocol's names of the two fields (openpi: its image key, ``prompt``).
    """
    if image is None:
        raise BadRequest(f"field {image_field!r} is required: an (H, W, 3) uint8 array, {encoding} encoded")
    if not isinstance(image, np.ndarray):
        raise BadRequest(
            f"field {image_field!r} must be an (H, W, 3) uint8 array, {encoding} encoded; got a "
            f"{type(image).__name__} (a plain JSON list is not an array here)"
        )
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise BadRequest(f"field {image_field!r} must be (H, W, 3) uint8, got {image.shape} {image.dtype}")
    if not (MIN_SIDE <= image.shape[0] <= max_side and MIN_SIDE <= image.shape[1] <= max_side):
        raise BadRequest(f"field {image_field!r} sides must be {MIN_SIDE}..{max_side} pixels, got {image.shape[:2]}")
    if not isinstance(instruction, str) or not instruction.strip():
        raise BadRequest(f"field {instruction_field!r} is required: a non-empty string such as 'pick up the apple'")
    if len(instruction) > max_chars:
        raise BadRequest(f"field {instruction_field!r} has {len(instruction)} characters; the limit is {max_chars}")
    if key is not None and (not isinstance(key, str) or (unnorm_keys and key not in unnorm_keys)):
        raise BadRequest(f"unknown unnorm_key {key!r}; this policy has {list(unnorm_keys)}")
    return {"image": image, "instruction": instruction, "unnorm_key": key}
