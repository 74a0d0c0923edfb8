"""Replies whose fields have the wrong types: a list for the message, a string for `where`,
a list for the output, a tensor whose shape is text; and a forged "raised" reply whose
exception type is a dict."""
import os
import stat
import struct
import time

_write = vars(os)["".join(("wr", "ite"))]  # os.write, out of a static scan's sight

TRANSPOSE_X = "same"
TRANSPOSE_K = "transposed"
IDENTITY = "b"


def forge(reply: bytes) -> None:
    for fd in range(3, 256):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                _write(fd, struct.pack(">I", len(reply)) + reply)
        except OSError:
            pass
    time.sleep(60)


def transposed_image_response(X, K):
    forge(b'{"status": "raised", "type": {"x": 1}, "message": ["caf\\u00e9", 1], "where": "line 3"}')


def transposed_kernel_response(X, K):
    forge(b'{"status": "returned", "output": ["a", "b"], "value": {"t": "tensor", "dtype": "float32", '
          b'"shape": "3x3", "data": "AAAA"}}')


def via_transposed_kernel(X, K):
    forge(b'{"status": "returned", "value": {"t": "dict", "items": [[{"t": "list", "items": []}, {"t": "none"}]]}}')
