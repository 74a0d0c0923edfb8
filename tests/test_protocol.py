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
