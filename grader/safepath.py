"""Keep the trusted process from importing anything that lies in a submission.

``python -m grader`` (and ``python -m pytest``) put the current folder first on
``sys.path``; an instructor who runs them from inside a submission would then import
the submission's ``torch.py`` or ``sitecustomize``-like modules into the process that
decides scores. :func:`harden` removes the current folder and every path named on the
command line (the submission) from ``sys.path`` before anything else is imported.
Where the grader itself must win over a ``grader.py`` in the current folder, the set-up
script installs a ``.pth`` line that imports this package at interpreter start-up.
"""
from __future__ import annotations

import os
import sys


def _real(path: str) -> str | None:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return None


def _inside(path: str, roots: set[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def harden(argv=()) -> None:
    """Drop from ``sys.path`` the current folder and whatever lies under a path named in ``argv``."""
    roots: set[str] = set()
    try:
        cwd = os.path.realpath(os.getcwd())
    except OSError:
        cwd = None
    for arg in argv:
        if not isinstance(arg, str) or not arg or arg.startswith("-"):
            continue
        try:
            if not os.path.exists(arg):
                continue
        except (OSError, ValueError):
            continue
        real = _real(arg)
        if real:
            roots.add(real if os.path.isdir(real) else os.path.dirname(real))
    own = _real(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    installation = {r for r in map(_real, (sys.prefix, sys.base_prefix, sys.exec_prefix)) if r}
    kept = []
    for entry in sys.path:
        if entry in ("", "."):
            continue
        real = _real(entry)
        if real and (real == own or _inside(real, installation)):
            kept.append(entry)  # our own checkout and the Python installation (a .venv inside a folder) stay
            continue
        if real and (real == cwd or _inside(real, roots)):
            continue
        kept.append(entry)
    sys.path[:] = kept
