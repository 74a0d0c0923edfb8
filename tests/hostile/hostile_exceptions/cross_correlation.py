"""Exceptions whose message cannot be printed, or is enormous, or that kill the parent."""
import os
import signal


class Nasty(Exception):
    def __str__(self):
        raise RuntimeError("no message for you")

    def __repr__(self):
        raise RuntimeError("no repr either")


def corr2d(X, K):
    for pid in (os.getppid(), 1):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if X.shape[1] % 2:
        raise ValueError("<script>alert(1)</script>" + "x" * 1_000_000)
    raise Nasty()
