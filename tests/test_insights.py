"""Mistake codes and the class insight page (issue 10).

The codes: every hint a check gives carries a code that the table in grader/mistakes.py
explains in English and Chinese (checked on the source, so that a hint path no corpus
submission reaches is covered too). The page: built from the sample class graded with
``grader batch`` and from a synthetic class of 500, then opened in headless Chromium and
read back from its DOM.
"""
from __future__ import annotations

import ast
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys

import pytest

from grader import mistakes
from grader.contract import MODULES

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECKS = os.path.join(REPO, "grader", "checks")

# callable -> positional index of its hint argument (None: keyword only)
HINT_ARG = {"Mismatch": 1, "StudentRaised": 2, "require": 2, "expect_tensor": None}


# ----------------------------------------------------------------------------- codes, on the source

class Module:
    """One check module's syntax tree, with what the coded-hint rules need to look things up."""

    def __init__(self, path: str):
        self.path = path
        self.tree = ast.parse(open(path, encoding="utf-8").read(), path)
        self.functions = {n.name: n for n in self.tree.body if isinstance(n, ast.FunctionDef)}
        self.constants = {}
        for node in self.tree.body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.constants[target.id] = node.value
        self.parents = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.busy: set = set()

    def enclosing(self, node) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def returns_coded(self, name: str) -> bool:
        if name in self.busy:
            return True  # recursion: judged by its other returns
        self.busy.add(name)
        try:
            fn = self.functions[name]
            values = [n.value for n in ast.walk(fn) if isinstance(n, ast.Return)]
            return bool(values) and all(v is None or self.coded(v, fn) for v in values)
        finally:
            self.busy.discard(name)

    def parameter_coded(self, fn: ast.FunctionDef, name: str) -> bool:
        """Every call of ``fn`` in this module passes a coded hint (or nothing) for parameter ``name``."""
        params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
        for call in ast.walk(self.tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == fn.name):
                continue
            given = [kw.value for kw in call.keywords if kw.arg == name]
            if name in params and params.index(name) < len(call.args):
                given.append(call.args[params.index(name)])
            if any(not self.coded(value, self.enclosing(call)) for value in given):
                return False
        return True

    def name_coded(self, name: str, fn: ast.FunctionDef | None) -> bool:
        if fn is not None:
            assigned = [n.value for n in ast.walk(fn) if isinstance(n, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)]
            if assigned:
                return all(self.coded(v, fn) for v in assigned)
            params = [a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
            if name in params:
                return self.parameter_coded(fn, name)
        if name in self.constants:
            return self.coded(self.constants[name], None)
        return False

    def coded(self, node, fn) -> bool:
        """Does this hint expression always carry a code (or is it no hint at all)?"""
        if isinstance(node, ast.Constant):
            return node.value is None or node.value == ""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "Hint":
                return True
            if node.func.id in self.functions:
                return self.returns_coded(node.func.id)
            return False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.coded(node.left, fn) or self.coded(node.right, fn)
        if isinstance(node, ast.IfExp):
            return self.coded(node.body, fn) and self.coded(node.orelse, fn)
        if isinstance(node, ast.BoolOp):
            return all(self.coded(v, fn) for v in node.values)
        if isinstance(node, ast.Name):
            return self.name_coded(node.id, fn)
        if isinstance(node, ast.Subscript):
            container = node.value
            if isinstance(container, ast.Name):
                container = self.constants.get(container.id, container)
            if isinstance(container, ast.Dict):
                return all(self.coded(v, fn) for v in container.values)
        return False


def hint_sites(module: Module):
    """(line, hint expression, code expression or None) of every call that passes a hint."""
    for call in ast.walk(module.tree):
        if not isinstance(call, ast.Call):
            continue
        name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
        if name not in HINT_ARG:
            continue
        hint = next((kw.value for kw in call.keywords if kw.arg == "hint"), None)
        index = HINT_ARG[name]
        if hint is None and index is not None and len(call.args) > index:
            hint = call.args[index]
        code = next((kw.value for kw in call.keywords if kw.arg == "code"), None)
        if name == "Mismatch" and code is None and len(call.args) > 3:
            code = call.args[3]
        if hint is not None:
            yield call.lineno, hint, code, module.enclosing(call)


def code_literals(node) -> list[str]:
    """The code strings an expression can produce (f-strings expanded by the caller)."""
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def check_modules():
    return [Module(os.path.join(CHECKS, f"{m}.py")) for m in MODULES]


def test_every_hint_has_a_code():
    missing = []
    for module in check_modules():
        for line, hint, code, fn in hint_sites(module):
            if code is None and not module.coded(hint, fn):
                missing.append(f"{os.path.relpath(module.path, REPO)}:{line}")
    assert not missing, "hints without a mistake code (pass code=... or return Hint(code, text)): " + \
        ", ".join(missing)


def test_every_code_has_a_meaning_in_english_and_chinese():
    used = set()
    for module in check_modules():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.keyword) and node.arg == "code":
                if isinstance(node.value, ast.JoinedStr):  # f"fc-to-conv/pad-{mode}"
                    prefix = "".join(v.value for v in node.value.values if isinstance(v, ast.Constant))
                    found = [c for c in mistakes.MISTAKES if c.startswith(prefix)]
                    assert found, f"{module.path}:{node.value.lineno}: no code starts with {prefix!r}"
                    used.update(found)
                else:
                    used.update(c for c in code_literals(node.value) if "/" in c)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Hint":
                assert isinstance(node.args[0], ast.Constant), f"{module.path}:{node.lineno}: Hint code must be a literal"
                used.add(node.args[0].value)
    assert used, "no codes found in the check modules"
    unknown = sorted(c for c in used if c not in mistakes.MISTAKES)
    assert not unknown, f"codes without a meaning in grader/mistakes.py: {unknown}"
    for code, (en, zh) in mistakes.MISTAKES.items():
        assert re.fullmatch(r"[a-z0-9-]+/[a-z0-9-]+", code), code
        assert en.strip() and zh.strip(), code
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{code}: the zh meaning has no Chinese"
    # every exercise-specific code in the table is given by some check (no stale entries)
    stale = sorted(c for c in mistakes.MISTAKES
                   if not c.startswith(("general/", "choice/")) and c not in used)
    assert not stale, f"codes no check gives: {stale}"
    assert set(mistakes.PREFIX) == set(MODULES)


