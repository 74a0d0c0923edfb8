"""The worker: the only process that runs student code.

Started as ``python -I runtime.py --zygote`` (inside bubblewrap when available), it
imports torch, numpy, scipy and sympy once and then waits on its control socket
(fd 0). For each exercise of each submission the trusted grader sends a ``spawn``
request carrying one end of a fresh socket pair; the zygote forks a child that
drops to its own unprivileged uid (when the zygote runs as root), sets resource
limits, writes the submission's files into a private directory and then answers
requests (``call``, ``get``, ``probe``) on that socket with plain data only.

Nothing here decides a score: the trusted side treats every answer as untrusted.
"""
from __future__ import annotations

import contextlib
import ctypes
import io
import json
import os
import resource
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import protocol  # noqa: E402  (the worker directory is its own import root)
from protocol import (CHARGE_HEADROOM, FIRST_CHILD_UID, MAX_MESSAGE, MAX_REQUEST, OUTPUT_CAP,  # noqa: E402
                      ProtocolError, recv_request, send_reply)

protocol.KEEP_TENSOR_META = False  # what the worker decodes are a call's arguments: plain tensors
IS_ROOT = os.geteuid() == 0
SANDBOXED = os.environ.get("GRADER_SANDBOX") == "bwrap"


def _config(name: str, default):
    """A setting the trusted side passed in the environment, removed from it (children get a clean one)."""
    import json

    raw = os.environ.pop(name, None)
    if raw is None:
        return default
    try:
        return json.loads(raw)
    except ValueError:
        return default


CGROUPS = _config("GRADER_CGROUPS", None)  # {"version": 1, "memory": dir, "pids": dir} or {"version": 2, "dir": dir}
VIEW = _config("GRADER_VIEW", None)        # without bubblewrap, as root: what a child's file system view holds
TMP_BYTES = int(_config("GRADER_TMP_BYTES", protocol.TMP_BYTES))
PRELOAD = set(os.environ.get("GRADER_PRELOAD", "").split(","))  # heavy libraries to preload at once (preload_more)
KEEP_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


# ----------------------------------------------------------------------------- isolation

LIBC = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET = 0x00020000, 0x08000000, 0x04000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18


def unshare(flags: int) -> bool:
    return LIBC.unshare(ctypes.c_int(flags)) == 0


def mount(source, target: str, fstype, flags: int, data=None) -> None:
    enc = (lambda v: None if v is None else os.fsencode(v))
    if LIBC.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


class Cgroups:
    """One memory (and pids) cgroup per child, inside the directory the trusted side delegated.

    The memory cgroup charges everything the child and its processes add (their pages,
    and the files they write to a RAM-backed /tmp) to one budget: a submission cannot
    multiply its limit by starting processes.
    """

    def __init__(self, spec: dict):
        self.spec = spec
        self.pending: list[list[str]] = []  # dirs of ended children, removed once empty

    def dirs(self, name: str) -> list[str]:
        if self.spec.get("version") == 2:
            return [os.path.join(self.spec["dir"], name)]
        return [os.path.join(self.spec[c], name) for c in ("memory", "pids") if self.spec.get(c)]

    @staticmethod
    def _write(path: str, value) -> bool:
        try:
            with open(path, "w") as f:
                f.write(str(value))
            return True
        except OSError:
            return False

    def create(self, name: str, limits: dict) -> list[str]:
        memory = int(limits.get("memory_bytes", 1 << 30))
        memory = memory + CHARGE_HEADROOM if memory else memory
        pids = int(limits.get("processes", 16))
        made = []
        for d in self.dirs(name):
            try:
                os.mkdir(d, 0o700)
            except OSError:
                continue
            made.append(d)
            if self.spec.get("version") == 2:
                self._write(os.path.join(d, "memory.max"), memory)
                self._write(os.path.join(d, "memory.swap.max"), 0)
                self._write(os.path.join(d, "pids.max"), pids)
            elif os.path.exists(os.path.join(d, "memory.limit_in_bytes")):
                self._write(os.path.join(d, "memory.limit_in_bytes"), memory)
                self._write(os.path.join(d, "memory.memsw.limit_in_bytes"), memory)  # no swap beyond it
            else:
                self._write(os.path.join(d, "pids.max"), pids)
        return made

    @classmethod
    def join(cls, dirs: list[str]) -> bool:
        """Move this process (one thread: a child right after its fork) into ``dirs``. Where cgroup v1's
        ``tasks`` file exists, "0" there moves only the calling thread, which skips the kernel's
        global lock for moving whole processes; taking that lock waits for an RCU grace period,
        10 to 30 ms when nothing else moved processes just before (every child, every submission)."""
        def move(d: str) -> bool:
            tasks = os.path.join(d, "tasks")
            if os.path.exists(tasks) and threading_count() == 1:
                return cls._write(tasks, 0)
            return cls._write(os.path.join(d, "cgroup.procs"), os.getpid())
        return all([move(d) for d in dirs]) and bool(dirs)

    def release(self, dirs: list[str]) -> None:
        self.pending.append(dirs)
        self.sweep()

    def sweep(self) -> None:
        left = []
        for dirs in self.pending:
            rest = []
            for d in dirs:
                try:
                    os.rmdir(d)
                except FileNotFoundError:
                    pass
                except OSError:
                    rest.append(d)  # its processes are still being killed
            if rest:
                left.append(rest)
        self.pending = left


