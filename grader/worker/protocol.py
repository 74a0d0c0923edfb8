"""Plain-data wire format between the trusted grader and the sandboxed worker.

Messages are length-prefixed: requests (trusted side to worker) marshalled, replies (worker to
trusted side) JSON objects, which the trusted side parses as JSON only. Values (arguments,
results) are tagged JSON trees: tensors and arrays travel as raw bytes (base64) with their dtype and
shape, exceptions as type name and message, anything else as its type name and a
short ``repr``. Nothing is ever pickled, so decoding a message cannot run code.

This module is imported on both sides; it needs only the standard library, and
torch/numpy lazily when a value of theirs is encoded or decoded.
"""
from __future__ import annotations

import base64
import binascii
import json
import marshal
import math
import os
import socket
import struct
import sys
import time
# The builtins this module uses, bound now: in the worker, student code shares the process and may
# rebind builtins.len or builtins.isinstance; the encoder and the reply path keep the real ones.
from builtins import (BaseException, EOFError, Exception, MemoryError, RecursionError, TypeError,  # noqa: A004
                      ValueError, abs, all, bool, bytes, dict, float, getattr, int, isinstance, len, list, min,
                      ord, repr, str, tuple, type)

HEADER = struct.Struct(">I")
MAX_MESSAGE = 8 * 1024 * 1024  # bytes of one reply from the worker (what the trusted side reads)
MAX_REQUEST = 64 * 1024 * 1024  # bytes of one request to the worker (it carries the submission's files)
MAX_ARRAY_BYTES = 4 * 1024 * 1024  # raw bytes of one tensor or array (base64 makes it a third larger)
MAX_ITEMS = 10_000  # items of one list, tuple or dict
MAX_NODES = 50_000  # values in one encoded tree, all levels together
MAX_TOKENS = 250_000  # brackets, braces and commas in one reply: a bound on its objects before parsing
MAX_DEPTH = 16
MAX_TEXT = 4_000
MAX_STR = 100_000  # characters of one returned string
OUTPUT_CAP = 8_000  # characters of captured output per reply
FIRST_CHILD_UID = 200_000  # worker children run as uids from here on (never root, never a system user)
TMP_BYTES = 512 << 20  # the sandbox's RAM-backed /tmp (bubblewrap), or each child's (user separation)
# What a submission may hold in total (its cgroup, or the worker's count without one) beyond the
# address space each of its processes may add (the memory limit): a full /tmp (its files are
# charged to the cgroup, not to any address space), the pages a child copies from the zygote it
# was forked from (15 to 60 MiB) and page tables. The address space is then what stops a growing
# process, always with a MemoryError at the same allocation, never a kill whose moment depends on
# how many pages were copied or how full /tmp is (which gave one submission 103, 93 or 73 points).
CHARGE_HEADROOM = TMP_BYTES + (128 << 20)
# Tensors the trusted side decodes carry what the worker said about them (``remote``); in the
# worker, the decoded arguments of a call are plain tensors a submission may pickle or save.
KEEP_TENSOR_META = True

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

# ----------------------------------------------------------------------------- the worker's own I/O
# What the worker receives and sends must not depend on anything student code can change: json,
# base64, binascii and socket are shared modules, and _json's and _socket's types accept new
# attributes (json.dumps replaced could rewrite a probe's reply, json.loads replaced could change
# a request). Requests (trusted -> worker) are marshalled: ``marshal.loads`` builds only plain
# values and is safe on the trusted side's own data. Replies (worker -> trusted) are JSON written
# by ``_dumps`` below from plain values only; the trusted side parses them as before. Both use
# these functions, bound before any student code runs.
_marshal_loads = marshal.loads
_os_read, _os_write = os.read, os.write
_b2a = binascii.b2a_base64
_INF = float("inf")
_ESCAPES = {i: "\\u%04x" % i for i in range(0x20)}
_ESCAPES.update({0x22: '\\"', 0x5C: "\\\\", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x08: "\\b", 0x0C: "\\f"})


def _quote(text: str) -> str:
    text = str.translate(text, _ESCAPES)
    if not str.isascii(text):
        text = "".join([c if c < "\x80" else _uescape(c) for c in text])
    return '"' + text + '"'


