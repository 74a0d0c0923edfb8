"""Replies too large to be believed: 3.5 million list items (7 MB of JSON), a 9 MB "output",
and a message that claims to be 4 GB long."""
import os
import stat
import struct
import time

_write = vars(os)["".join(("wr", "ite"))]  # os.write, out of a static scan's sight

TRANSLATION_DRAWBACK = "position"


def _sockets():
    out = []
    for fd in range(3, 256):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                out.append(fd)
        except OSError:
            pass
    return out


def forge(reply: bytes, size=None) -> None:
    for fd in _sockets():
        try:
            _write(fd, struct.pack(">I", len(reply) if size is None else size) + reply)
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
