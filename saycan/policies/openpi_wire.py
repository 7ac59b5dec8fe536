"""openpi's wire format: msgpack with numpy arrays as ``{"__ndarray__", "data", "dtype", "shape"}`` maps.

The same encoding as ``openpi_client.msgpack_numpy`` (so its `WebsocketClientPolicy` and openpi's
servers understand us), written here so that saycan needs no ``openpi-client`` at run time. Like
openpi's, it never falls back to pickle: object, void and complex arrays are refused both ways, and
a decoded array's buffer must match its dtype and shape exactly.
"""

from __future__ import annotations

from typing import Any

import msgpack
import numpy as np

REFUSED_KINDS = ("V", "O", "c")  # void, object (pickle), complex


class WireError(ValueError):
    """A message that is not valid openpi msgpack (names what was wrong)."""


def _encode(obj: Any) -> Any:
    if isinstance(obj, (np.ndarray, np.generic)) and obj.dtype.kind in REFUSED_KINDS:
        raise WireError(f"cannot send a {obj.dtype} array; use numbers, booleans or strings")
    if isinstance(obj, np.ndarray):
        array = np.ascontiguousarray(obj)
        return {b"__ndarray__": True, b"data": array.tobytes(), b"dtype": array.dtype.str, b"shape": array.shape}
    if isinstance(obj, np.generic):
        return {b"__npgeneric__": True, b"data": obj.item(), b"dtype": obj.dtype.str}
    return obj


def _decode(obj: dict[Any, Any]) -> Any:
    if b"__ndarray__" in obj:
        dtype, shape = _dtype(obj.get(b"dtype")), tuple(obj.get(b"shape") or ())
        data = obj.get(b"data")
        if not isinstance(data, bytes) or any(not isinstance(n, int) or n < 0 for n in shape):
            raise WireError(f"array with shape {shape} and {type(data).__name__} data is malformed")
        if len(data) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise WireError(f"array of {len(data)} bytes does not fill shape {shape} of {dtype}")
        return np.frombuffer(data, dtype=dtype).reshape(shape)
    if b"__npgeneric__" in obj:
        return _dtype(obj.get(b"dtype")).type(obj.get(b"data"))
    return obj


def _dtype(value: Any) -> np.dtype:
    try:
        dtype = np.dtype(value.decode() if isinstance(value, bytes) else value)
    except (TypeError, ValueError):
        raise WireError(f"unknown dtype {value!r}") from None
    if dtype.kind in REFUSED_KINDS:
        raise WireError(f"refused dtype {dtype} (it could carry pickled objects)")
    return dtype


def packb(obj: Any) -> bytes:
    """``obj`` (dicts, lists, numbers, strings, numpy arrays) as openpi msgpack bytes."""
    return msgpack.packb(obj, default=_encode)


def unpackb(data: bytes) -> Any:
    """openpi msgpack bytes back to Python, arrays as (read-only) numpy arrays; raises `WireError`."""
    try:
        return msgpack.unpackb(data, object_hook=_decode, strict_map_key=False)
    except WireError:
        raise
    except (ValueError, TypeError, msgpack.UnpackException) as exc:
        raise WireError(f"not an openpi msgpack message: {exc}") from None
