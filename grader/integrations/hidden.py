"""Remove hidden checks from a check module's source, by its syntax tree.

A check is hidden when a decorator is ``hidden``, ``mark.hidden`` or ``pytest.mark.hidden``
(called or not), or when the module's ``pytestmark`` includes such a mark. Hidden
checks are removed with their decorators; then private top-level helpers (``_name``)
that nothing left refers to are removed too, so test data that only hidden checks
used does not ship either. The code is never imported or run.
"""
from __future__ import annotations

import ast


def _is_hidden_mark(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id == "hidden"
    if isinstance(node, ast.Attribute):
        return node.attr == "hidden" and (
            (isinstance(node.value, ast.Attribute) and node.value.attr == "mark")
            or (isinstance(node.value, ast.Name) and node.value.id == "mark"))
    return False


def _module_hidden(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            marks = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
            if any(_is_hidden_mark(m) for m in marks):
                return True
    return False


def _defined(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [t.id for t in targets if isinstance(t, ast.Name)]
    return []


def _span(node: ast.stmt) -> range:
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return range(first, node.end_lineno + 1)


def hidden_checks(source: str) -> list[str]:
    tree = ast.parse(source)
    everything = _module_hidden(tree)
    return [node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")
            and (everything or any(_is_hidden_mark(d) for d in node.decorator_list))]


def strip_hidden(source: str, keep: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """The source without its hidden checks (and helpers only they used), and the removed checks.

    ``keep``: names other modules import from this one, which stay whatever happens here.
    """
    removed = hidden_checks(source)
    if not removed:
        return source, []
    tree = ast.parse(source)
    gone = [node for node in tree.body if set(_defined(node)) & set(removed)]
    while True:
        kept = [node for node in tree.body if node not in gone]
        used = {n.id for node in kept for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        used |= {n.attr for node in kept for n in ast.walk(node) if isinstance(n, ast.Attribute)} | keep
        unused = [node for node in kept
                  if _defined(node) and all(name.startswith("_") and name not in used for name in _defined(node))]
        if not unused:
            break
        gone += unused
    drop = {line for node in gone for line in _span(node)}
    lines = source.splitlines(keepends=True)
    text = "".join(line for number, line in enumerate(lines, start=1) if number not in drop)
    ast.parse(text)  # still valid Python
    assert not hidden_checks(text), "hidden checks left behind"
    return text, removed
