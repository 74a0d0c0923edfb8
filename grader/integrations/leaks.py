"""Find reference-solution code where it must not be: the student release, the Gradescope wheel.

A "reference line" is a line of a ``solutions/`` function body that is long enough to
be distinctive and appears neither in the exercise's stub nor in the grader package
(whose checks legitimately share some of the book's own lines, such as its ``Conv2D``).
"""
from __future__ import annotations

import ast
import os
import re

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


# ----------------------------------------------------------------------------- answer keys

def _quoted(key: str) -> tuple[str, ...]:
    return (f'"{key}"', f"'{key}'", f"`{key}`")


def _listing_keys(tree: ast.AST) -> set[int]:
    """ids of the key nodes of dict literals that list a question's choices: three or more
    string keys, each with a string description (every key is listed, so none is singled out)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and len(node.keys) >= 3 \
                and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys) \
                and all(isinstance(v, (ast.Constant, ast.JoinedStr)) for v in node.values):
            ids |= {id(k) for k in node.keys}
    return ids


def _lookups(tree: ast.AST) -> set[int]:
    """ids of strings used to look something up, not as a value: ``d["k"]``, ``d.get("k")``,
    ``getattr(x, "k")`` (a probe's report may well have a field named like a key)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            ids.add(id(node.slice))
        elif isinstance(node, ast.Call) and node.args:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            arg = node.args[0] if name in ("get", "pop", "setdefault") else \
                (node.args[1] if name in ("getattr", "hasattr") and len(node.args) > 1 else None)
            if isinstance(arg, ast.Constant):
                ids.add(id(arg))
    return ids


def _check_code_leaks(path: str, source: str, answers: dict) -> list[str]:
    """A check module that singles out a right answer: the key as a string anywhere but in a
    listing of all the choices (or as a lookup, ``d["k"]``), a quoted key inside a message, a
    comparison with a right number, or a literal ``correct=``."""
    tree = ast.parse(source)
    listed = _listing_keys(tree) | _lookups(tree)
    keys = {v for v in answers.values() if isinstance(v, str)}
    keys |= {k for v in answers.values() if isinstance(v, (set, frozenset, tuple, list)) for k in v}
    numbers = {v for v in answers.values() if isinstance(v, int) and not isinstance(v, bool)}
    hits = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", "?")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in keys and id(node) not in listed:
                hits.append(f"{path}:{line}: the answer key {node.value!r} outside a listing of all choices")
            hits += [f"{path}:{line}: a message quotes the answer key {q}" for k in keys for q in _quoted(k)
                     if q in node.value and node.value != k]
        elif isinstance(node, ast.Compare):
            if any(isinstance(c, ast.Constant) and type(c.value) is int and c.value in numbers
                   for c in [node.left, *node.comparators]):
                hits.append(f"{path}:{line}: a comparison with the right number "
                            f"{', '.join(map(str, sorted(numbers)))}")
        elif isinstance(node, ast.keyword) and node.arg == "correct" \
                and not (isinstance(node.value, ast.Call) or
                         (isinstance(node.value, ast.Constant) and node.value.value is None)):
            hits.append(f"{path}:{line}: a literal correct= answer")
    return hits


def answer_leaks(out_dir: str, answers: dict) -> list[str]:
    """Where a release names a right answer of a multiple-choice question (or MIN_SIZE).

    Every ``.py`` file under ``grader/checks`` is read as code (``_check_code_leaks``);
    every text file is searched for ``NAME = key`` / ``NAME == key`` / ``NAME: key`` forms
    of each question's right answer, and the instructor-only ``answers.py`` must be absent.
    """
    hits = []
    patterns = []
    for qualified, right in answers.items():
        name = qualified.rsplit(".", 1)[-1]
        values = right if isinstance(right, (set, frozenset, tuple, list)) else [right]
        for value in values:
            patterns.append(re.compile(rf"\b{re.escape(name)}\s*(?:==|=|:|is)\s*[`\"']?{re.escape(str(value))}\b"))
    for folder, dirs, files in os.walk(out_dir):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", ".venv"))
        for name in sorted(files):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, out_dir)
            if name == "answers.py":
                hits.append(f"{rel}: the instructor-only answers module")
                continue
            try:
                text = open(path, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            hits += [f"{rel}: {m.group(0)!r}" for p in patterns for m in p.finditer(text)]
            if name.endswith(".py") and os.path.basename(folder) == "checks":
                hits += _check_code_leaks(rel, text, answers)
    return hits


# ----------------------------------------------------------------------------- reference kernels

def _load_solutions(solutions_dir: str) -> dict:
    """The reference modules, imported from ``solutions_dir`` (trusted code) and then
    removed from ``sys.modules`` again."""
    import importlib
    import sys

    saved = {m: sys.modules.pop(m) for m in MODULES if m in sys.modules}
    sys.path.insert(0, solutions_dir)
    try:
        return {m: importlib.import_module(m) for m in
                ("cross_correlation", "second_derivative", "derivative_kernels")}
    finally:
        sys.path.remove(solutions_dir)
        for m in MODULES:
            sys.modules.pop(m, None)
        sys.modules.update(saved)


def reference_kernels(solutions_dir: str) -> dict[str, list[list[float]]]:
    """The kernels that have one right answer: the second difference, the Laplacian and the
    d-th derivative kernels for d = 2..6 (blurs and edge detectors have many right answers)."""
    mods = _load_solutions(solutions_dir)
    kernels = {"second_derivative_kernel()": mods["second_derivative"].second_derivative_kernel(),
               "laplacian_kernel()": mods["second_derivative"].laplacian_kernel()}
    for d in range(2, 7):
        kernels[f"derivative_kernel({d})"] = mods["derivative_kernels"].derivative_kernel(d)
    return {name: K.double().tolist() for name, K in kernels.items()}


def _row_pattern(row: list[float]) -> re.Pattern | None:
    """The text of one kernel row, with commas or spaces, ints or floats (for a row 2, -5, 3:
    '2, -5, 3', '2.0, -5.0, 3.0', '[ 2. -5.  3.]'); None for rows too common to be telling
    (fewer than three taps, or only 0 and +-1)."""
    if len(row) < 3 or any(v != int(v) for v in row) or max(abs(v) for v in row) < 2:
        return None
    number = [("-" if v < 0 else r"\+?") + str(abs(int(v))) + r"(?:\.0*)?" for v in row]
    return re.compile(r"(?<![\w.])" + r"(?:\s*,\s*|\s+)".join(number) + r"(?![\w.])")


def kernel_leaks(out_dir: str, kernels: dict[str, list[list[float]]]) -> list[str]:
    """Files of ``out_dir`` that spell a row of a reference kernel."""
    patterns = {}
    for name, K in kernels.items():
        for row in K:
            p = _row_pattern(row)
            if p is not None:
                patterns[p.pattern] = (p, name)
    hits = []
    for folder, dirs, files in os.walk(out_dir):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", ".venv"))
        for fname in sorted(files):
            path = os.path.join(folder, fname)
            try:
                text = open(path, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            hits += [f"{os.path.relpath(path, out_dir)}: {m.group(0)!r} (a row of {name})"
                     for p, name in patterns.values() for m in p.finditer(text)]
    return hits
