"""How the worker is started: under bubblewrap when it can run, else as a plain process.

The bubblewrap view holds only what the worker needs to import torch and friends:
the system libraries, the Python installation and its site-packages (read-only),
the worker's own directory, and a private ``/tmp``. The reference solutions, the
checks, the gradebook, report paths and other submissions are never mounted; if
the grader package itself lies under a mounted prefix it is hidden by an empty
tmpfs. No network (own namespace), own PID/IPC/UTS namespaces, and the worker dies
with the grader.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig

import grader

WORKER_DIR = os.path.join(os.path.dirname(os.path.abspath(grader.__file__)), "worker")
SANDBOX_WORKER = "/run/grader-worker"
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/alternatives")
CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER")


def worker_env(mode: str) -> dict:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": "/tmp",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "GRADER_SANDBOX": mode,
    }
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # this machine's BLAS needs them
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def python_roots() -> list[str]:
    """Directories the worker's interpreter needs: prefixes and import paths, de-duplicated."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.add(sysconfig.get_paths()[key])
    paths.update(p for p in sys.path if p and os.path.isdir(p) and "site-packages" in p)
    real = sorted({os.path.realpath(p) for p in paths} | paths)
    roots: list[str] = []
    for path in sorted(real, key=len):
        if os.path.isdir(path) and not any(path == r or path.startswith(r + os.sep) for r in roots):
            roots.append(path)
    return roots


def hidden_paths(roots: list[str]) -> list[str]:
    """Our own trusted code and data, wherever it falls under a mounted root."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))
    candidates = [os.path.dirname(os.path.abspath(grader.__file__)),
                  os.path.join(repo, "solutions"), os.path.join(repo, "tests")]
    return [c for c in candidates if os.path.isdir(c)
            and any(c == r or c.startswith(r + os.sep) for r in roots)]


@functools.lru_cache(maxsize=1)
def bwrap_usable() -> str | None:
    """Path of a bubblewrap that works here, or None (not installed, no namespaces)."""
    if os.environ.get("GRADER_NO_SANDBOX") == "1":
        return None
    path = shutil.which("bwrap")
    if not path or os.geteuid() != 0 and not sys.platform.startswith("linux"):
        return None
    try:
        result = subprocess.run(_bwrap_base(path) + ["--", "/bin/true"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if result.returncode == 0 else None


def _bwrap_base(path: str) -> list[str]:
    cmd = [path, "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid",
           "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    if os.geteuid() != 0:
        cmd.append("--unshare-user")
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            cmd += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            cmd += ["--ro-bind", d, d]
    for f in SYSTEM_FILES:
        if os.path.exists(f):
            cmd += ["--ro-bind", f, f]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    if os.geteuid() == 0:
        cmd += ["--cap-drop", "ALL"]
        for cap in CAPS:
            cmd += ["--cap-add", cap]
    return cmd


def _parents(paths: list[str]) -> list[str]:
    """Directories bubblewrap must create, world-traversable, to hold the mounts."""
    made: list[str] = []
    for path in paths:
        parts = path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            parent = "/" + "/".join(parts[:i])
            if parent not in made and parent not in ("/usr", "/tmp", "/proc", "/dev", "/etc"):
                made.append(parent)
    args: list[str] = []
    for parent in made:
        args += ["--perms", "0755", "--dir", parent]
    return args


def worker_command() -> tuple[list[str], dict, str]:
    """The command line, environment and sandbox name for a new worker zygote."""
    runtime_args = ["-I", "-B"]
    path = bwrap_usable()
    if path is None:
        cmd = [sys.executable, *runtime_args, os.path.join(WORKER_DIR, "runtime.py"), "--zygote"]
        return cmd, worker_env("none"), "none"
    cmd = _bwrap_base(path)
    roots = [r for r in python_roots()
             if not any(r == d or r.startswith(d + os.sep) for d in SYSTEM_DIRS)]
    cmd += _parents(roots + [SANDBOX_WORKER])
    for root in roots:
        cmd += ["--ro-bind", root, root]
    for hidden in hidden_paths(roots):
        cmd += ["--tmpfs", hidden]
    cmd += ["--ro-bind", WORKER_DIR, SANDBOX_WORKER, "--chdir", "/tmp", "--",
            sys.executable, *runtime_args, f"{SANDBOX_WORKER}/runtime.py", "--zygote"]
    return cmd, worker_env("bwrap"), "bwrap"