def threading_count() -> int:
    """This process's threads."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0


def build_view(hostdir: str) -> str:
    """As root without bubblewrap: a private mount namespace whose root is a size-limited
    tmpfs holding read-only binds of the system and the Python installation only (the
    grader's own package, the references and everything else absent), a /proc that shows
    only the child's own processes, and a private /tmp. Returns the working directory in it."""
    if not unshare(CLONE_NEWNS):
        raise OSError(ctypes.get_errno(), "no mount namespace")
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    root = hostdir
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, f"size={TMP_BYTES},mode=0755")

    def bind(src: str, readonly: bool = True) -> None:
        dst = root + src
        if os.path.isdir(src):
            os.makedirs(dst, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            open(dst, "a").close()
        mount(src, dst, None, MS_BIND | MS_REC)
        flags = MS_BIND | MS_REMOUNT | MS_NOSUID | (MS_RDONLY | MS_NODEV if readonly else 0)
        mount(None, dst, None, flags)

    for d in VIEW.get("system_dirs", []):
        if os.path.islink(d):
            os.symlink(os.readlink(d), root + d)
        elif os.path.isdir(d):
            bind(d)
    for f in VIEW.get("system_files", []):
        if os.path.exists(f):
            bind(f)
    for r in VIEW.get("roots", []):
        if os.path.isdir(r):
            bind(r)
    for h in VIEW.get("hidden", []):
        if os.path.isdir(root + h):
            mount("tmpfs", root + h, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4096,mode=0755")
    os.makedirs(root + "/proc", exist_ok=True)
    try:
        mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
    except OSError:
        bind("/proc", readonly=False)
    for dev in ("null", "zero", "full", "random", "urandom"):
        if os.path.exists("/dev/" + dev):
            bind("/dev/" + dev, readonly=False)
    for d in ("/tmp", "/dev/shm", "/var/tmp"):
        os.makedirs(root + d, exist_ok=True)
        os.chmod(root + d, 0o1777)
    work = "/tmp/work"
    os.mkdir(root + work, 0o700)
    os.chroot(root)
    os.chdir("/")
    return work


def isolate(workdir: str, cgroup_dirs: list[str]) -> tuple[str, dict]:
    """Run in the child as root, before anything else: its own cgroups, its own IPC
    namespace (SysV shared memory of one submission never reaches the next), and,
    without bubblewrap, its own view of the file system. Returns the working directory."""
    facts = {"cgroup": Cgroups.join(cgroup_dirs) if cgroup_dirs else False,
             "ipc": IS_ROOT and unshare(CLONE_NEWIPC | CLONE_NEWUTS), "view": SANDBOXED,
             "sweep": IS_ROOT}  # the reaper removes the uid's processes, IPC objects and scratch files
    if IS_ROOT and not SANDBOXED:
        facts["network"] = not unshare(CLONE_NEWNET)  # bubblewrap's own namespace has none either
    if IS_ROOT and not SANDBOXED and VIEW:
        try:
            workdir = build_view(workdir)
            facts["view"] = True
        except OSError:
            facts["view"] = False
    return workdir, facts


# ----------------------------------------------------------------------------- zygote

def preload() -> None:
    """Import what every child needs, once, before any fork."""
    if SANDBOXED:  # the zygote's own scratch space (torch caches) is not the children's /tmp
        private = "/tmp/.zygote"
        os.makedirs(private, mode=0o700, exist_ok=True)
        os.environ["TMPDIR"] = private
        tempfile.tempdir = private
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")
    with collector_paused():
        preload_common()
    preload_more(PRELOAD)


@contextlib.contextmanager
def collector_paused():
    """No garbage collection while the zygote imports, then everything it made frozen, and the
    collector on again before any child is forked.

    Imports make hundreds of thousands of objects and almost no garbage: the collections they
    trigger (0.1 s of the 1.3 s that torch, sympy and scipy.signal take to import) find nothing.
    Frozen objects are never walked again, so a child's collections do not touch (copy) the
    pages it shares with the zygote. Children always run with the collector on, as in any Python."""
    import gc

    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def preload_common() -> None:
    import numpy.random  # noqa: F401 - lazily imported by numpy 2, and every request reseeds it
    import torch

    protocol.remember_dtypes(torch)  # before any student code can rebind torch's dtype names
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    # sympy always: torch itself imports it (with its symbolic shapes) on the first backward() through
    # an in-place write (the book's corr2d, Y[i, j] = ...), 0.15 s that every child would pay again
    for name in ("sympy", "torch.fx.experimental.symbolic_shapes", "probes", "notebook", "session"):
        try:
            __import__(name)
        except ImportError:
            pass
    if "probes" in sys.modules:
        sys.modules["probes"].guard_dlpack()
    warm_up(torch)
    warm_sympy()  # always, like sympy itself: what a child has for free must not depend on its source
    warm_probes(torch)
    take_baseline()


def take_baseline() -> None:
    """What the probes compare the watched attributes with, taken again after each import."""
    probes = sys.modules.get("probes")
    if probes is not None:
        probes.take_baseline()


HEAVY = {"scipy", "optim"}  # what a zygote imports only for submissions that use it (see preload_more)
_loaded: set = set()


def preload_more(libraries) -> None:
    """Import, before the next fork, the heavy libraries that submissions use: "scipy"
    (scipy.signal, 0.5 s) and "optim" (an optimiser's first step imports torch._dynamo, 0.8 s).

    The grader asks for them (the "preload" request) before it spawns a child for a
    submission whose source imports or calls them, so each zygote pays for each library
    once, and only when some submission needs it; children then share the pages.
    """
    import torch

    with collector_paused():
        for name in sorted(set(libraries) & HEAVY - _loaded):
            try:
                if name == "scipy":
                    import scipy.signal  # noqa: F401
                elif name == "optim":
                    torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1).step()
            except Exception:  # noqa: BLE001 - the child that needs it reports the failure
                pass
            _loaded.add(name)
            take_baseline()


def warm_sympy() -> None:
    """Solve a small linear system and derive finite-difference weights, as the references do:
    sympy imports and caches its solvers lazily, 25 ms that each such child paid; 20 ms here, once."""
    try:
        import sympy
        from sympy.calculus.finite_diff import finite_diff_weights
    except ImportError:
        return
    w = sympy.symbols("w0:3")
    (solution,) = sympy.linsolve([w[0] + w[1] + w[2], w[1] + 2 * w[2], w[1] + 4 * w[2] - 2], w)
    [sympy.Rational(c.subs({s: 0 for s in w})) for c in solution]
    finite_diff_weights(2, [0, 1, 2], 1)
    sympy.diff(sympy.Symbol("x") ** 3, sympy.Symbol("x"), 2)
    sympy.Matrix([[1, 2], [3, 4]]).inv()


def warm_up(torch) -> None:
    """Pay torch's first-use costs (autograd, in-place writes, conv2d backward, einsum) once, before forking."""
    x = torch.rand(1, 1, 5, 6, requires_grad=True)
    w = torch.nn.Parameter(torch.rand(1, 1, 2, 3))
    out = torch.nn.functional.conv2d(x, w) + x[..., :4, :4].unfold(2, 2, 1).sum()
    out.sum().backward()
    y = torch.zeros(2, 2)
    for i in range(2):  # the book's corr2d: in-place writes into a result that autograd follows
        y[i, :] = (x[0, 0, i, :2] * w[0, 0, 0, :2]).sum()
    y.sum().backward()
    torch.einsum("ij,jk->ik", torch.rand(2, 3), torch.rand(3, 2))
    torch.manual_seed(0)


def warm_probes(torch) -> None:
    """Pay the probes' first-use costs once: torch.overrides builds its table of names on the first
    resolve_name() (10 ms that every child measuring how corr2d works paid again)."""
    try:
        import probes
    except ImportError:
        return

    def corr2d(X, K):  # the book's loop, then a matrix product: every path of the recorder
        Y = torch.zeros(X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1)
        for i in range(Y.shape[0]):
            for j in range(Y.shape[1]):
                Y[i, j] = (X[i:i + K.shape[0], j:j + K.shape[1]] * K).sum()
        return Y @ torch.ones(Y.shape[1], 1)

    X, K = torch.rand(3, 4), torch.rand(2, 2)
    probes.watch_ops(corr2d, args=(X, K))
    probes.method(corr2d, args=(X, K))


def remove_ipc(uid: int) -> None:
    """Remove the SysV shared memory, semaphores and message queues that ``uid`` owns
    (where a child could not have its own IPC namespace). Runs as ``uid``."""
    calls = {"shm": ("shmid", lambda i: LIBC.shmctl(i, 0, None)),
             "sem": ("semid", lambda i: LIBC.semctl(i, 0, 0)),
             "msg": ("msqid", lambda i: LIBC.msgctl(i, 0, None))}
    for kind, (key, remove) in calls.items():
        try:
            with open(f"/proc/sysvipc/{kind}") as f:
                header, *rows = [line.split() for line in f]
        except OSError:
            continue
        for row in rows:
            entry = dict(zip(header, row))
            try:
                if int(entry.get("uid", -1)) == uid:
                    remove(int(entry[key]))
            except (ValueError, KeyError):
                pass


def remove_files(uid: int) -> None:
    """Remove what ``uid`` left in the shared scratch directories. Runs as ``uid``."""
    for top in ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue"):
        try:
            entries = list(os.scandir(top))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


def kill_uid(uid: int) -> None:
    """Kill every process of ``uid`` (a helper that becomes uid and signals -1), then
    remove the IPC objects and scratch files it leaves."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
            remove_ipc(uid)
            remove_files(uid)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


class Reaper:
    """A small process, forked before torch is imported, that runs ``kill_uid`` on request.

    Forking the warm zygote (hundreds of MB mapped) for every cleanup would stall the
    next spawn; forking this small process is cheap. The zygote does not wait for a kill,
    but it does wait before the next spawn, so that one submission's leftovers are gone
    before the next one starts.
    """

    def __init__(self):
        read, self.write = os.pipe()
        self.acks, ack_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.write)
            os.close(self.acks)
            with os.fdopen(read, "rb") as requests:
                for line in requests:
                    try:
                        uid = int(line)
                        if uid >= FIRST_CHILD_UID:  # never root, never a system user
                            kill_uid(uid)
                    except (ValueError, OSError):
                        pass
                    try:
                        os.write(ack_write, b".")
                    except OSError:
                        pass
            os._exit(0)
        os.close(read)
        os.close(ack_write)
        self.outstanding = 0

    def kill(self, uid: int) -> None:
        os.write(self.write, b"%d\n" % uid)
        self.outstanding += 1

    def settle(self, timeout: float = 10.0) -> None:
        """Wait (a bounded time) until every requested kill and cleanup is done."""
        end = time.monotonic() + timeout
        while self.outstanding > 0 and time.monotonic() < end:
            ready, _, _ = select.select([self.acks], [], [], max(0.0, end - time.monotonic()))
            if not ready:
                break
            self.outstanding -= len(os.read(self.acks, 4096))

    def close_in_child(self) -> None:
        os.close(self.write)
        os.close(self.acks)


WATCH_SECONDS = 0.25


def private_memory(uids: set[int]) -> dict[int, int]:
    """Bytes each of ``uids`` holds privately, all its processes together (pages shared with the
    zygote are not counted): the per-submission bound where no memory cgroup can be made."""
    usage: dict[int, int] = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status") as f:
                uid = next(int(line.split()[1]) for line in f if line.startswith("Uid:"))
            if uid not in uids:
                continue
            with open(f"/proc/{pid}/smaps_rollup") as f:
                private = sum(int(line.split()[1]) for line in f
                              if line.startswith(("Private_Clean:", "Private_Dirty:", "Swap:")))
        except (OSError, StopIteration, ValueError, IndexError):
            continue
        usage[uid] = usage.get(uid, 0) + private * 1024
    return usage


def watch_memory(children: dict, reaper) -> None:
    """Kill every process of a child whose uid holds more than its memory budget in total."""
    live = {c["uid"]: c for c in children.values() if c["uid"] and not c["over"] and not c["cgroups"]}
    if not live:
        return
    for uid, used in private_memory(set(live)).items():
        child = live[uid]
        if used > child["memory"] + CHARGE_HEADROOM:
            child["over"] = True
            reaper.kill(uid)


def reap(ending=None, timeout: float = 0.0) -> None:
    """Collect every child process that has ended (the zygote's children are the submissions');
    ``ending``: pids just killed, waited for up to ``timeout`` seconds (a kill takes effect a
    moment after it is sent), and removed from it once collected."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        if ending is not None:
            ending.discard(pid)
    if ending:
        end = time.monotonic() + timeout
        for pid in list(ending):
            while True:
                try:
                    done, _status = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done or time.monotonic() > end:
                    break
                time.sleep(0.001)
            if done:
                ending.discard(pid)


def zygote() -> None:
    reaper = Reaper() if IS_ROOT else None  # without bubblewrap too: a uid of its own is the only handle
    cgroups = Cgroups(CGROUPS) if IS_ROOT and CGROUPS else None
    watchdog = reaper is not None  # for children without a cgroup, the zygote sums each uid's memory itself
    control = socket.socket(fileno=0)
    children: dict[int, dict] = {}  # id -> {"pid", "uid", "dir"}
    ending: set[int] = set()  # pids of children just ended, not yet collected

    def receive():
        """The next control message and the descriptors that came with it; None when the grader went away."""
        try:
            msg, fds, _flags, _addr = socket.recv_fds(control, 65536, 4)
        except OSError:
            return None
        if not msg:
            return None
        try:
            return json.loads(msg.decode()), fds
        except ValueError:
            for fd in fds:
                os.close(fd)
            return {}, []

    def handle(request: dict, fds: list[int]) -> bool:
        """Serve one control message; False: end."""
        op = request.get("op")
        if op == "spawn":
            child_id = int(request["id"])
            uid = int(request.get("uid", 0))
            limits = request.get("limits", {})
            if reaper is not None:
                reaper.settle()  # the previous children's processes, IPC objects and files are gone
            reap(ending, 0.2)  # nor is an ended child left as a zombie the next one could see in /proc
            workdir = tempfile.mkdtemp(prefix=f"w{child_id}-", dir="/tmp" if SANDBOXED else None)
            groups = cgroups.create(f"c{child_id}", limits) if cgroups is not None else []
            pid = os.fork()
            if pid == 0:
                control.close()
                if reaper is not None:  # student code must not be able to ask for kills
                    reaper.close_in_child()
                child_main(socket.socket(fileno=fds[0]), workdir, uid, limits, groups,
                           audit_only=request.get("audit") is True)
                os._exit(0)  # pragma: no cover - child_main never returns
            for fd in fds:
                os.close(fd)
            children[child_id] = {"pid": pid, "uid": uid, "dir": workdir, "cgroups": groups,
                                  "memory": int(limits.get("memory_bytes", 1 << 30)), "over": False}
            control.sendall(json.dumps({"op": "spawned", "id": child_id}).encode())
            return True
        for fd in fds:
            os.close(fd)
        if op in ("kill", "done"):
            child = children.pop(int(request["id"]), None)
            if child is not None:
                ending.add(child["pid"])
                if reaper is not None and child["uid"]:  # kill -1 reaches only our PID namespace
                    reaper.kill(child["uid"])
                else:
                    try:
                        os.killpg(child["pid"], signal.SIGKILL)
                    except OSError:
                        pass
                shutil.rmtree(child["dir"], ignore_errors=True)
                if cgroups is not None and child["cgroups"]:
                    cgroups.release(child["cgroups"])
        elif op == "ping":
            control.sendall(b'{"op": "pong"}')
        elif op == "preload":
            libraries = request.get("libraries")
            preload_more([str(x) for x in libraries] if isinstance(libraries, list) else [])
            control.sendall(b'{"op": "preloaded"}')
        elif op == "exit":
            return False
        return True

    # The grader asks for its audit child as soon as it starts this process (client.Zygote._start).
    # Fork it before the imports: it runs no student code and needs none of them, so the audit
    # runs on the other core while this one imports torch, not after. Only an audit child: any
    # other first message waits for the imports, as every child a submission runs in must.
    first = receive() if select.select([control], [], [], 0.05)[0] else ()
    if first and first[0].get("op") == "spawn" and first[0].get("audit") is True:
        handle(*first)
        first = ()
    preload()
    sys.stdout.flush()
    serving = first is not None and (not first or handle(*first))
    while serving:
        reap(ending)
        if cgroups is not None and cgroups.pending:
            cgroups.sweep()
        watching = watchdog and any(not c["cgroups"] for c in children.values())
        if watching:
            watch_memory(children, reaper)
        ready, _, _ = select.select([control], [], [], WATCH_SECONDS if watching else 0.5)
        if not ready:
            continue
        message = receive()
        serving = message is not None and handle(*message)
    for child in children.values():
        try:
            kill_uid(child["uid"]) if reaper is not None and child["uid"] else os.killpg(child["pid"], signal.SIGKILL)
        except OSError:
            pass
        shutil.rmtree(child["dir"], ignore_errors=True)
        if cgroups is not None and child["cgroups"]:
            cgroups.release(child["cgroups"])
    if reaper is not None:
        reaper.settle(5)
    if cgroups is not None:
        cgroups.sweep()


# ----------------------------------------------------------------------------- child

def set_limits(limits: dict) -> None:
    def vm_size() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * resource.getpagesize()

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long write fails instead of killing
    cpu = int(limits.get("cpu_seconds", 120))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = int(limits.get("memory_bytes", 1 << 30))
    if memory:
        try:
            total = vm_size() + memory
            resource.setrlimit(resource.RLIMIT_AS, (total, total))
        except (OSError, ValueError):
            pass
    fsize = int(limits.get("file_bytes", 4 << 20))
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    nproc = int(limits.get("processes", 16))
    if IS_ROOT:  # per-uid limit; only meaningful once we have our own uid
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    nofile = 256
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))


