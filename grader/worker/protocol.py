"""Plain-data wire format between the trusted grader and the sandboxed worker.

Messages are length-prefixed JSON objects. Values (arguments, results) are tagged
JSON trees: tensors and arrays travel as raw bytes (base64) with their dtype and
shape, exceptions as type name and message, anything else as its type name and a
short ``repr``. Nothing is ever pickled, so decoding a message cannot run code.

This module is imported on both sides; it needs only the standard library, and
torch/numpy lazily when a value of theirs is encoded or decoded.
"""
from __future__ import annotations

import base64
import json
import math
import socket
import struct
import sys

HEADER = struct.Struct(">I")
MAX_MESSAGE = 64 * 1024 * 1024  # bytes of one JSON message
MAX_ARRAY_BYTES = 16 * 1024 * 1024
MAX_ITEMS = 10_000
MAX_DEPTH = 16
MAX_TEXT = 4_000
FIRST_CHILD_UID = 200_000  # worker children run as uids from here on (never root, never a system user)

TORCH_DTYPES = (
    "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
    "int8", "int16", "int32", "int64", "uint8", "bool",
)
NUMPY_DTYPES = (
    "float16", "float32", "float64", "complex64", "complex128",
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool",
)


class ProtocolError(Exception):
    """A message that does not follow the wire format (too large, malformed, cut)."""


# ----------------------------------------------------------------------------- framing

def send_msg(sock: socket.socket, obj: dict) -> None:
    data = json.dumps(obj, allow_nan=True, separators=(",", ":")).encode()
    if len(data) > MAX_MESSAGE:
        raise ProtocolError(f"message of {len(data)} bytes exceeds {MAX_MESSAGE}")
    sock.sendall(HEADER.pack(len(data)) + data)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def recv_msg(sock: socket.socket, limit: int = MAX_MESSAGE) -> dict:
    (size,) = HEADER.unpack(_recv_exact(sock, HEADER.size))
    if size > limit:
        raise ProtocolError(f"message of {size} bytes exceeds the limit of {limit}")
    try:
        obj = json.loads(_recv_exact(sock, size))
    except ValueError as exc:
        raise ProtocolError(f"malformed message: {exc}") from None
    if not isinstance(obj, dict):
        raise ProtocolError("a message must be a JSON object")
    return obj


# ----------------------------------------------------------------------------- encoding

def type_name(obj) -> str:
    cls = type(obj)
    module = getattr(cls, "__module__", None) or "?"
    qual = getattr(cls, "__qualname__", None) or getattr(cls, "__name__", "?")
    return qual if module == "builtins" else f"{module}.{qual}"


def clip(text: str, limit: int = MAX_TEXT) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"... [{len(text) - limit} more characters]"


def safe_str(obj, fn=str) -> str:
    try:
        text = fn(obj)
        if not isinstance(text, str):
            return "<unprintable>"
        return clip(text)
    except BaseException:  # a hostile __str__/__repr__ must not break encoding
        return "<unprintable>"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _encode_tensor(x) -> dict:
    import torch

    with torch._C.DisableTorchFunctionSubclass():
        meta = {
            "t": "tensor",
            "cls": type_name(x),
            "dtype": str(x.dtype).replace("torch.", ""),
            "shape": [int(s) for s in x.shape],
            "requires_grad": bool(x.requires_grad),
            "grad_fn": type(x.grad_fn).__name__ if x.grad_fn is not None else None,
        }
        if meta["dtype"] not in TORCH_DTYPES or x.layout != torch.strided:
            return {"t": "object", "type": meta["cls"], "repr": f"tensor of dtype {meta['dtype']}"}
        flat = torch.Tensor.detach(x).cpu().contiguous().reshape(-1)
        nbytes = flat.numel() * flat.element_size()
        if nbytes > MAX_ARRAY_BYTES:
            return {"t": "object", "type": meta["cls"], "repr": f"a tensor of {nbytes} bytes (too large)"}
        meta["data"] = _b64(flat.view(torch.uint8).numpy().tobytes())
    return meta


def _encode_ndarray(x) -> dict:
    dtype = str(x.dtype)
    if dtype not in NUMPY_DTYPES or x.nbytes > MAX_ARRAY_BYTES:
        return {"t": "object", "type": type_name(x), "repr": f"array of dtype {dtype}, shape {x.shape}"}
    import numpy

    return {"t": "ndarray", "dtype": dtype, "shape": [int(s) for s in x.shape],
            "data": _b64(numpy.ascontiguousarray(x).tobytes())}


def encode(value, depth: int = 0) -> dict:
    """Turn a Python value into a tagged JSON tree. Never raises."""
    try:
        return _encode(value, depth)
    except BaseException as exc:  # noqa: BLE001 - encoding a hostile object
        return {"t": "object", "type": safe_str(type(value), lambda c: getattr(c, "__name__", "?")),
                "repr": f"<could not be encoded: {safe_str(exc)}>"}


