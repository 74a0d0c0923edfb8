"""Run a notebook's code cells, in order, as one module namespace.

A failing cell is reported and the next cells still run, so the definitions made
by other cells survive. The contract's module names are registered as aliases of
the notebook's namespace, so that ``from cross_correlation import corr2d`` inside a
cell finds the notebook's own ``corr2d``.
"""
from __future__ import annotations

import sys
import types



def run_cells(cells, aliases, workdir):
    from session import describe_exception

    module = types.ModuleType("__notebook__")
    module.__file__ = "<notebook>"
    sys.modules["__notebook__"] = module
    for name in aliases:
        sys.modules[name] = module
    report = []
    for index, source in cells:
        filename = f"<cell {index}>"
        try:
            code = compile(source, filename, "exec")
            exec(code, module.__dict__)  # noqa: S102 - this is the sandboxed worker
        except BaseException as exc:  # noqa: BLE001 - a failing cell must not stop the others
            info = describe_exception(exc, workdir)
            if isinstance(exc, SyntaxError):
                info["where"]["file"] = filename
            report.append({"cell": index, **info})
    return module, report
