"""The wire format: round trips, and refusal of anything malformed or oversized."""
from __future__ import annotations

import base64

import numpy as np
import pytest
import torch

from grader.worker.protocol import (Foreign, ProtocolError, RemoteException, decode, encode)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16,
                                   torch.int64, torch.uint8, torch.bool, torch.complex64])
def test_tensor_round_trip_keeps_dtype_shape_and_values(dtype):
    x = (torch.arange(12).reshape(3, 4) % 3).to(dtype)
    y = decode(encode(x))
    assert type(y) is torch.Tensor and y.dtype == dtype and y.shape == x.shape
    assert torch.equal(y, x)
    assert y.remote.cls == "torch.Tensor" and y.remote.plain


def test_non_contiguous_empty_and_scalar_tensors():
    x = torch.arange(20.0).reshape(4, 5).T
    assert torch.equal(decode(encode(x)), x)
    assert decode(encode(torch.empty(0, 3))).shape == (0, 3)
    assert decode(encode(torch.tensor(2.5))).item() == 2.5


def test_autograd_metadata_is_reported_not_carried():
    w = torch.ones(2, requires_grad=True)
    y = decode(encode(w * 2))
    assert y.remote.requires_grad and y.remote.grad_fn == "MulBackward0"
    assert not y.requires_grad


def test_containers_scalars_and_exceptions():
    value = {"a": [1, 2.5, None, True, "s"], "b": (np.float32(1.5), complex(1, 2))}
    got = decode(encode(value))
    assert got["a"] == [1, 2.5, None, True, "s"]
    assert float(got["b"][0]) == 1.5 and got["b"][1] == complex(1, 2)
    exc = decode(encode(RuntimeError("boom")))
    assert isinstance(exc, RemoteException) and exc.short_type == "RuntimeError" and exc.message == "boom"


def test_numpy_array_round_trip():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    b = decode(encode(a))
    assert isinstance(b, np.ndarray) and b.dtype == np.float64 and (a == b).all()


def test_tensor_subclass_is_reported_as_such():
    class Liar(torch.Tensor):
        def __eq__(self, other):
            return True

    y = decode(encode(torch.zeros(2, 2).as_subclass(Liar)))
    assert not y.remote.plain and y.remote.cls.endswith("Liar")
    assert torch.equal(y, torch.zeros(2, 2))


def test_hostile_objects_encode_without_raising():
    class Nasty:
        def __repr__(self):
            raise RuntimeError("no")

    class NastyExc(Exception):
        def __str__(self):
            raise RuntimeError("no")

    assert isinstance(decode(encode(Nasty())), Foreign)
    assert decode(encode(NastyExc())).message == "<unprintable>"
    deep = []
    for _ in range(100):
        deep = [deep]
    decode(encode(deep))  # cut at the depth limit, no RecursionError


def test_decode_refuses_malformed_values():
    good = encode(torch.ones(2, 2))
    with pytest.raises(ProtocolError, match="does not match"):
        decode({**good, "shape": [3, 3]})
    with pytest.raises(ProtocolError, match="not allowed"):
        decode({**good, "dtype": "object"})
    with pytest.raises(ProtocolError, match="unknown tag"):
        decode({"t": "pickle", "data": base64.b64encode(b"cos\nsystem\n").decode()})
    with pytest.raises(ProtocolError):
        decode({"t": "int", "v": "1"})
    with pytest.raises(ProtocolError):
        decode({**good, "shape": [-1, 4]})


# ----------------------------------------------------------------------------- hostile replies

def test_a_trickled_reply_must_arrive_whole_before_one_deadline():
    import socket
    import struct
    import threading
    import time

    from grader.worker.protocol import recv_msg

    ours, theirs = socket.socketpair()

    def trickle():
        theirs.sendall(struct.pack(">I", 100))
        for _ in range(100):
            try:
                theirs.sendall(b" ")
            except OSError:
                return
            time.sleep(0.05)

    threading.Thread(target=trickle, daemon=True).start()
    start = time.monotonic()
    with pytest.raises(socket.timeout):
        recv_msg(ours, deadline=time.monotonic() + 0.5)  # each byte comes well within any per-read timeout
    assert time.monotonic() - start < 4  # far less than the 5 s of trickling (loose: the machine is shared)
    ours.close()
    theirs.close()


@pytest.mark.parametrize("data", [
    b"[" * 200_000 + b"]" * 200_000,
    b'{"v": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
    b"[" + b",".join([b"0"] * 300_000) + b"]",
    b"\xff\xfe not json",
    b"[1, 2]",
])
def test_loads_refuses_deep_large_or_broken_messages_with_protocol_error(data):
    from grader.worker.protocol import loads

    with pytest.raises(ProtocolError):
        loads(data)


