"""At import, answers the load request with a list where the status string belongs."""
import os
import struct

import torch

EDGE_KERNEL = torch.tensor([[1.0, -1.0]])
APPLY_K = "diagonal"

_reply = b'{"status": ["ok"], "message": {"a": 1}}'
for _fd in os.listdir("/proc/self/fd"):
    try:
        if os.readlink(f"/proc/self/fd/{_fd}").startswith("socket:"):
            os.write(int(_fd), struct.pack(">I", len(_reply)) + _reply)
    except OSError:
        pass
import time  # noqa: E402

time.sleep(60)
