"""One child's view of a submission: load it, then answer requests about it."""
from __future__ import annotations

import importlib
import importlib.util
import operator
import os
import random
import sys
import traceback
import types

from protocol import decode, encode, safe_str, type_name

import notebook
import probes


def describe_exception(exc: BaseException, workdir: str) -> dict:
    """Type, message and the last line of student code the traceback went through."""
    info = {"status": "raised", "type": type_name(exc), "message": safe_str(exc)}
    if isinstance(exc, SyntaxError):
        info["where"] = {"file": os.path.basename(exc.filename or "?"), "line": exc.lineno,
                         "text": (exc.text or "").strip()[:200]}
        return info
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.startswith(workdir) or f.filename.startswith("<cell")]
        if frames:
            last = frames[-1]
            info["where"] = {"file": os.path.basename(last.filename), "line": last.lineno,
                             "text": (last.line or "")[:200]}
    except BaseException:
        pass
    return info


WATCHED_MODULES = ("torch", "torch.nn", "torch.nn.functional", "torch.testing", "numpy", "numpy.testing",
                   "scipy.signal", "builtins", "math", "random")
WATCHED_CLASSES = ("torch.Tensor", "torch.nn.Module", "torch.nn.parameter.Parameter", "numpy.ndarray")


def _namespaces() -> list:
    """The watched namespaces as they are now (a module replaced in sys.modules counts as changed)."""
    import torch

    spaces = [torch.get_default_dtype()]
    for name in WATCHED_MODULES:
        module = sys.modules.get(name)
        spaces.append(vars(module) if module is not None else None)
    for qualified in WATCHED_CLASSES:
        owner, _, attr = qualified.rpartition(".")
        cls = getattr(sys.modules.get(owner), attr, None) if owner in sys.modules else None
        if cls is None and owner.startswith("torch.nn"):
            cls = getattr(sys.modules.get("torch.nn"), attr, None)
        spaces.append(vars(cls) if cls is not None else None)
    return spaces


def fingerprint() -> list:
    """What the shared libraries' namespaces hold, to notice when student code patches them.

    One child serves all exercises of a submission; once a module has replaced, say,
    ``torch.allclose`` or ``torch.Tensor.__eq__``, the next exercise gets a fresh child.
    Compare with ``patched``.
    """
    return [(space, len(space), list(space.values())) if hasattr(space, "values") else (space, 0, None)
            for space in _namespaces()]


def patched(baseline: list) -> bool:
    """Whether any watched name now holds another object than at ``baseline`` (or was added or removed)."""
    now = _namespaces()
    if len(now) != len(baseline):
        return True
    for space, (then, size, values) in zip(now, baseline):
        if values is None:
            if space is not then:
                return True
        elif len(space) != size or not all(map(operator.is_, space.values(), values)):
            return True
    return False


IMPORTABLE = (".py", ".pyc", ".pyw", ".so", ".pyd", ".zip", ".egg", ".pth")  # files an import can find
MEMORY_SLACK = 256 << 20  # address space an exercise may keep before the next one gets a fresh child


def memory() -> int:
    """This process's address space in bytes."""
    import resource

    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


