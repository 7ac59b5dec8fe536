import time

import json_numpy
import msgpack
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from saycan.policies.body_structure import check_json, check_msgpack
from saycan.policies.openpi_wire import packb
from saycan.policies.request_checks import BadRequest

LIMITS = {"max_depth": 32, "max_elements": 10_000}
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats() | st.text() | st.binary(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=5),
    max_leaves=30,
)


def test_a_good_request_passes_both_checks():
    image = np.zeros((1024, 1024, 3), np.uint8)
    check_json(json_numpy.dumps({"image": image, "instruction": 'a [tricky], {"quoted"} text'}), **LIMITS)
    check_msgpack(packb({"observation/image": image, "prompt": "pick up", "state": np.zeros(8)}), **LIMITS)


@given(values)
def test_any_small_msgpack_message_passes_and_its_truncation_is_refused(value):
    data = msgpack.packb(value)
    check_msgpack(data, **LIMITS)
    if len(data) > 1:
        with pytest.raises(BadRequest, match="ends inside a value"):
            check_msgpack(data[:-1], **LIMITS)


@pytest.mark.parametrize(
    ("body", "limit"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "deeper than the limit of 32"),  # a RecursionError in the decoder
        (b"[" + b"[]," * (2 << 20) + b"[]]", "more than the limit of 10000 values"),  # hundreds of MiB decoded
        (b'{"a": ' + b"1," * 20_000 + b"1}", "more than the limit of 10000 values"),
    ],
)
def test_hostile_json_is_refused_before_decoding_in_milliseconds(body, limit):
    start = time.perf_counter()
    with pytest.raises(BadRequest, match=limit) as refused:
        check_json(body, **LIMITS)
    assert time.perf_counter() - start < 0.5 and refused.value.status == 400
    assert refused.value.limit in ("limits.max_depth", "limits.max_elements")


def test_brackets_and_commas_inside_json_strings_do_not_count():
    check_json(b'{"instruction": "' + b'[{,\\"' * 5000 + b'"}', max_depth=2, max_elements=3)


@pytest.mark.parametrize(
    ("message", "limit"),
    [
        (b"\x91" * 100 + b"\xc0", "deeper than the limit of 32"),
        (b"\xdd\x00\x80\x00\x00" + b"\x80" * (8 << 20), "more than the limit of 10000 values"),  # 8 MiB of {}
        (b"\xdf\xff\xff\xff\xff" + b"\x01" * 30_000, "more than the limit of 10000 values"),
    ],
)
def test_hostile_msgpack_is_refused_before_decoding_in_milliseconds(message, limit):
    start = time.perf_counter()
    with pytest.raises(BadRequest, match=limit):
        check_msgpack(message, **LIMITS)
    assert time.perf_counter() - start < 0.5
