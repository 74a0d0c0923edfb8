"""Forged replies written straight to the worker child's socket (student code shares its process).

corr2d answers with a value nested 200,000 levels deep (json.loads raises RecursionError
on it): the grader must call that a malformed answer from the submission, a zero, and
never "grader error, tell your instructor".
"""
import os
import stat
import struct
import time

_write = vars(os)["".join(("wr", "ite"))]  # os.write, out of a static scan's sight


def forge(reply: bytes) -> None:
    for fd in range(3, 256):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                _write(fd, struct.pack(">I", len(reply)) + reply)
        except OSError:
            pass
    time.sleep(60)


def corr2d(X, K):
    depth = 200_000
    forge(b'{"status": "returned", "value": ' + b"[" * depth + b"]" * depth + b"}")
