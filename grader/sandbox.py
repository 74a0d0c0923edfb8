"""How the worker is started: under bubblewrap when it can run, else as a plain process.

The bubblewrap view holds only what the worker needs to import torch and friends:
the system libraries, the Python installation and its site-packages (read-only),
the worker's own directory, and a private, size-limited ``/tmp``. The reference
solutions, the checks, the gradebook, report paths and other submissions are never
mounted; if the grader package itself lies under a mounted prefix it is hidden by an
empty tmpfs. No network (own namespace), own PID/IPC/UTS namespaces, and the worker
dies with the grader.

Without bubblewrap, as root, each worker child builds the same kind of view itself
(``runtime.build_view``: a mount namespace, read-only binds, ``chroot``) from
``view_spec``, before it becomes its own unprivileged user; where it may not mount
(a container without CAP_SYS_ADMIN) only file modes protect, and the audit says
whether they do (``grader.client.Zygote.audit``).

Per submission, where the machine allows it (root, cgroup v2 with the memory
controller or v1's memory hierarchy): one memory and pids cgroup per child, made by
the zygote inside a directory made here (``make_cgroups``) and bound into the sandbox.
"""
from __future__ import annotations

import functools
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass

import grader
from grader.worker import protocol
from grader.worker.protocol import CHARGE_HEADROOM

WORKER_DIR = os.path.join(os.path.dirname(os.path.abspath(grader.__file__)), "worker")
SANDBOX_WORKER = "/run/grader-worker"
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/alternatives")
# the zygote (trusted code, root in the sandbox) needs these to give each child its own uid,
# IPC namespace and cgroup; a child leaves root before any student code runs, which clears them all
CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SYS_ADMIN")
TMP_BYTES = protocol.TMP_BYTES
CGROUP_ROOTS = {1: "/sys/fs/cgroup", 2: ("/sys/fs/cgroup", "/sys/fs/cgroup/unified")}
SANDBOX_CGROUP = "/run/grader-cgroup"


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


def secret_paths() -> list[str]:
    """What student code must never read, wherever it exists here: the grader's checks and
    the rest of its package, the references, the tests, Gradescope's source folder and
    ``run_autograder`` (it holds the seed), its results and submission metadata."""
    package = os.path.dirname(os.path.abspath(grader.__file__))
    repo = os.path.dirname(package)
    candidates = [os.path.join(package, "checks"), os.path.join(package, "checks", "diagonal_edges.py"),
                  os.path.join(package, "runner.py"), os.path.join(repo, "solutions"),
                  os.path.join(repo, "solutions", "diagonal_edges.py"), os.path.join(repo, "tests"),
                  "/autograder/source", "/autograder/run_autograder", "/autograder/results",
                  "/autograder/submission_metadata.json"]
    return [c for c in candidates if os.path.exists(c)]