def test_the_rules_catch_an_uncoded_hint(tmp_path):
    """The source rules themselves: a plain-string hint, direct or through a helper, is found."""
    path = tmp_path / "fake.py"
    path.write_text(
        "def helper(x):\n"
        "    if x:\n"
        "        return Hint('a/b', 'coded')\n"
        "    return 'plain'\n"
        "def check(sub):\n"
        "    require(False, 'msg', 'a plain hint')\n"
        "    require(False, 'msg', 'coded', code='a/b')\n"
        "    expect_tensor(1, 2, call='f', hint=helper(1))\n"
        "    h = Hint('a/b', 'x')\n"
        "    raise Mismatch('m', h + ' more')\n")
    module = Module(str(path))
    bad = [line for line, hint, code, fn in hint_sites(module) if code is None and not module.coded(hint, fn)]
    assert bad == [6, 8]


def test_hint_keeps_its_code():
    h = mistakes.Hint("corr2d/off-by-one", "Off by one.")
    assert (h + " More.").code == "corr2d/off-by-one" and ("Note. " + h).code == "corr2d/off-by-one"
    assert str(h) == "Off by one." and mistakes.meaning("corr2d/off-by-one", "zh")
    assert mistakes.meaning(mistakes.other("blur_kernel", "test_is_an_average")) == mistakes.OTHER[0]