def drop_privileges(uid: int, workdir: str) -> None:
    """An unprivileged uid and gid of its own, no supplementary groups; leaving root clears
    every capability, and NO_NEW_PRIVS keeps a setuid program from giving any back."""
    os.chown(workdir, uid, uid)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    LIBC.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
    if os.getuid() != uid or os.geteuid() != uid or os.getegid() != uid:
        os._exit(3)


def clean_environment(workdir: str) -> None:
    """The child's environment holds nothing from the grader's."""
    keep = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    os.environ.clear()
    os.environ.update({"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": workdir,
                       "TMPDIR": workdir, "MPLCONFIGDIR": workdir, "MPLBACKEND": "Agg",
                       "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                       "GRADER_SANDBOX": "bwrap" if SANDBOXED else "none", **keep})


def readable(path: str) -> bool:
    """Whether this process can read ``path`` (a file's bytes, or a directory's listing)."""
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            with open(path, "rb") as f:
                f.read(1)
        return True
    except OSError:
        return False


def audit(request: dict, facts: dict) -> dict:
    """What the trusted side asks before any student code runs: which of its secrets this
    child (same uid, same view as student code) can read, and which isolation it got."""
    paths = [str(x) for x in request.get("paths", [])][:200]
    found = [x for x in paths if readable(x)]
    return {"status": "returned", "value": protocol.encode({"readable": found, "uid": os.geteuid(), **facts})}


class Output:
    """Captures fd 1 and 2 into a file that the student's uid cannot open by path."""

    def __init__(self, workdir: str):
        path = os.path.join(workdir, ".output")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        self.reader = os.open(path, os.O_RDONLY)
        os.unlink(path)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        self.writer = fd  # kept to empty the file after each reply (see take)
        sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", buffering=0), write_through=True)
        sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", buffering=0), write_through=True)

    def take(self) -> dict:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        data = b""
        total = 0
        while True:
            chunk = os.read(self.reader, 65536)
            if not chunk:
                break
            total += len(chunk)
            if len(data) < OUTPUT_CAP * 4:
                data += chunk
        if not total:
            return {"output": "", "output_truncated": False}
        try:  # empty the file: output of earlier replies must not add up to the file size limit
            os.ftruncate(self.writer, 0)
            os.lseek(self.reader, 0, os.SEEK_SET)
        except OSError:
            pass
        text = data.decode("utf-8", "replace")
        truncated = total > len(data) or len(text) > OUTPUT_CAP
        return {"output": text[:OUTPUT_CAP], "output_truncated": truncated}


LEFTOVER_BYTES = 256 << 20  # what one exercise may leave charged to the child before the next gets a fresh one


class Leftovers:
    """What student code leaves behind outside its own process, which the next exercise served
    by this child would inherit: memory still charged to the child's cgroup (files in /tmp,
    shared memory, processes), and SysV shared memory segments of its uid. Either marks the
    reply "tainted", so that the next exercise gets a fresh child (cgroup, IPC namespace)."""

    def __init__(self, cgroup_dirs: list[str]):
        self.usage = None
        for d in cgroup_dirs:  # opened as root: the cgroup's files are not the child uid's to open
            for name in ("memory.usage_in_bytes", "memory.current"):
                try:
                    self.usage = os.open(os.path.join(d, name), os.O_RDONLY)
                    break
                except OSError:
                    pass

    def __call__(self) -> bool:
        try:
            if self.usage is not None and int(os.pread(self.usage, 64, 0)) > LEFTOVER_BYTES:
                return True
            uid = os.geteuid()
            with open("/proc/sysvipc/shm") as f:
                header, *rows = [line.split() for line in f]
            return any(dict(zip(header, row)).get("uid") == str(uid) for row in rows)
        except (OSError, ValueError):
            return self.usage is not None  # its own cgroup file is gone or garbled: do not trust this child


def child_main(sock: socket.socket, workdir: str, uid: int, limits: dict, cgroup_dirs=(),
               audit_only: bool = False) -> None:
    """Serve one exercise's requests (or, ``audit_only``, only the audit: such a child may be forked
    before the zygote imported anything, and runs no student code)."""
    os.setsid()
    echo: dict = {}  # the nonce of the request being answered
    try:
        workdir, facts = isolate(workdir, list(cgroup_dirs))
        leftovers = Leftovers(list(cgroup_dirs))
        os.chdir(workdir)
        output = Output(workdir)
        set_limits(limits)
        if IS_ROOT:  # never keep root, whatever uid was asked for
            drop_privileges(uid if uid >= FIRST_CHILD_UID else 65534, workdir)
        clean_environment(workdir)
        tempfile.tempdir = workdir
        # what serves the requests, held here before any student code runs: the module's names
        # (this is __main__, which student code can import) and Output's class can be rebound
        receive, send, take, fd = recv_request, send_reply, output.take, sock.fileno()
        malformed = ProtocolError
        if audit_only:
            session = None
        else:
            from session import Session

            session = Session(workdir, output, leftovers)
        while True:
            try:
                request = receive(fd, MAX_REQUEST)
            except (EOFError, OSError, malformed):
                break
            nonce = request.get("nonce")
            echo = {"nonce": nonce} if isinstance(nonce, str) else {}
            op = request.get("op")
            if session is None and op != "audit":
                replies = [{"status": "worker_error", "message": "an audit child answers only the audit"}]
            elif op == "batch":  # one reply per call, each sent as soon as its call returns
                replies = session.handle_batch(request)
            else:
                replies = [audit(request, facts) if op == "audit" else session.handle(request)]
            for response in replies:
                output_now = take()
                response["output"], response["output_truncated"] = output_now["output"], output_now["output_truncated"]
                response.update(echo)
                try:
                    send(fd, response, MAX_MESSAGE)
                except malformed as exc:
                    kept = {k: response[k] for k in ("index",) if k in response}
                    send(fd, {"status": "worker_error", "message": str(exc), **kept, **echo}, MAX_MESSAGE)
    except BaseException:  # noqa: BLE001 - report anything, then end this child only
        try:
            send_reply(sock.fileno(), {"status": "worker_error", "message": traceback.format_exc(limit=3), **echo},
                       MAX_MESSAGE)
        except BaseException:
            pass
    finally:
        os._exit(0)


if __name__ == "__main__":
    if "--zygote" in sys.argv:
        zygote()
