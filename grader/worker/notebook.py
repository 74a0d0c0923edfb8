"""Run a notebook's code cells, in order, as one module namespace.

A failing cell is reported and the next cells still run, so the definitions made
by other cells survive; a cell that runs longer than ``cell_seconds`` is
interrupted the same way. The contract's module names are registered as aliases
of the notebook's namespace, so that ``from cross_correlation import corr2d``
inside a cell finds the notebook's own ``corr2d``.

A cell cannot switch that interruption off for itself or for the cells after it:
SIGALRM is unblocked and its handler put back before every cell, and a watchdog
thread stops a cell that outlives its time anyway (a second signal, SIGUSR2, sent
to the main thread, and an exception set asynchronously in it), so that a cell
that blocks or ignores SIGALRM costs only itself, not the definitions of the
other cells.
"""
from __future__ import annotations

import ctypes
import signal
import sys
import threading
import time
import types

GRACE = 0.5  # seconds after SIGALRM before the watchdog steps in


class CellTimeout(BaseException):
    """Raised inside a cell that ran too long."""


def _alarm(signum, frame):
    raise CellTimeout("the cell ran too long and was interrupted")


class _Watchdog:
    """Stops the main thread's current cell ``GRACE`` s after its time is up, if SIGALRM did not."""

    def __init__(self):
        self.main = threading.get_ident()
        self.cond = threading.Condition()
        self.deadline = None
        self.stopped = False
        self.thread = threading.Thread(target=self._run, name="cell-watchdog", daemon=True)
        self.thread.start()

    def arm(self, seconds: float) -> None:
        with self.cond:
            self.deadline = time.monotonic() + seconds + GRACE
            self.cond.notify()

    def disarm(self) -> None:
        with self.cond:
            self.deadline = None
            _set_async(self.main, None)  # an interruption that came too late for the cell is dropped

    def stop(self) -> None:
        with self.cond:
            self.stopped, self.deadline = True, None
            _set_async(self.main, None)
            self.cond.notify()

    def _run(self) -> None:
        with self.cond:
            while not self.stopped:
                if self.deadline is None:
                    self.cond.wait()
                    continue
                left = self.deadline - time.monotonic()
                if left > 0:
                    self.cond.wait(left)
                    continue
                self.deadline = time.monotonic() + GRACE  # again, should the cell catch it
                _set_async(self.main, CellTimeout)
                try:
                    signal.pthread_kill(self.main, signal.SIGUSR2)  # wakes a blocking call (sleep, read)
                except (OSError, ValueError):
                    pass


def _set_async(thread_id: int, exc) -> None:
    try:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                                   ctypes.py_object(exc) if exc is not None else None)
    except Exception:  # noqa: BLE001 - without it, SIGALRM and the trusted side's timeout remain
        pass


def _restore_signals() -> None:
    """Whatever the last cell did to SIGALRM and SIGUSR2, the next one is interruptible again."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGUSR2, _alarm)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM, signal.SIGUSR2})


def run_cells(cells, aliases, workdir, cell_seconds=10.0, describe_exception=None):
    if describe_exception is None:
        from session import describe_exception

    module = types.ModuleType("__notebook__")
    module.__file__ = "<notebook>"
    sys.modules["__notebook__"] = module
    for name in aliases:
        sys.modules[name] = module
    report = []
    previous = signal.signal(signal.SIGALRM, _alarm)
    previous_usr2 = signal.signal(signal.SIGUSR2, _alarm)
    watchdog = _Watchdog()
    try:
        for index, source in cells:
            filename = f"<cell {index}>"
            try:
                code = compile(source, filename, "exec")
                _restore_signals()
                signal.setitimer(signal.ITIMER_REAL, cell_seconds)
                watchdog.arm(cell_seconds)
                try:
                    exec(code, module.__dict__)  # noqa: S102 - this is the sandboxed worker
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    watchdog.disarm()
            except BaseException as exc:  # noqa: BLE001 - a failing cell must not stop the others
                info = describe_exception(exc, workdir)
                if isinstance(exc, SyntaxError):
                    info.setdefault("where", {})["file"] = filename
                report.append({"cell": index, **info})
    finally:
        watchdog.stop()
        signal.setitimer(signal.ITIMER_REAL, 0)
        _restore_signals()
        signal.signal(signal.SIGALRM, previous)
        signal.signal(signal.SIGUSR2, previous_usr2)
    return module, report