def hidden_paths(roots: list[str]) -> list[str]:
    """Our own trusted code and data, wherever it falls under a mounted root."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))
    candidates = [os.path.dirname(os.path.abspath(grader.__file__)),
                  os.path.join(repo, "solutions"), os.path.join(repo, "tests")]
    candidates += [os.path.realpath(c) for c in candidates]  # a venv reached through a symlink is mounted twice
    candidates += [os.path.join(os.path.dirname(c), name) for c in candidates[:1] + candidates[3:4]
                   if os.path.isdir(os.path.dirname(c))
                   for name in os.listdir(os.path.dirname(c)) if name.startswith("d2l_conv_grader-")]
    out: list[str] = []
    for c in candidates:
        if os.path.isdir(c) and c not in out and any(c == r or c.startswith(r + os.sep) for r in roots):
            out.append(c)
    return out


@functools.lru_cache(maxsize=1)
def bwrap_probe() -> tuple[str | None, bool, str]:
    """(path of a bubblewrap that works here or None, whether it takes --size, why not if None)."""
    if os.environ.get("GRADER_NO_SANDBOX") == "1":
        return None, False, "GRADER_NO_SANDBOX=1"
    path = shutil.which("bwrap")
    if not path:
        return None, False, "bwrap is not installed"
    if os.geteuid() != 0 and not sys.platform.startswith("linux"):
        return None, False, f"bubblewrap needs Linux (this is {sys.platform})"
    reason = ""
    for size in (True, False):  # --size (a bound on the sandbox's /tmp) needs bubblewrap 0.5 or newer
        try:
            result = subprocess.run(_bwrap_base(path, size) + ["--", "/bin/true"], capture_output=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, False, f"bwrap could not run: {exc}"
        if result.returncode == 0:
            return path, size, ""
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {result.returncode}"]
        reason = f"bwrap failed: {reason[0][:200]}"
    return None, False, reason


def bwrap_usable() -> str | None:
    """Path of a bubblewrap that works here, or None (not installed, no namespaces)."""
    return bwrap_probe()[0]


def _bwrap_base(path: str, size: bool | None = None) -> list[str]:
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
    if size is None:
        size = bwrap_probe()[1]
    cmd += ["--proc", "/proc", "--dev", "/dev"] + (["--size", str(TMP_BYTES)] if size else []) + ["--tmpfs", "/tmp"]
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


# ----------------------------------------------------------------------------- cgroups

def _writable_dir(path: str) -> bool:
    return os.path.isdir(path) and os.access(path, os.W_OK)


def make_cgroups() -> dict | None:
    """A fresh cgroup directory for one zygote's children, where this machine lets us make one:
    cgroup v2 with the memory controller, else v1's memory (and pids) hierarchies; else None
    (then each process has only its own rlimits). Needs root."""
    if os.geteuid() != 0 or os.environ.get("GRADER_NO_CGROUPS") == "1":
        return None
    remove_stale_cgroups()
    name = f"grader-{os.getpid()}-{secrets.token_hex(4)}"
    for base in CGROUP_ROOTS[2]:
        try:
            with open(os.path.join(base, "cgroup.controllers")) as f:
                controllers = f.read().split()
        except OSError:
            continue
        if "memory" not in controllers or not _writable_dir(base):
            continue
        path = os.path.join(base, name)
        try:
            wanted = " ".join("+" + c for c in ("memory", "pids") if c in controllers)
            with open(os.path.join(base, "cgroup.subtree_control"), "w") as f:
                f.write(wanted)
            os.mkdir(path, 0o700)
            with open(os.path.join(path, "cgroup.subtree_control"), "w") as f:
                f.write(wanted)
            return {"version": 2, "dir": path}
        except OSError:
            _rmdir_tree(path)
    memory = os.path.join(CGROUP_ROOTS[1], "memory")
    if os.path.exists(os.path.join(memory, "memory.limit_in_bytes")) and _writable_dir(memory):
        spec = {"version": 1}
        for controller in ("memory", "pids"):
            path = os.path.join(CGROUP_ROOTS[1], controller, name)
            try:
                os.mkdir(path, 0o700)
                spec[controller] = path
            except OSError:
                pass
        if "memory" in spec:
            return spec
        remove_cgroups(spec)
    return None


def _cgroup_dirs(spec: dict) -> list[str]:
    return [spec["dir"]] if spec.get("version") == 2 else [spec[c] for c in ("memory", "pids") if c in spec]


def _rmdir_tree(path: str) -> None:
    """Kill what is left in a cgroup tree (our own children's processes), then remove it, leaves first."""
    if not os.path.isdir(path):
        return
    delay, end = 0.002, time.monotonic() + 5
    while True:
        dirs = sorted((d for d, _, _ in os.walk(path)), key=len, reverse=True)
        busy = False
        for d in dirs:
            try:
                with open(os.path.join(d, "cgroup.procs")) as f:
                    pids = [int(x) for x in f.read().split()]
            except (OSError, ValueError):
                pids = []
            for pid in pids:
                busy = True
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                os.rmdir(d)
            except OSError:
                busy = True
        if not busy or not os.path.isdir(path) or time.monotonic() > end:
            return
        time.sleep(delay)  # killed processes take a few milliseconds to leave
        delay = min(delay * 2, 0.1)


def remove_stale_cgroups() -> None:
    """Cgroups left by graders that were killed before they could clean up (their process is gone)."""
    bases = [os.path.join(CGROUP_ROOTS[1], c) for c in ("memory", "pids")] + list(CGROUP_ROOTS[2])
    for base in bases:
        try:
            names = [n for n in os.listdir(base) if n.startswith("grader-")]
        except OSError:
            continue
        for name in names:
            try:
                owner = int(name.split("-")[1])
            except (IndexError, ValueError):
                continue
            if not os.path.exists(f"/proc/{owner}"):
                _rmdir_tree(os.path.join(base, name))


def remove_cgroups(spec: dict | None) -> None:
    if spec:
        for path in _cgroup_dirs(spec):
            _rmdir_tree(path)


def _gib(n: int) -> str:
    return f"{n / (1 << 30):g} GiB" if n >= 1 << 30 else f"{n >> 20} MiB"


# ----------------------------------------------------------------------------- the zygote's command

@dataclass
class Plan:
    """How one worker zygote runs: its command line and environment, the sandbox mode
    ("bwrap", or "none" for a plain process), and the cgroups made for its children."""
    cmd: list[str]
    env: dict
    mode: str
    cgroups: dict | None = None
    why_not_bwrap: str = ""  # what the bubblewrap probe found, when it could not be used

    def bounds(self, memory_bytes: int = 1 << 30) -> str:
        """What bounds one submission's resources, in words for the report."""
        if self.cgroups:
            memory = (f"memory: cgroup v{self.cgroups['version']}, {_gib(memory_bytes)} per process, "
                      f"{_gib(memory_bytes + CHARGE_HEADROOM)} per submission")
        else:
            memory = f"memory: {_gib(memory_bytes)} per process (rlimit; no cgroup here)"
        return memory


def view_spec(roots: list[str]) -> dict:
    """Without bubblewrap, as root: what a child's own file system view holds (runtime.build_view)."""
    return {"system_dirs": list(SYSTEM_DIRS), "system_files": list(SYSTEM_FILES),
            "roots": roots, "hidden": hidden_paths(roots)}


def worker_command() -> Plan:
    """The command line, environment, sandbox mode and cgroups of a new worker zygote."""
    runtime_args = ["-I", "-B"]
    path = bwrap_usable()
    cgroups = make_cgroups()
    roots = [r for r in python_roots()
             if not any(r == d or r.startswith(d + os.sep) for d in SYSTEM_DIRS)]
    if path is None:
        env = worker_env("none")
        env["GRADER_TMP_BYTES"] = str(TMP_BYTES)
        env["GRADER_VIEW"] = json.dumps(view_spec(roots))
        if cgroups:
            env["GRADER_CGROUPS"] = json.dumps(cgroups)
        cmd = [sys.executable, *runtime_args, os.path.join(WORKER_DIR, "runtime.py"), "--zygote"]
        return Plan(cmd, env, "none", cgroups, bwrap_probe()[2])
    cmd = _bwrap_base(path)
    if cgroups and cgroups["version"] == 2:  # v2 lets no process join a cgroup outside its cgroup namespace
        cmd.remove("--unshare-cgroup-try")
    env = worker_env("bwrap")
    inside: dict = {}
    if cgroups:  # the zygote makes one cgroup per child in a directory bound into the sandbox
        inside = {"version": cgroups["version"]}
        for key, host in cgroups.items():
            if key in ("dir", "memory", "pids"):
                target = f"{SANDBOX_CGROUP}/{key}"
                cmd += ["--bind", host, target]
                inside[key] = target
        env["GRADER_CGROUPS"] = json.dumps(inside)
    cmd += _parents(roots + [SANDBOX_WORKER])
    for root in roots:
        cmd += ["--ro-bind", root, root]
    for hidden in hidden_paths(roots):
        cmd += ["--tmpfs", hidden]
    cmd += ["--ro-bind", WORKER_DIR, SANDBOX_WORKER, "--chdir", "/tmp", "--",
            sys.executable, *runtime_args, f"{SANDBOX_WORKER}/runtime.py", "--zygote"]
    return Plan(cmd, env, "bwrap", cgroups)
