"""Property-based inputs: drawn by hypothesis once, then reused.

A property-based check asks ``examples(strategy, seed, key=...)`` for its inputs and tests
them one by one, stopping at the first failure (as ``@given`` without shrinking does). The
inputs depend only on the strategy and the check's seed, never on the submission, so they
are drawn once per process and kept on disk between runs (``$GRADER_CACHE_DIR/examples``,
by default ``~/.cache/d2l-conv-grader/examples``), keyed by the strategy's name, the seed,
and a digest of the check sources and hypothesis's version: a cold ``grader grade`` then
neither imports hypothesis nor draws anything. The file holds plain data (the worker
protocol's encoding, never a pickle). A file or folder that is not this user's own, that
others may write to, that is not a regular file, or that does not parse into the right
number of inputs is ignored, and the inputs are drawn anew. The file has the trust of the
grader's own files: whoever can write as the grading user can change the grader itself
(student code can, only with ``sandbox: none``).
"""
from __future__ import annotations

import copy
import functools
import glob
import hashlib
import importlib.util
import json
import os
import stat
import sys
import tempfile

MAX_EXAMPLES = 12  # inputs per property-based check
MAX_FILE = 4 << 20  # bytes of the cache file read
MAX_ENTRIES = 500  # strategies x seeds kept in it

_memory: dict = {}  # (key, seed, count) -> inputs, for this process
_disk: dict | None = None  # the cache file's entries, read once


def settings():
    """The grader's hypothesis profile: no deadline, database, shrinking or health checks."""
    from hypothesis import HealthCheck, Phase, settings as hsettings

    if "grader" not in hsettings._profiles:  # noqa: SLF001 - register once
        hsettings.register_profile(
            "grader", max_examples=MAX_EXAMPLES, deadline=None, database=None, print_blob=False,
            derandomize=False, suppress_health_check=list(HealthCheck),
            # only draw: the check tests the inputs itself, in order, stopping at the first failure
            phases=(Phase.explicit, Phase.generate))
    return hsettings.get_profile("grader")


@functools.lru_cache(maxsize=1)
def _digest() -> str:
    """What the drawn inputs depend on besides key and seed: the check sources and hypothesis."""
    here = os.path.dirname(os.path.abspath(__file__))
    h = hashlib.sha256()
    sources = [os.path.abspath(__file__), os.path.join(here, "checking.py"),
               *sorted(glob.glob(os.path.join(here, "checks", "*.py")))]
    for path in sources:
        with open(path, "rb") as f:
            h.update(path.encode() + b"\0" + f.read() + b"\0")
    spec = importlib.util.find_spec("hypothesis")
    version = os.path.join(os.path.dirname(spec.origin), "version.py") if spec and spec.origin else ""
    if version and os.path.exists(version):
        with open(version, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:24]


def _folder() -> str | None:
    """The cache folder ($GRADER_CACHE_DIR, else ~/.cache/d2l-conv-grader, then examples/), or None
    when there is no safe one: a relative path, a folder that is not this user's own or that
    others may write to. Without it the inputs are drawn in every process."""
    root = os.environ.get("GRADER_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "d2l-conv-grader")
    if not os.path.isabs(root):
        return None  # never the current folder (a class folder would gain a student)
    folder = os.path.join(root, "examples")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        for path in (root, folder):
            info = os.lstat(path)
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
                return None
    except OSError:
        return None
    return folder


def _path() -> str | None:
    folder = _folder()
    return os.path.join(folder, f"{_digest()}.json") if folder else None


def _read() -> dict:
    """The cache file's entries; {} when it is missing, too large, malformed, or not safely ours."""
    path = _path()
    if path is None:
        return {}
    try:  # never blocks on a FIFO, never follows a link
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return {}
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022 \
                or info.st_size > MAX_FILE:
            return {}
        try:
            data = json.loads(f.read(MAX_FILE + 1))
        except (ValueError, RecursionError, MemoryError, OSError):
            return {}
    entries = data.get("entries") if isinstance(data, dict) and data.get("digest") == _digest() else None
    return entries if isinstance(entries, dict) else {}


def _write(entries: dict) -> None:
    """Replace the cache file at once (a reader sees the old file or the new one); failures are ignored."""
    path = _path()
    if path is None:
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".examples-")
        with os.fdopen(fd, "w") as f:
            json.dump({"digest": _digest(), "entries": entries}, f, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        pass


def _draw(strategy, seed: int, count: int) -> list:
    from hypothesis import given, settings as hsettings

    drawn: list = []

    @hsettings(settings(), max_examples=count)
    @given(strategy())
    def collect(case):
        drawn.append(case)

    collect._hypothesis_internal_use_seed = seed
    collect()
    return drawn


def examples(strategy, seed: int, *, key: str, count: int = MAX_EXAMPLES) -> list:
    """The inputs hypothesis draws from ``strategy()`` under ``seed``: what ``@given`` would feed
    a test that passes, in the same order. ``strategy`` builds the strategy (it imports
    hypothesis only when the inputs are not cached); ``key`` names it. Each call returns
    a copy of its own.
    """
    global _disk
    from grader.worker.protocol import ProtocolError, decode, encode

    mem_key = (key, int(seed), int(count))
    if mem_key not in _memory:
        if _disk is None:
            _disk = _read()
        disk_key = f"{key}|{int(seed)}|{int(count)}"
        found = None
        if disk_key in _disk:
            try:
                found = decode(_disk[disk_key])
            except (ProtocolError, ValueError, TypeError, KeyError, RecursionError):
                found = None
        if not isinstance(found, list) or len(found) != count:  # hypothesis draws exactly `count` here
            found = _draw(strategy, seed, count)
            _disk = {**(_read() if len(_disk) < MAX_ENTRIES else {}), disk_key: encode(found)}
            _write(_disk)
        _memory[mem_key] = found
    return _copy(_memory[mem_key])


_PLAIN = (int, float, complex, str, bytes, bool, type(None))


def _copy(value):
    """``copy.deepcopy(value)``, faster for what strategies draw: lists, tuples and dicts of numbers,
    plain tensors and arrays."""
    cls = type(value)
    if cls in _PLAIN:
        return value
    if cls is list or cls is tuple:
        return cls(_copy(v) for v in value)
    if cls is dict:
        return {_copy(k): _copy(v) for k, v in value.items()}
    torch = sys.modules.get("torch")
    if torch is not None and cls is torch.Tensor and not value.requires_grad and value.grad is None:
        return value.clone()
    numpy = sys.modules.get("numpy")
    if numpy is not None and cls is numpy.ndarray and value.dtype != object:
        return value.copy()
    return copy.deepcopy(value)
