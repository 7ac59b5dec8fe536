"""saycan/policies/openpi_wire.py: the same bytes as openpi-client's msgpack_numpy, and nothing it would unpickle."""

import msgpack
import numpy as np
import pytest
from openpi_client import msgpack_numpy  # the reference (installed with --no-deps)

from saycan.policies.openpi_wire import WireError, packb, unpackb


def test_openpi_client_reads_what_we_pack_and_we_read_what_it_packs():
    obs = {"observation/image": np.arange(48, dtype=np.uint8).reshape(4, 4, 3), "prompt": "pick up the apple",
           "observation/state": np.float32([0.1, 0.2]), "step": np.int64(3)}  # fmt: skip
    theirs = msgpack_numpy.unpackb(packb(obs))
    assert theirs["prompt"] == obs["prompt"] and theirs["step"] == 3
    assert np.array_equal(theirs["observation/image"], obs["observation/image"])
    reply = {"actions": np.linspace(-1, 1, 70, dtype=np.float32).reshape(10, 7), "server_timing": {"infer_ms": 2.0}}
    ours = unpackb(msgpack_numpy.packb(reply))
    assert ours["actions"].shape == (10, 7) and ours["actions"].dtype == np.float32
    assert np.array_equal(ours["actions"], reply["actions"]) and packb(reply) == msgpack_numpy.packb(reply)


def test_object_arrays_are_refused_both_ways():
    with pytest.raises(WireError, match="object"):
        packb({"x": np.array([{"a": 1}], dtype=object)})
    forged = msgpack.packb({"x": {b"__ndarray__": True, b"data": b"\x80\x04N.", b"dtype": "|O", b"shape": [1]}})
    with pytest.raises(WireError, match="refused dtype object"):
        unpackb(forged)


def test_an_array_whose_bytes_do_not_fill_its_shape_is_malformed():
    forged = msgpack.packb({"a": {b"__ndarray__": True, b"data": b"\x00" * 5, b"dtype": "<f4", b"shape": [2]}})
    with pytest.raises(WireError, match="5 bytes does not fill shape"):
        unpackb(forged)
    with pytest.raises(WireError, match="not an openpi msgpack message"):
        unpackb(b"\xc1")