def _encode(value, depth: int) -> dict:
    if depth > MAX_DEPTH:
        return {"t": "object", "type": type_name(value), "repr": "<nested too deeply>"}
    if value is None:
        return {"t": "none"}
    cls = type(value)
    if cls is bool:
        return {"t": "bool", "v": value}
    if cls is int:
        if abs(value) < 2**63:
            return {"t": "int", "v": value}
        return {"t": "object", "type": "int", "repr": "<integer too large>"}
    if cls is float:
        return {"t": "float", "v": value}
    if cls is str:
        return {"t": "str", "v": clip(value, 100_000)}
    if cls in (list, tuple):
        if len(value) > MAX_ITEMS:
            return {"t": "object", "type": cls.__name__, "repr": f"<{len(value)} items, too many>"}
        return {"t": cls.__name__, "items": [encode(v, depth + 1) for v in value]}
    if cls is dict:
        if len(value) > MAX_ITEMS:
            return {"t": "object", "type": "dict", "repr": "<too many items>"}
        return {"t": "dict", "items": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, BaseException):
        return {"t": "exception", "type": type_name(value), "message": safe_str(value)}
    if isinstance(value, type):
        return {"t": "class", "name": safe_str(value, lambda c: f"{c.__module__}.{c.__qualname__}")}
    torch = sys.modules.get("torch")
    if torch is not None:
        if isinstance(value, torch.Tensor):
            return _encode_tensor(value)
        if isinstance(value, torch.dtype):
            return {"t": "object", "type": "torch.dtype", "repr": str(value)}
        if isinstance(value, torch.Size):
            return {"t": "tuple", "items": [encode(int(v)) for v in value]}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        if isinstance(value, numpy.ndarray):
            return _encode_ndarray(value)
        if isinstance(value, numpy.generic) and str(value.dtype) in NUMPY_DTYPES:
            item = value.item()
            return {"t": "npscalar", "dtype": str(value.dtype), "v": item if not isinstance(item, complex) else str(item)}
    if cls is complex:
        return {"t": "complex", "re": value.real, "im": value.imag}
    return {"t": "object", "type": type_name(value), "repr": safe_str(value, repr)}


# ----------------------------------------------------------------------------- decoding

class Foreign:
    """A value the worker could only describe: its type name and a short repr."""

    def __init__(self, type_name: str, text: str):
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


class RemoteException:
    """An exception object returned (not raised) by student code."""

    def __init__(self, type_name: str, message: str):
        self.type_name = type_name
        self.message = message

    @property
    def short_type(self) -> str:
        return self.type_name.rsplit(".", 1)[-1]

    def __repr__(self) -> str:
        return f"{self.type_name}({self.message!r})"


class RemoteClass:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"<class {self.name}>"


class TensorMeta:
    """What the worker said about a returned tensor besides its values."""

    def __init__(self, cls: str, requires_grad: bool, grad_fn):
        self.cls = cls
        self.requires_grad = requires_grad
        self.grad_fn = grad_fn

    @property
    def plain(self) -> bool:
        return self.cls in ("torch.Tensor", "torch.nn.parameter.Parameter")


def _raw(node: dict, itemsize: int, shape) -> bytes:
    if not isinstance(shape, list) or not all(isinstance(s, int) and 0 <= s < 2**31 for s in shape):
        raise ProtocolError("bad shape")
    numel = math.prod(shape)
    data = base64.b64decode(node.get("data", ""), validate=True)
    if len(data) != numel * itemsize:
        raise ProtocolError("array data does not match its shape and dtype")
    return data


def decode(node, depth: int = 0):
    """Rebuild a value from a tagged JSON tree; tensors become fresh, plain tensors."""
    if depth > MAX_DEPTH + 2 or not isinstance(node, dict):
        raise ProtocolError("malformed value")
    tag = node.get("t")
    if tag == "none":
        return None
    if tag in ("bool", "int", "float", "str"):
        value = node.get("v")
        expected = {"bool": bool, "int": int, "float": (float, int), "str": str}[tag]
        if not isinstance(value, expected) or (tag == "int" and isinstance(value, bool)):
            raise ProtocolError(f"malformed {tag}")
        return float(value) if tag == "float" else value
    if tag == "complex":
        return complex(float(node["re"]), float(node["im"]))
    if tag in ("list", "tuple"):
        items = [decode(v, depth + 1) for v in node.get("items", [])]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        return {decode(k, depth + 1): decode(v, depth + 1) for k, v in node.get("items", [])}
    if tag == "tensor":
        import torch

        dtype_name = node.get("dtype")
        if dtype_name not in TORCH_DTYPES:
            raise ProtocolError(f"dtype {dtype_name!r} not allowed")
        dtype = getattr(torch, dtype_name)
        itemsize = torch.empty((), dtype=dtype).element_size()
        data = _raw(node, itemsize, node.get("shape"))
        if data:
            tensor = torch.frombuffer(bytearray(data), dtype=dtype).reshape(node["shape"]).clone()
        else:
            tensor = torch.empty(node["shape"], dtype=dtype)
        tensor.remote = TensorMeta(str(node.get("cls", "?")), bool(node.get("requires_grad")), node.get("grad_fn"))
        return tensor
    if tag == "ndarray":
        import numpy

        dtype_name = node.get("dtype")
        if dtype_name not in NUMPY_DTYPES:
            raise ProtocolError(f"dtype {dtype_name!r} not allowed")
        dtype = numpy.dtype(dtype_name)
        data = _raw(node, dtype.itemsize, node.get("shape"))
        return numpy.frombuffer(data, dtype=dtype).reshape(node["shape"]).copy()
    if tag == "npscalar":
        import numpy

        if node.get("dtype") not in NUMPY_DTYPES:
            raise ProtocolError("dtype not allowed")
        return numpy.array(node["v"], dtype=node["dtype"])[()]
    if tag == "exception":
        return RemoteException(str(node.get("type", "?")), str(node.get("message", "")))
    if tag == "class":
        return RemoteClass(str(node.get("name", "?")))
    if tag == "object":
        return Foreign(str(node.get("type", "?")), str(node.get("repr", "")))
    raise ProtocolError(f"unknown tag {tag!r}")
