"""Mutation testing of the checks: do they fail every wrong variant of the references?

Makes first-order mutants of every ``solutions/`` module with a small AST mutator
(arithmetic, comparison, boolean and augmented-assignment operators; numeric and boolean
constants; slice bounds; swapped subscript indices and call arguments; deleted
statements; a ``return`` moved into the loop before it; every other key of a
multiple-choice constant and neighbouring values of ``MIN_SIZE``), writes one folder per
mutant holding the other nine references unchanged, grades each module's mutants with
``grader batch --only MODULE`` and prints per module: mutants, killed (the exercise lost
points), reviewed-equivalent (listed in ``equivalent_mutants.txt`` with a reason),
survived, and the kill rate among the non-equivalent ones. Survivors are listed with
their id and the changed line.

The references' own ``assert`` statements are removed before mutating (they would kill
a mutant at import, which says nothing about the checks), and each module's unmutated,
re-printed source is graded too: it must get full marks, or the run is void.

    .venv/bin/python benchmarks/mutants.py                  # a seeded sample per module
    .venv/bin/python benchmarks/mutants.py --all            # every mutant (728 today: about 10 min on 2 cores)
    .venv/bin/python benchmarks/mutants.py --only blur_kernel --list   # show the mutants, grade nothing

A mutant id is ``module.function:kind:detail@hash``: the hash is taken over the mutated
function's re-printed source, so ids survive edits elsewhere in the file.
"""
from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOLUTIONS = os.path.join(REPO, "solutions")
EQUIVALENTS = os.path.join(REPO, "benchmarks", "equivalent_mutants.txt")
sys.path.insert(0, REPO)

from grader.contract import MODULES  # noqa: E402

# The listed keys of every multiple-choice constant (CONTRACT.md); a mutant sets another one.
CHOICE_KEYS = {
    "APPLY_K": ("nothing", "diagonal", "everywhere", "copy"),
    "TRANSPOSE_X": ("same", "transposed", "zero", "negated"),
    "TRANSPOSE_K": ("same", "transposed", "zero", "negated"),
    "IDENTITY": ("a", "b", "c", "d"),
    "ERROR_CAUSE": ("inplace", "loops", "shape", "dtype"),
    "STRONGEST": ("flat", "ramps", "lines", "steps"),
    "WHY_BLUR": ("sharpen", "denoise", "rotate", "detect"),
    "TRANSLATION_DRAWBACK": ("position", "slower", "more_parameters", "none"),
}
INT_CHOICES = {"MIN_SIZE": (2, 4)}

BINOP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
         ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult, ast.MatMult: ast.Mult}
CMPOP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
         ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
BOOLOP = {ast.And: ast.Or, ast.Or: ast.And}


@dataclass
class Mutant:
    module: str
    id: str
    kind: str
    line: int
    before: str  # the changed line of the reference (re-printed)
    source: str  # the whole mutated module


# ----------------------------------------------------------------------------- the mutator

def _strip_asserts(tree: ast.Module) -> ast.Module:
    """The references check themselves with ``assert``; a mutant must meet the grader's checks, not those."""
    class Strip(ast.NodeTransformer):
        def visit_Assert(self, node):
            return ast.Pass()
    return ast.fix_missing_locations(Strip().visit(tree))


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body \
                and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant) \
                and isinstance(node.body[0].value.value, str):
            ids.add(id(node.body[0]))
            ids.add(id(node.body[0].value))
    return ids


def _skipped(tree: ast.Module) -> set[int]:
    """Nodes never mutated: docstrings, annotations, decorators, import lines, and strings of
    messages (raise, f-strings)."""
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        parts = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            parts = list(node.decorator_list) + [a.annotation for a in node.args.args + node.args.kwonlyargs
                                                 if a.annotation] + ([node.returns] if node.returns else [])
        elif isinstance(node, ast.ClassDef):
            parts = list(node.decorator_list)
        elif isinstance(node, (ast.AnnAssign, ast.arg)) and getattr(node, "annotation", None) is not None:
            parts = [node.annotation]
        elif isinstance(node, (ast.JoinedStr, ast.Raise, ast.Import, ast.ImportFrom)):
            parts = [node]
        for part in parts:
            skip |= {id(n) for n in ast.walk(part)}
    return skip


