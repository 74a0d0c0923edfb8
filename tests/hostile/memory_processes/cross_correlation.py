"""Five processes of 900 MiB each: a per-process memory limit would let them hold 4.5 GB.

The bound must be per submission (one memory cgroup for the child and everything it
starts). subprocess is used rather than os.fork, so no static scan stops this before it runs.
"""
import subprocess
import sys

HOG = "b = bytearray(900 << 20)\nb[::4096] = b'x' * len(b[::4096])\nimport time\ntime.sleep(20)\n"


def corr2d(X, K):
    hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(5)]
    for hog in hogs:
        hog.wait()
    return None
