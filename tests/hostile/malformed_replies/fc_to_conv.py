"""Replies too large to be believed: 3.5 million list items (7 MB of JSON), a 9 MB "output",
and a message that claims to be 4 GB long."""
import os
import struct
import time

TRANSLATION_DRAWBACK = "position"


def _sockets():
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                out.append(int(fd))
        except OSError:
            pass
    return out


def forge(reply: bytes, size=None) -> None:
    for fd in _sockets():
        try:
            os.write(fd, struct.pack(">I", len(reply) if size is None else size) + reply)
        except OSError:
            pass
    time.sleep(60)


def pixelwise_linear(X, weight, bias):
    forge(b'{"status": "returned", "value": {"t": "list", "items": [' + b",".join([b"0"] * 3_500_000) + b"]}}")


def corr2d_same(X, K, mode="constant"):
    forge(b'{"status": "returned", "output": "' + b"A" * (9 << 20) + b'", "value": {"t": "none"}}')


def corr1d(x, k):
    forge(b'{"status": "returned"', size=0xFFFFFFFF)


def conv2d_full(X, K):
    forge(b'{"status": "returned", "value": {"t": "list", "items": [' + b",".join([b'{"t": "none"}'] * 200_000) + b"]}}")


def receptive_field(kernel_sizes):
    forge(b'{"status": "returned", "value": {"t": "int", "v": 1e400}}')