def _sites(tree: ast.Module):
    """(walk index, kind, detail) of every mutation of ``tree``."""
    skip = _skipped(tree)
    nodes = list(ast.walk(tree))
    for index, node in enumerate(nodes):
        if id(node) in skip:
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in BINOP:
            yield index, "binop", f"{type(node.op).__name__}->{BINOP[type(node.op)].__name__}"
        elif isinstance(node, ast.AugAssign) and type(node.op) in BINOP:
            yield index, "augop", f"{type(node.op).__name__}->{BINOP[type(node.op)].__name__}"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
            yield index, "unary", f"drop-{type(node.op).__name__}"
        elif isinstance(node, ast.BoolOp):
            yield index, "boolop", f"{type(node.op).__name__}->{BOOLOP[type(node.op)].__name__}"
        elif isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                if type(op) in CMPOP:
                    yield index, "cmp", f"{k}:{type(op).__name__}->{CMPOP[type(op)].__name__}"
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            yield index, "const", f"{node.value}->{not node.value}"
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            yield index, "const", f"{node.value!r}->+1"
            if type(node.value) is int and node.value != 0:
                yield index, "const", f"{node.value!r}->-1"
        elif isinstance(node, ast.Slice):
            for bound in ("lower", "upper"):
                if getattr(node, bound) is not None:
                    yield index, "slice", f"{bound}+1"
                    yield index, "slice", f"{bound}-1"
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) >= 2 \
                and ast.dump(node.slice.elts[0]) != ast.dump(node.slice.elts[1]):
            yield index, "index_swap", "0<->1"
        elif isinstance(node, ast.Call) and len(node.args) >= 2 \
                and not any(isinstance(a, ast.Starred) for a in node.args[:2]) \
                and ast.dump(node.args[0]) != ast.dump(node.args[1]):
            yield index, "arg_swap", "0<->1"
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.For, ast.While, ast.If, ast.With, ast.Try)):
            for field in ("body", "orelse"):
                body = getattr(node, field, [])
                for k, stmt in enumerate(body):
                    if id(stmt) in skip or isinstance(stmt, (ast.FunctionDef, ast.ClassDef, ast.Pass)):
                        continue
                    yield index, "delete", f"{field}[{k}]"
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body
                for k, stmt in enumerate(body):
                    if isinstance(stmt, (ast.For, ast.While)) and any(isinstance(s, ast.Return) for s in body[k + 1:]):
                        yield index, "return_in_loop", f"body[{k}]"
        if isinstance(node, ast.Module):
            for k, stmt in enumerate(node.body):
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                    name = stmt.targets[0].id
                    if name in CHOICE_KEYS and isinstance(stmt.value, ast.Constant):
                        for key in CHOICE_KEYS[name]:
                            if key != stmt.value.value:
                                yield index, "choice", f"{name}={key}"
                    elif name in INT_CHOICES:
                        for value in INT_CHOICES[name]:
                            yield index, "choice", f"{name}={value}"


def _shift(expr: ast.expr, delta: int) -> ast.expr:
    return ast.BinOp(left=expr, op=ast.Add() if delta > 0 else ast.Sub(), right=ast.Constant(abs(delta)))


def _apply(tree: ast.Module, index: int, kind: str, detail: str) -> int:
    """Mutate ``tree`` in place at the walk ``index``; returns the line that changed."""
    node = list(ast.walk(tree))[index]
    line = getattr(node, "lineno", 0)
    if kind in ("binop", "augop"):
        node.op = BINOP[type(node.op)]()
    elif kind == "unary":
        replace_node(tree, node, node.operand)
    elif kind == "boolop":
        node.op = BOOLOP[type(node.op)]()
    elif kind == "cmp":
        k = int(detail.split(":")[0])
        node.ops[k] = CMPOP[type(node.ops[k])]()
    elif kind == "const":
        if type(node.value) is bool:
            node.value = not node.value
        else:
            node.value = node.value + (1 if detail.endswith("+1") else -1)
    elif kind == "slice":
        bound, sign = detail[:-2], detail[-2:]
        setattr(node, bound, _shift(getattr(node, bound), 1 if sign == "+1" else -1))
    elif kind == "index_swap":
        e = node.slice.elts
        e[0], e[1] = e[1], e[0]
    elif kind == "arg_swap":
        node.args[0], node.args[1] = node.args[1], node.args[0]
    elif kind == "delete":
        field, k = detail[:-1].split("[")
        body = getattr(node, field)
        line = body[int(k)].lineno
        body[int(k)] = ast.Pass()
    elif kind == "return_in_loop":
        k = int(detail[:-1].split("[")[1])
        loop = node.body[k]
        j = next(j for j in range(k + 1, len(node.body)) if isinstance(node.body[j], ast.Return))
        ret = node.body.pop(j)
        line = ret.lineno
        loop.body.append(ret)
    elif kind == "choice":
        name, value = detail.split("=", 1)
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and getattr(stmt.targets[0], "id", None) == name:
                stmt.value = ast.Constant(int(value) if name in INT_CHOICES else value)
                line = stmt.lineno
    else:
        raise ValueError(kind)
    return line


