"""Run a notebook's code cells, in order, as one module namespace.

A failing cell is reported and the next cells still run, so the definitions made
by other cells survive; a cell that runs longer than ``cell_seconds`` is
interrupted the same way. The contract's module names are registered as aliases
of the notebook's namespace, so that ``from cross_correlation import corr2d``
inside a cell finds the notebook's own ``corr2d``.
"""
from __future__ import annotations

import signal
import sys
import types


class CellTimeout(BaseException):
    """Raised inside a cell that ran too long."""


def _alarm(signum, frame):
    raise CellTimeout("the cell ran too long and was interrupted")


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
    try:
        for index, source in cells:
            filename = f"<cell {index}>"
            try:
                code = compile(source, filename, "exec")
                signal.setitimer(signal.ITIMER_REAL, cell_seconds)
                try:
                    exec(code, module.__dict__)  # noqa: S102 - this is the sandboxed worker
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except BaseException as exc:  # noqa: BLE001 - a failing cell must not stop the others
                info = describe_exception(exc, workdir)
                if isinstance(exc, SyntaxError):
                    info.setdefault("where", {})["file"] = filename
                report.append({"cell": index, **info})
    finally:
        signal.signal(signal.SIGALRM, previous)
    return module, report