def _uescape(c: str) -> str:
    o = ord(c)
    if o < 0x10000:
        return "\\u%04x" % o
    o -= 0x10000
    return "\\u%04x\\u%04x" % (0xD800 | (o >> 10), 0xDC00 | (o & 0x3FF))


def _dump(value, out: list) -> None:
    cls = type(value)
    if cls is str:
        out.append(_quote(value))
    elif cls is dict:
        out.append("{")
        first = True
        for key, item in dict.items(value):
            if type(key) is not str:
                raise TypeError("a key that is not a string")
            if not first:
                out.append(",")
            first = False
            out.append(_quote(key))
            out.append(":")
            _dump(item, out)
        out.append("}")
    elif cls is list or cls is tuple:
        out.append("[")
        first = True
        for item in value:
            if not first:
                out.append(",")
            first = False
            _dump(item, out)
        out.append("]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif cls is int:
        out.append(int.__repr__(value))
    elif cls is float:
        if value != value:
            out.append("NaN")
        elif value == _INF:
            out.append("Infinity")
        elif value == -_INF:
            out.append("-Infinity")
        else:
            out.append(float.__repr__(value))
    else:
        raise TypeError(f"a {cls.__name__} cannot be sent")


def dumps(obj) -> bytes:
    """``obj`` (plain values only) as JSON text, all ASCII, as ``json.dumps`` would parse back."""
    out: list = []
    _dump(obj, out)
    return str.encode("".join(out), "ascii")


def _read_exact(fd: int, n: int) -> bytes:
    chunks = []
    while n:
        chunk = _os_read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def send_request(sock: socket.socket, obj: dict, limit: int = MAX_REQUEST) -> None:
    """Trusted side: one request to a child."""
    data = marshal.dumps(obj)
    if len(data) > limit:
        raise ProtocolError(f"message of {len(data)} bytes exceeds {limit}")
    sock.sendall(HEADER.pack(len(data)) + data)


def recv_request(fd: int, limit: int = MAX_REQUEST) -> dict:
    """Worker side: the next request on ``fd``, read and unmarshalled with private functions."""
    (size,) = HEADER.unpack(_read_exact(fd, HEADER.size))
    if size > limit:
        raise ProtocolError(f"message of {size} bytes exceeds the limit of {limit}")
    try:
        obj = _marshal_loads(_read_exact(fd, size))
    except (EOFError, ValueError, TypeError) as exc:
        raise ProtocolError(f"malformed request ({type(exc).__name__})") from None
    if type(obj) is not dict:
        raise ProtocolError("a request must be a dict")
    return obj


def send_reply(fd: int, obj: dict, limit: int = MAX_MESSAGE) -> None:
    """Worker side: one reply, written with private functions (see above)."""
    data = dumps(obj)
    if len(data) > limit:
        raise ProtocolError(f"message of {len(data)} bytes exceeds {limit}")
    data = HEADER.pack(len(data)) + data
    while data:
        data = data[_os_write(fd, data):]


def _recv_exact(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    """``n`` bytes, all of them before ``deadline`` (time.monotonic), however they trickle in."""
    chunks = []
    while n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("the whole message did not arrive in time")
            sock.settimeout(left)
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def loads(data: bytes) -> dict:
    """Parse one message, refusing before parsing what would build too many objects, and
    turning every failure (a RecursionError on deep nesting included) into ProtocolError."""
    tokens = data.count(b"[") + data.count(b"{") + data.count(b",")
    if tokens > MAX_TOKENS:
        raise ProtocolError(f"a message with {tokens} items (more than {MAX_TOKENS})")
    try:
        obj = json.loads(data)
    except RecursionError:
        raise ProtocolError("a message nested too deeply") from None
    except (ValueError, TypeError, MemoryError) as exc:
        raise ProtocolError(f"malformed message: {safe_str(exc)[:200]}") from None
    if not isinstance(obj, dict):
        raise ProtocolError("a message must be a JSON object")
    return obj


def recv_msg(sock: socket.socket, limit: int = MAX_MESSAGE, deadline: float | None = None) -> dict:
    """One length-prefixed message; with ``deadline``, the whole of it must arrive before then."""
    (size,) = HEADER.unpack(_recv_exact(sock, HEADER.size, deadline))
    if size > limit:
        raise ProtocolError(f"message of {size} bytes exceeds the limit of {limit}")
    return loads(_recv_exact(sock, size, deadline))


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
    return bytes.decode(_b2a(data, newline=False), "ascii")


# bytes per element of each dtype the protocol carries. Fixed here: in the worker, a lookup through
# the torch namespace would see what student code bound to its names (torch.int32 = torch.float32)
ITEMSIZE = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8, "complex64": 8, "complex128": 16,
            "int8": 1, "int16": 2, "int32": 4, "int64": 8, "uint8": 1, "bool": 1}
PLAIN_DTYPES = frozenset(ITEMSIZE) - {"bfloat16"}  # what numpy holds as it is
_DTYPES: dict = {}  # dtype name -> torch dtype (see remember_dtypes)


def remember_dtypes(torch) -> None:
    """Bind the protocol's dtype names to torch's dtypes now. The worker's zygote calls this before
    any student code runs: a child then decodes "int32" as int32 whatever its code did to the
    name ``torch.int32``."""
    if not _DTYPES:
        _DTYPES.update({name: getattr(torch, name) for name in TORCH_DTYPES})


def _encode_plain_tensor(x, torch):
    """A plain CPU tensor (no subclass, no lazy conjugate or negation) in one step; None otherwise."""
    dtype = str(x.dtype)[6:]  # "torch.float32": a dtype's own text, which code cannot rebind
    if dtype not in PLAIN_DTYPES or x.layout != torch.strided or x.device.type != "cpu" or x.is_conj() or x.is_neg():
        return None
    if x.numel() * x.element_size() > MAX_ARRAY_BYTES:
        return None
    grad_fn = x.grad_fn
    return {"t": "tensor", "cls": "torch.Tensor", "dtype": dtype, "shape": [int(s) for s in x.shape],
            "requires_grad": bool(x.requires_grad),
            "grad_fn": type(grad_fn).__name__ if grad_fn is not None else None,
            "data": _b64(x.detach().numpy().tobytes())}  # numpy's bytes: C order, whatever the strides


def _encode_tensor(x) -> dict:
    import torch

    if type(x) is torch.Tensor:
        plain = _encode_plain_tensor(x, torch)
        if plain is not None:
            return plain
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


def encode(value, depth: int = 0, budget: list | None = None) -> dict:
    """Turn a Python value into a tagged JSON tree. Never raises.

    At most ``MAX_NODES`` values in one tree: the rest are described, not sent.
    """
    if budget is None:
        budget = [MAX_NODES]
    try:
        return _encode(value, depth, budget)
    except BaseException as exc:  # noqa: BLE001 - encoding a hostile object
        return {"t": "object", "type": safe_str(type(value), lambda c: getattr(c, "__name__", "?")),
                "repr": f"<could not be encoded: {safe_str(exc)}>"}


def _encode(value, depth: int, budget: list) -> dict:
    budget[0] -= 1
    if budget[0] < 0:
        return {"t": "object", "type": "?", "repr": "<too many values>"}
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
        return {"t": "str", "v": clip(value, MAX_STR)}
    if cls in (list, tuple):
        if len(value) > MAX_ITEMS:
            return {"t": "object", "type": cls.__name__, "repr": f"<{len(value)} items, too many>"}
        items = []
        for v in value:
            if budget[0] <= 0:  # what is left is described in one item, not sent
                items.append({"t": "object", "type": "?", "repr": "<too many values>"})
                break
            items.append(encode(v, depth + 1, budget))
        return {"t": cls.__name__, "items": items}
    if cls is dict:
        if len(value) > MAX_ITEMS:
            return {"t": "object", "type": "dict", "repr": "<too many items>"}
        pairs = []
        for k, v in value.items():
            if budget[0] <= 1:
                return {"t": "object", "type": "dict", "repr": "<too many values>"}
            pairs.append([encode(k, depth + 1, budget), encode(v, depth + 1, budget)])
        return {"t": "dict", "items": pairs}
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
            return {"t": "tuple", "items": [encode(int(v), depth + 1, budget) for v in value[:MAX_ITEMS]]}
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
    if not isinstance(shape, list) or len(shape) > 32 \
            or not all(type(s) is int and 0 <= s < 2**31 for s in shape):
        raise ProtocolError("bad shape")
    numel = math.prod(shape)
    data = node.get("data", "")
    if not isinstance(data, str) or len(data) > (MAX_ARRAY_BYTES * 4) // 3 + 4:
        raise ProtocolError("array data too large or not text")
    data = base64.b64decode(data, validate=True)
    if len(data) != numel * itemsize:
        raise ProtocolError("array data does not match its shape and dtype")
    return data


def _text(node: dict, key: str, default: str = "", limit: int = MAX_TEXT) -> str:
    value = node.get(key, default)
    if not isinstance(value, str):
        raise ProtocolError(f"malformed {key!r}: not a string")
    return clip(value, limit)


def decode(node, depth: int = 0, budget: list | None = None):
    """Rebuild a value from a tagged JSON tree; tensors become fresh, plain tensors.

    Anything that does not follow the format, in any way, raises ProtocolError (and
    nothing else): deep nesting, too many items, a list where a string belongs.
    """
    if budget is None:
        budget = [MAX_NODES + 2 * (MAX_DEPTH + 2)]  # the encoder's own "too many values" markers
    try:
        return _decode(node, depth, budget)
    except ProtocolError:
        raise
    except RecursionError:
        raise ProtocolError("a value nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - whatever a malformed tree makes the decoder raise
        raise ProtocolError(f"malformed value ({type(exc).__name__})") from None


def _items(node: dict) -> list:
    items = node.get("items", [])
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise ProtocolError("malformed or too many items")
    return items


def _decode(node, depth: int, budget: list):
    budget[0] -= 1
    if budget[0] < 0:
        raise ProtocolError("too many values")
    if depth > MAX_DEPTH + 2 or not isinstance(node, dict):
        raise ProtocolError("malformed value")
    tag = node.get("t")
    if tag == "none":
        return None
    if tag in ("bool", "int", "float", "str"):
        value = node.get("v")
        expected = {"bool": bool, "int": int, "float": (float, int), "str": str}[tag]
        if not isinstance(value, expected) or (tag in ("int", "float") and isinstance(value, bool)):
            raise ProtocolError(f"malformed {tag}")
        if tag == "int" and abs(value) >= 2**63:
            raise ProtocolError("integer too large")
        if tag == "str":
            return clip(value, MAX_STR)
        return float(value) if tag == "float" else value
    if tag == "complex":
        re, im = node.get("re"), node.get("im")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (re, im)):
            raise ProtocolError("malformed complex")
        return complex(float(re), float(im))
    if tag in ("list", "tuple"):
        items = [_decode(v, depth + 1, budget) for v in _items(node)]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        out = {}
        for pair in _items(node):
            if not isinstance(pair, list) or len(pair) != 2:
                raise ProtocolError("malformed dict item")
            key = _decode(pair[0], depth + 1, budget)
            out[key] = _decode(pair[1], depth + 1, budget)  # an unhashable key raises TypeError
        return out
    if tag == "tensor":
        import torch

        dtype_name = node.get("dtype")
        if not isinstance(dtype_name, str) or dtype_name not in TORCH_DTYPES:
            raise ProtocolError(f"dtype {safe_str(dtype_name, repr)[:40]} not allowed")
        remember_dtypes(torch)
        dtype = _DTYPES[dtype_name]
        data = _raw(node, ITEMSIZE[dtype_name], node.get("shape"))
        if data:
            tensor = torch.frombuffer(bytearray(data), dtype=dtype).reshape(node["shape"]).clone()
        else:
            tensor = torch.empty(node["shape"], dtype=dtype)
        grad_fn = node.get("grad_fn")
        if grad_fn is not None and not isinstance(grad_fn, str) or not isinstance(node.get("requires_grad", False), bool):
            raise ProtocolError("malformed tensor metadata")
        if KEEP_TENSOR_META:
            tensor.remote = TensorMeta(_text(node, "cls", "?"), bool(node.get("requires_grad")),
                                       None if grad_fn is None else clip(grad_fn, 200))
        return tensor
    if tag == "ndarray":
        import numpy

        dtype_name = node.get("dtype")
        if not isinstance(dtype_name, str) or dtype_name not in NUMPY_DTYPES:
            raise ProtocolError(f"dtype {safe_str(dtype_name, repr)[:40]} not allowed")
        dtype = numpy.dtype(dtype_name)
        data = _raw(node, dtype.itemsize, node.get("shape"))
        return numpy.frombuffer(data, dtype=dtype).reshape(node["shape"]).copy()
    if tag == "npscalar":
        import numpy

        dtype_name = node.get("dtype")
        value = node.get("v")
        if not isinstance(dtype_name, str) or dtype_name not in NUMPY_DTYPES \
                or not isinstance(value, (bool, int, float, str)) or isinstance(value, str) and len(value) > 100:
            raise ProtocolError("malformed numpy scalar")
        if isinstance(value, str):
            value = complex(value)
        return numpy.array(value, dtype=dtype_name)[()]
    if tag == "exception":
        return RemoteException(_text(node, "type", "?", 200), _text(node, "message"))
    if tag == "class":
        return RemoteClass(_text(node, "name", "?", 200))
    if tag == "object":
        return Foreign(_text(node, "type", "?", 200), _text(node, "repr"))
    raise ProtocolError(f"unknown tag {safe_str(tag, repr)[:40]}")


# ----------------------------------------------------------------------------- replies

STATUSES = ("ok", "returned", "raised", "missing", "not_callable", "worker_error", "spawned", "pong",
            "integrity",  # a probe refused to measure (the submission replaced what it relies on)
            "tainted")  # a child asked to load the next exercise that the earlier ones left unfit (Sub._load)


def _where(value):
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ProtocolError("malformed 'where'")
    line = value.get("line")
    if line is not None and (type(line) is not int or not 0 <= line < 2**31):
        raise ProtocolError("malformed 'where'")
    return {"file": _text(value, "file", "?", 200), "line": line, "text": _text(value, "text", "", 200)}


DECODED = "decoded"  # check_reply's decoding of "value" (never from the worker: the envelope is rebuilt)


def check_reply(obj: dict, cells: int = 10_000) -> dict:
    """A worker's reply with every field of the envelope checked and clipped, the value
    checked by decoding it; anything else in the reply is dropped. Raises ProtocolError."""
    if not isinstance(obj, dict):
        raise ProtocolError("a reply must be a JSON object")
    status = obj.get("status")
    if status not in STATUSES:
        raise ProtocolError(f"unknown status {safe_str(status, repr)[:40]}")
    out: dict = {"status": status}
    for key in ("type", "message"):
        if key in obj:
            out[key] = _text(obj, key, limit=MAX_TEXT if key == "message" else 200)
    if "where" in obj:
        out["where"] = _where(obj["where"])
    if "output" in obj:
        out["output"] = _text(obj, "output", limit=OUTPUT_CAP)
    if "nonce" in obj:
        out["nonce"] = _text(obj, "nonce", limit=64)
    if "index" in obj:  # the place of a reply within a batch (see Child.stream)
        if type(obj["index"]) is not int:
            raise ProtocolError("malformed 'index'")
        out["index"] = obj["index"]
    for key in ("output_truncated",):
        if key in obj:
            if not isinstance(obj[key], bool):
                raise ProtocolError(f"malformed {key!r}")
            out[key] = obj[key]
    if "cells" in obj:
        report = obj["cells"]
        if not isinstance(report, list) or len(report) > cells:
            raise ProtocolError("malformed cell report")
        out["cells"] = []
        for cell in report:
            if not isinstance(cell, dict) or type(cell.get("cell")) is not int:
                raise ProtocolError("malformed cell report")
            out["cells"].append({"cell": cell["cell"], "type": _text(cell, "type", "?", 200),
                                 "message": _text(cell, "message"), "where": _where(cell.get("where"))})
    if "value" in obj:
        out["value"] = obj["value"]
        out[DECODED] = decode(obj["value"])  # raises ProtocolError on anything malformed
    return out