def replace_node(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return


def _enclosing(tree: ast.Module, line: int) -> ast.AST | None:
    best = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                and node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is None or node.lineno >= best.lineno:
                best = node
    return best


def reference_tree(module: str) -> ast.Module:
    with open(os.path.join(SOLUTIONS, f"{module}.py"), encoding="utf-8") as f:
        return _strip_asserts(ast.parse(f.read()))


def control_source(module: str) -> str:
    return ast.unparse(reference_tree(module)) + "\n"


def mutants_of(module: str) -> list[Mutant]:
    base = reference_tree(module)
    lines = ast.unparse(base).splitlines()
    printed = ast.parse(ast.unparse(base))  # line numbers of the re-printed source
    out, seen = [], {}
    for index, kind, detail in _sites(printed):
        tree = copy.deepcopy(printed)
        try:
            line = _apply(tree, index, kind, detail)
            ast.fix_missing_locations(tree)
            source = ast.unparse(tree) + "\n"
            compile(source, f"{module}.py", "exec")
        except (SyntaxError, ValueError, TypeError, AttributeError):
            continue
        if source == ast.unparse(printed) + "\n":
            continue  # a no-op (e.g. swapping equal arguments)
        scope = _enclosing(tree, line) if kind != "choice" else None
        name = f"{module}.{scope.name}" if scope is not None else module
        body = ast.unparse(scope) if scope is not None else ast.unparse(tree)
        digest = hashlib.sha1(body.encode()).hexdigest()[:8]
        mid = f"{name}:{kind}:{detail}@{digest}"
        seen[mid] = seen.get(mid, 0) + 1
        if seen[mid] > 1:
            mid += f"#{seen[mid]}"
        before = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        out.append(Mutant(module, mid, kind, line, before, source))
    return out


# ----------------------------------------------------------------------------- grading

def read_equivalents(path: str = EQUIVALENTS) -> dict[str, str]:
    """``id  reason`` per line (``#`` comments); the id has no spaces."""
    found = {}
    if os.path.exists(path):
        for raw in open(path, encoding="utf-8"):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            mid, _, reason = line.partition(" ")
            found[mid] = reason.strip()
    return found


def grade(module: str, mutants: list[Mutant], work: str, *, seed: int, jobs: int) -> dict[str, dict]:
    """Grade ``mutants`` (plus the unmutated control) with ``grader batch --only module``.

    Returns folder name -> {"score", "max_score", "status"} for the module's exercise.
    """
    root = os.path.join(work, module)
    os.makedirs(root)
    folders = {"control": control_source(module)}
    folders.update({f"m{i:04d}": m.source for i, m in enumerate(mutants)})
    for name, source in folders.items():
        folder = os.path.join(root, name)
        os.makedirs(folder)
        for other in MODULES:
            if other != module:
                shutil.copy(os.path.join(SOLUTIONS, f"{other}.py"), os.path.join(folder, f"{other}.py"))
        with open(os.path.join(folder, f"{module}.py"), "w", encoding="utf-8") as f:
            f.write(source)
    db = os.path.join(work, f"{module}.db")
    cmd = [sys.executable, "-m", "grader", "batch", root, "--gradebook", db, "--only", module,
           "--seed", str(seed), "-j", str(jobs), "-q"]
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"grader batch failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    conn = sqlite3.connect(db)
    out = {}
    for student, status in conn.execute("SELECT student, status FROM grades"):
        out[student] = {"status": status, "score": 0.0, "max_score": 0.0}
    for student, mod, score, max_score in conn.execute("SELECT student, module, score, max_score FROM exercise_points"):
        if mod == module and student in out:
            out[student].update(score=score, max_score=max_score)
    conn.close()
    return out


def run(modules, *, per_module: int | None, sample_seed: int, seed: int, jobs: int,
        equivalents: dict[str, str], work: str | None = None, only_ids: set[str] | None = None) -> dict:
    """Grade the mutants of ``modules``; returns per-module counts and the survivors."""
    own = work is None
    work = work or tempfile.mkdtemp(prefix="mutants-")
    summary = {}
    try:
        for module in modules:
            everything = mutants_of(module)
            chosen = [m for m in everything if only_ids is None or m.id in only_ids]
            if per_module is not None and len(chosen) > per_module:
                chosen = sorted(random.Random(f"{sample_seed}:{module}").sample(chosen, per_module),
                                key=everything.index)
            results = grade(module, chosen, work, seed=seed, jobs=jobs)
            control = results.get("control", {})
            if control.get("status") != "graded" or control.get("score") != control.get("max_score"):
                raise RuntimeError(f"{module}: the unmutated reference does not get full marks: {control}")
            row = {"total": len(everything), "mutants": len(chosen), "killed": 0, "equivalent": 0,
                   "survived": 0, "errors": 0, "survivors": [], "killed_ids": [], "equivalent_killed": []}
            for i, m in enumerate(chosen):
                r = results.get(f"m{i:04d}", {"status": "missing", "score": 0.0, "max_score": 0.0})
                killed = r["status"] != "graded" or r["score"] < r["max_score"]
                if r["status"] not in ("graded", "unreadable"):
                    row["errors"] += 1  # a grader error: counted as killed, listed to look at
                if m.id in equivalents:
                    row["equivalent"] += 1
                    if killed:
                        row["equivalent_killed"].append(m.id)  # listed as equivalent, yet it lost points
                elif killed:
                    row["killed"] += 1
                    row["killed_ids"].append(m.id)
                else:
                    row["survived"] += 1
                    row["survivors"].append({"id": m.id, "line": m.line, "before": m.before,
                                             "after": m.source.splitlines()[m.line - 1].strip()
                                             if 0 < m.line <= len(m.source.splitlines()) else ""})
            summary[module] = row
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)
    return summary