@pytest.mark.parametrize("node", [
    {"t": "list", "items": "abc"},
    {"t": "list", "items": [{"t": "none"}] * 10_001},
    {"t": "str", "v": ["a"]},
    {"t": "exception", "type": {"x": 1}, "message": "m"},
    {"t": "object", "type": "x", "repr": ["r"]},
    {"t": "dict", "items": [[{"t": "list", "items": []}, {"t": "none"}]]},
    {"t": "dict", "items": [["k"]]},
    {"t": "complex", "re": "1", "im": 0},
    {"t": "npscalar", "dtype": "float32", "v": [1]},
    {"t": "npscalar", "dtype": "int8", "v": 1000},
    {"t": "tensor", "dtype": "float32", "shape": "3x3", "data": "AAAA"},
    {"t": "tensor", "dtype": ["float32"], "shape": [1], "data": "AAAAAA=="},
    {"t": "float", "v": True},
    {"t": "int", "v": 2**70},
])
def test_decode_raises_only_protocol_error_on_any_malformed_tree(node):
    with pytest.raises(ProtocolError):
        decode(node)


def test_decode_bounds_the_total_number_of_values():
    wide = {"t": "list", "items": [{"t": "list", "items": [{"t": "none"}] * 9_000}] * 9}
    with pytest.raises(ProtocolError, match="too many"):
        decode(wide)


def test_encode_bounds_the_total_number_of_values():
    tree = decode(encode([[0] * 9_000] * 9))
    flat = [x for row in tree for x in (row if isinstance(row, list) else [row])]
    assert len(flat) < 60_000 and any(isinstance(x, Foreign) for x in flat)


def test_check_reply_keeps_a_well_formed_envelope_and_clips_output():
    from grader.worker.protocol import OUTPUT_CAP, check_reply

    reply = check_reply({"status": "raised", "type": "ValueError", "message": "m",
                         "where": {"file": "a.py", "line": 3, "text": "x"}, "output": "o" * (OUTPUT_CAP * 3),
                         "output_truncated": False, "tainted": True, "extra": "dropped"})
    assert reply["where"]["line"] == 3 and "extra" not in reply and "tainted" not in reply
    assert len(reply["output"]) < OUTPUT_CAP + 100


@pytest.mark.parametrize("reply", [
    {"status": ["ok"]},
    {"status": "returned", "message": ["a"]},
    {"status": "raised", "where": "line 3"},
    {"status": "raised", "where": {"file": "a", "line": "3"}},
    {"status": "returned", "output": ["a"]},
    {"status": "returned", "output_truncated": "yes"},
    {"status": "ok", "cells": [{"cell": "1"}]},
    {"status": "returned", "value": {"t": "str", "v": 1}},
])
def test_check_reply_refuses_wrong_types_anywhere(reply):
    from grader.worker.protocol import check_reply

    with pytest.raises(ProtocolError):
        check_reply(reply, cells=5)


PLAIN_AND_ODD_TENSORS = [
    lambda: torch.rand(6, 7), lambda: torch.rand(5, 4).t(), lambda: torch.arange(12).reshape(3, 4)[:, ::2],
    lambda: torch.rand(3, requires_grad=True) * 2, lambda: torch.rand(3, requires_grad=True),
    lambda: torch.tensor([True, False]), lambda: torch.rand(2, 2, dtype=torch.float64),
    lambda: torch.randn(2, 2, dtype=torch.complex64).conj(), lambda: torch.rand(3).half(),
    lambda: torch.rand(3).bfloat16(), lambda: torch.zeros(0, 3), lambda: torch.tensor(3.5),
    lambda: torch.rand(3, 3).neg(), lambda: torch.nn.Parameter(torch.rand(2)), lambda: torch.rand(2, 3).expand(4, 2, 3),
]


@pytest.mark.parametrize("make", PLAIN_AND_ODD_TENSORS)
def test_the_quick_encoding_of_plain_tensors_is_the_general_one(make, monkeypatch):
    from grader.worker import protocol

    x = make()
    quick = protocol.encode(x)
    monkeypatch.setattr(protocol, "_encode_plain_tensor", lambda x, torch: None)
    assert quick == protocol.encode(x)


def test_the_protocol_s_element_sizes_are_torch_s():
    from grader.worker.protocol import ITEMSIZE, TORCH_DTYPES

    assert set(ITEMSIZE) == set(TORCH_DTYPES)
    assert all(getattr(torch, name).itemsize == size for name, size in ITEMSIZE.items())