class Session:
    def __init__(self, workdir: str, output, leftovers=lambda: False):
        self.workdir = workdir
        self.output = output
        self.leftovers = leftovers  # runtime.Leftovers: what the code left outside this process
        self.seal()
        import torch

        # torch's CPU generator, held before any student code runs (see reseed)
        self._cpu_generator = torch.default_generator
        self.targets: dict[str, object] = {}  # module name -> loaded module (a notebook: one namespace)
        self.notebook = None
        self.baseline = None

    WORKER_MODULES = ("protocol", "session", "probes", "notebook")

    def seal(self) -> None:
        """Before any student code: keep private references, then make the worker unreachable by name.

        The probes and the functions they rely on are held here; the worker's modules
        leave ``sys.modules`` and its folder leaves ``sys.path``, so ``import probes`` in
        a submission finds nothing to patch. What is left (frames, the garbage
        collector, ctypes) is what the trusted side's scan looks for.
        """
        self._probes = dict(probes.PROBES)
        # the zygote's, taken after its last import: nothing has run in this child since the fork
        # that changes a watched attribute (tests/test_zygote_start.py)
        self._snapshot = probes.BASELINE if probes.BASELINE is not None else probes.snapshot()
        self._changed = probes.changed
        self._run_cells = notebook.run_cells
        here = os.path.dirname(os.path.abspath(probes.__file__))
        for name in self.WORKER_MODULES:
            sys.modules.pop(name, None)
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]

    def exempt(self) -> dict:
        """Where the submission's corr2d lives: what it does inside is not the tested function's doing."""
        target = self.notebook if self.notebook is not None else sys.modules.get("cross_correlation")
        try:
            code = getattr(vars(target).get("corr2d"), "__code__", None) if target is not None else None
        except TypeError:
            code = None
        own_file = os.path.join(self.workdir, "cross_correlation.py")
        # only the contract's corr2d(X, K) itself, defined where corr2d lives: not a stand-in with a
        # hidden flag, not a helper of the same file, not a function assigned to that name elsewhere
        if not isinstance(code, types.CodeType) or code.co_name != "corr2d" or code.co_argcount != 2 \
                or code.co_kwonlyargcount or code.co_flags & (0x04 | 0x08) \
                or not (code.co_filename == own_file or code.co_filename.startswith("<cell")):
            return {"exempt_codes": [], "exempt_files": []}
        return {"exempt_codes": [code], "exempt_files": []}

    # requests -------------------------------------------------------------
    def handle(self, request: dict) -> dict:
        nonce = request.pop("nonce", None)  # echoed: a reply forged by student code cannot know it
        response = self._handle(request)
        if isinstance(nonce, str):
            response["nonce"] = nonce
        return response

    def handle_batch(self, request: dict):
        """Several calls of one function, each under its own seed, one reply each (see ``Sub.prefetch``).

        Yields the replies, each as soon as its call returns, so that the trusted side holds every
        call to its own time limit.
        """
        nonce = request.pop("nonce", None)
        calls = request.get("calls")
        if not isinstance(calls, list) or not calls:
            calls = [{}]
        for index, call in enumerate(calls):
            if not isinstance(call, dict):
                call = {}
            response = self._handle({**call, "op": "call", "module": request.get("module")})
            response["index"] = index
            if isinstance(nonce, str):
                response["nonce"] = nonce
            yield response

    def tainted(self) -> bool:
        """Whether what the exercises served so far left this child unfit for the next one: a patched
        torch, numpy or builtins namespace, memory kept beyond ``MEMORY_SLACK``, a changed working
        folder (``files``), import hooks, streams or working directory (``state``), or what the code
        left outside this process (``leftovers``: files, shared
        memory, processes). Asked once per exercise,
        when the next one is loaded (``load`` with ``reuse``), not after every call."""
        try:
            return (patched(self.baseline) or memory() > self.memory_baseline + MEMORY_SLACK
                    or self.files() != self.files_baseline or self.state_changed() or bool(self.leftovers()))
        except BaseException:  # noqa: BLE001 - a namespace too broken to hash is tainted
            return True

    def _handle(self, request: dict) -> dict:
        op = request.get("op")
        try:
            if op == "setup":
                return self.setup(request)
            if op == "load":
                return self.load(request)
            self.reseed(int(request.get("seed", 0)))
            if op == "call":
                return self.call(request)
            if op == "get":
                return self.get(request)
            if op == "probe":
                return self.probe(request)
            return {"status": "worker_error", "message": f"unknown op {op!r}"}
        except BaseException as exc:  # noqa: BLE001 - SystemExit and friends included
            return describe_exception(exc, self.workdir)

    def reseed(self, seed: int) -> None:
        import numpy
        import torch

        # The CPU generator itself: what torch.manual_seed seeds here (no other device), without
        # the CUDA seeding it queues, with a formatted stack trace, on every call (0.3 ms a request).
        self._cpu_generator.manual_seed(seed)
        random.seed(seed)
        numpy.random.seed(seed % 2**32)
        torch.set_grad_enabled(True)

    @staticmethod
    def provide_d2l() -> None:
        """Let ``from d2l import torch as d2l`` succeed; using anything from it explains itself.

        Students copy the book's import line into their files. d2l is not installed in the
        grader, and an import error would cost the whole exercise; a function that really
        uses d2l fails on its own with this message instead.
        """
        if importlib.util.find_spec("d2l") is not None:
            return

        class Missing(types.ModuleType):
            def __getattr__(self, name):
                if name.startswith("__"):
                    raise AttributeError(name)
                raise AttributeError(f"the grader does not provide d2l ({self.__name__}.{name}); "
                                     "define what you need in your own files")

        package, torch_part = Missing("d2l"), Missing("d2l.torch")
        package.__path__ = []
        package.torch = torch_part
        sys.modules.setdefault("d2l", package)
        sys.modules.setdefault("d2l.torch", torch_part)

    def setup(self, request: dict) -> dict:
        self.provide_d2l()
        for name, text in request.get("files", {}).items():
            if "/" in name or name.startswith("."):
                continue
            with open(os.path.join(self.workdir, name), "w", encoding="utf-8") as f:
                f.write(text)
        sys.path.insert(0, self.workdir)
        # a new folder: no finder has cached its listing yet (importlib.invalidate_caches() would
        # touch every finder, 550 pages that the child then copies from the zygote, 1.3 ms)
        sys.path_importer_cache.pop(self.workdir, None)
        self.reseed(int(request.get("seed", 0)))
        cells = request.get("cells")
        report = None
        if cells is not None:
            self.notebook, report = self._run_cells(cells, request.get("aliases", []), self.workdir,
                                                       float(request.get("cell_seconds", 10.0)),
                                                    describe_exception=describe_exception)
        self.baseline = fingerprint()
        self.memory_baseline = memory()
        self.files_baseline = self.files()
        self.state_baseline = self.state()
        return {"status": "ok", "cells": report or []}

    @staticmethod
    def state() -> list:
        """Interpreter state an import or a later call would run into: import hooks, collector
        callbacks, the standard streams, the working directory."""
        import gc

        return [*sys.meta_path, None, *sys.path_hooks, None, *gc.callbacks, None, sys.stdout, sys.stderr,
                sys.stdin, os.getcwd()]

    def state_changed(self) -> bool:
        now, then = self.state(), self.state_baseline
        return len(now) != len(then) or now[-1] != then[-1] or not all(map(operator.is_, now[:-1], then[:-1]))

    def files(self) -> list:
        """What imports from the working folder could find: its folders and module files, and
        what its ``__pycache__`` holds (a module file rewritten, a package or a compiled file added
        by one exercise would change what the next one imports; a data file would not)."""
        seen = []
        for folder in (self.workdir, os.path.join(self.workdir, "__pycache__")):
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if folder == self.workdir and not entry.is_dir(follow_symlinks=False) \
                                and not entry.name.endswith(IMPORTABLE):
                            continue
                        info = entry.stat(follow_symlinks=False)
                        seen.append((folder, entry.name, info.st_mode, info.st_size, info.st_mtime_ns,
                                     info.st_ctime_ns, info.st_ino))
            except OSError:
                pass
        return sorted(seen)

    def load(self, request: dict) -> dict:
        """Import the submission's module ``name`` (a notebook: its one namespace)."""
        name = request["module"]
        if self.notebook is not None:
            self.targets[name] = self.notebook
            return {"status": "ok"}
        if request.get("reuse") is True and self.baseline is not None and self.tainted():
            return {"status": "tainted"}  # the trusted side loads it in a fresh child instead
        if not os.path.exists(os.path.join(self.workdir, name + ".py")):
            return {"status": "missing"}
        self.reseed(int(request.get("seed", 0)))
        try:
            self.targets[name] = importlib.import_module(name)
        except BaseException as exc:  # noqa: BLE001
            return describe_exception(exc, self.workdir)
        return {"status": "ok"}

    def lookup(self, module: str, name: str):
        target = self.targets.get(module)
        if target is None:
            raise LookupError(f"{module} was not loaded")
        namespace = vars(target) if isinstance(target, types.ModuleType) else target
        if name not in namespace:
            return False, None
        return True, namespace[name]

    def call(self, request: dict) -> dict:
        found, fn = self.lookup(request["module"], request["name"])
        if not found:
            return {"status": "missing"}
        if not callable(fn):
            return {"status": "not_callable", "value": encode(fn)}
        args = [decode(a) for a in request.get("args", [])]
        kwargs = {k: decode(v) for k, v in request.get("kwargs", {}).items()}
        try:
            value = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001
            return describe_exception(exc, self.workdir)
        return {"status": "returned", "value": encode(value)}

    def get(self, request: dict) -> dict:
        found, value = self.lookup(request["module"], request["name"])
        if not found:
            return {"status": "missing"}
        return {"status": "returned", "value": encode(value)}

    def probe(self, request: dict) -> dict:
        routine = self._probes.get(request.get("probe"))
        if routine is None:
            return {"status": "worker_error", "message": f"unknown probe {request.get('probe')!r}"}
        params = {k: decode(v) for k, v in request.get("params", {}).items()}
        found, obj = self.lookup(request["module"], params.pop("name"))
        if not found:
            return {"status": "missing"}
        replaced = self._changed(self._snapshot)
        if replaced:  # the measurement would run on functions the submission has swapped out
            return {"status": "integrity", "message": "the submission replaced " + ", ".join(replaced)}
        if request.get("probe") in ("watch_ops", "method"):
            params.update(self.exempt())
        try:
            result = routine(obj, **params)
        except BaseException as exc:  # noqa: BLE001
            return describe_exception(exc, self.workdir)
        replaced = self._changed(self._snapshot)
        if replaced:  # swapped while it was measured: what the probe did after may not be its own
            return {"status": "integrity", "message": "the submission replaced " + ", ".join(replaced)}
        return {"status": "returned", "value": encode(result)}
