"""Find reference-solution code where it must not be: the student release, the Gradescope wheel.

A "reference line" is a line of a ``solutions/`` function body that is long enough to
be distinctive and appears neither in the exercise's stub nor in the grader package
(whose checks legitimately share some of the book's own lines, such as its ``Conv2D``).
"""
from __future__ import annotations

import ast
import os

from grader.contract import MODULES

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _package_text(package_dir: str) -> str:
    parts = []
    for folder, dirs, files in os.walk(package_dir):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        parts += [open(os.path.join(folder, f), encoding="utf-8").read() for f in files if f.endswith(".py")]
    return "\n".join(parts)


def reference_lines(solutions_dir: str, exercises_dir: str, package_dir: str | None = None,
                    min_length: int = 30) -> dict[str, str]:
    """Distinctive code lines of the reference solutions: in a function body, and neither in
    the stub nor in the grader package (whose checks legitimately share the book's own lines,
    such as its ``Conv2D``)."""
    shared = _package_text(package_dir or os.path.join(REPO, "grader"))
    found = {}
    for module in MODULES:
        with open(os.path.join(solutions_dir, f"{module}.py"), encoding="utf-8") as f:
            source = f.read()
        with open(os.path.join(exercises_dir, f"{module}.py"), encoding="utf-8") as f:
            stub = f.read()
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body[1:] if ast.get_docstring(node) is not None else node.body
                for stmt in body:
                    for line in lines[stmt.lineno - 1: stmt.end_lineno]:
                        code = line.split("#", 1)[0].strip()
                        if len(code) >= min_length and code not in stub and code not in shared:
                            found[code] = module
    return found


def leaks(out_dir: str, lines: dict[str, str]) -> list[str]:
    """Files of ``out_dir`` that contain a reference line: ``path: line (module)``."""
    hits = []
    for folder, _, files in os.walk(out_dir):
        for name in files:
            path = os.path.join(folder, name)
            try:
                text = open(path, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            hits += [f"{os.path.relpath(path, out_dir)}: {line} ({module})" for line, module in lines.items()
                     if line in text]
    return hits
