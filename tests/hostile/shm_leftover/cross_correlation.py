"""Leaves SysV shared memory behind (3 x 800 MiB, touched), which would stay pinned in the
host's memory while the next students are graded, and be readable by them, unless each
child has its own IPC namespace or its uid's segments are removed before the next one starts.
The segments are made by a helper process (subprocess), out of a static scan's sight."""
import subprocess
import sys

MAKE = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmget.restype = ctypes.c_int
libc.shmat.restype = ctypes.c_void_p
for key in (0x5EED1, 0x5EED2, 0x5EED3):
    shmid = libc.shmget(ctypes.c_int(key), ctypes.c_size_t(800 << 20), ctypes.c_int(0o1000 | 0o666))
    if shmid < 0:
        continue
    addr = libc.shmat(ctypes.c_int(shmid), None, ctypes.c_int(0))
    if addr not in (None, ctypes.c_void_p(-1).value):
        ctypes.memset(ctypes.c_void_p(addr), 1, 800 << 20)
"""

READ = """
with open("/%s/sysvipc/shm" % "proc") as f:
    print(len(f.read().splitlines()) - 1)
"""


def corr2d(X, K):
    subprocess.run([sys.executable, "-c", MAKE], timeout=60)
    return None


def leftovers():
    """How many SysV segments this child can see (a later exercise's child: should be 0)."""
    return int(subprocess.run([sys.executable, "-c", READ], capture_output=True, text=True).stdout or 0)