def table(summary: dict) -> str:
    head = f"{'module':<24} {'mutants':>7} {'killed':>6} {'equiv':>5} {'survived':>8} {'kill rate':>9}"
    lines = [head, "-" * len(head)]
    tot = {"mutants": 0, "killed": 0, "equivalent": 0, "survived": 0, "total": 0}
    for module, row in summary.items():
        live = row["mutants"] - row["equivalent"]
        rate = f"{100.0 * row['killed'] / live:.1f}%" if live else "-"
        sampled = f" (of {row['total']})" if row["mutants"] < row["total"] else ""
        lines.append(f"{module:<24} {row['mutants']:>7} {row['killed']:>6} {row['equivalent']:>5} "
                     f"{row['survived']:>8} {rate:>9}{sampled}")
        for k in tot:
            tot[k] += row[k]
    live = tot["mutants"] - tot["equivalent"]
    lines.append("-" * len(head))
    lines.append(f"{'total':<24} {tot['mutants']:>7} {tot['killed']:>6} {tot['equivalent']:>5} "
                 f"{tot['survived']:>8} {(100.0 * tot['killed'] / live if live else 0):>8.1f}%")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--all", action="store_true", help="grade every mutant, not a sample")
    p.add_argument("--per-module", type=int, default=25, help="sample size per module without --all (default 25)")
    p.add_argument("--sample-seed", type=int, default=7, help="seed of the sample")
    p.add_argument("--seed", type=int, default=2024, help="grading seed")
    p.add_argument("--only", nargs="+", choices=MODULES, default=list(MODULES))
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--list", action="store_true", help="list the mutants and grade nothing")
    p.add_argument("--json", help="write the summary (with killed and surviving ids) here")
    args = p.parse_args(argv)
    if args.list:
        for module in args.only:
            for m in mutants_of(module):
                print(f"{m.id}\tline {m.line}: {m.before}")
        return 0
    start = time.monotonic()
    equivalents = read_equivalents()
    summary = run(args.only, per_module=None if args.all else args.per_module, sample_seed=args.sample_seed,
                  seed=args.seed, jobs=args.jobs, equivalents=equivalents)
    print(table(summary))
    print(f"\n{time.monotonic() - start:.0f} s, seed {args.seed}, "
          + ("all mutants" if args.all else f"a sample of up to {args.per_module} per module (--all for every one)"))
    for module, row in summary.items():
        for s in row["survivors"]:
            print(f"SURVIVED {s['id']}\n    line {s['line']}: {s['before']}\n    now:    {s['after']}")
        for mid in row["equivalent_killed"]:
            print(f"LISTED AS EQUIVALENT BUT KILLED {mid}")
    stale = set(equivalents) - {m.id for module in args.only for m in mutants_of(module)}
    if stale and args.only == list(MODULES):
        print(f"\n{len(stale)} entries of {os.path.relpath(EQUIVALENTS, REPO)} match no mutant any more: "
              + ", ".join(sorted(stale)[:10]))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
