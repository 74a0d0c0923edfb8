"""The mutation benchmark (benchmarks/mutants.py): its mutator, its list of reviewed
equivalent mutants, and a fixed seeded sample of mutants that the checks must all kill."""
from __future__ import annotations

import ast
import importlib.util
import os
import random
import sys

import pytest

from grader.contract import MODULES
from tests.helpers import REPO

spec = importlib.util.spec_from_file_location("mutants", os.path.join(REPO, "benchmarks", "mutants.py"))
mutants = importlib.util.module_from_spec(spec)
sys.modules["mutants"] = mutants  # dataclasses look their module up
spec.loader.exec_module(mutants)

FAST = ("cross_correlation", "second_derivative", "blur_kernel")  # quick to grade
PER_MODULE = 4
KINDS = {"binop", "augop", "unary", "boolop", "cmp", "const", "slice", "index_swap", "arg_swap", "delete",
         "return_in_loop", "choice"}


@pytest.fixture(scope="module")
def everything():
    return {module: mutants.mutants_of(module) for module in MODULES}


def test_every_module_gets_mutants_of_every_kind(everything):
    kinds = {m.kind for ms in everything.values() for m in ms}
    assert kinds == KINDS
    for module, ms in everything.items():
        assert len(ms) >= 10, module
        ids = [m.id for m in ms]
        assert len(ids) == len(set(ids)), module
        for m in ms:
            compile(m.source, f"{module}.py", "exec")
            assert "assert " not in m.source.replace("# assert", "")  # the references' self-checks are gone


def test_ids_are_stable(everything):
    again = mutants.mutants_of("cross_correlation")
    assert [m.id for m in again] == [m.id for m in everything["cross_correlation"]]


def test_returns_in_loops_and_the_choice_keys_are_among_the_mutants(everything):
    moved = [m for m in everything["cross_correlation"] if m.kind == "return_in_loop"]
    assert moved, "a return moved into the loop before it (samples/chen.zip's mistake) must be a mutant"
    tree = ast.parse(moved[0].source)
    loops = [n for n in ast.walk(tree) if isinstance(n, ast.For)]
    assert any(isinstance(s, ast.Return) for loop in loops for s in loop.body)
    choices = {m.id.split(":")[2].split("@")[0] for m in everything["transpose_effect"] if m.kind == "choice"}
    assert {"TRANSPOSE_X=transposed", "TRANSPOSE_X=zero", "TRANSPOSE_X=negated", "IDENTITY=a"} <= choices
    assert {m.id.split(":")[2].split("@")[0] for m in everything["second_derivative"]
            if m.kind == "choice"} >= {"MIN_SIZE=2", "MIN_SIZE=4"}


def test_the_reviewed_equivalents_name_real_mutants_with_a_reason(everything):
    """Every entry has a well-formed id and a reason. Entries of the quick modules must match a
    mutant of today's references; for the others the benchmark lists stale entries (a reference
    that changed needs its survivors reviewed again)."""
    listed = mutants.read_equivalents()
    assert len(listed) > 50, "benchmarks/equivalent_mutants.txt lost its entries"
    lines = [line.split()[0] for line in open(mutants.EQUIVALENTS, encoding="utf-8")
             if line.strip() and not line.startswith("#")]
    assert len(lines) == len(set(lines)), "an id is listed twice"
    for mid, reason in listed.items():
        module = mid.split(":")[0].split(".")[0]
        assert module in MODULES and mid.split(":")[1] in KINDS and "@" in mid, mid
        assert len(reason) > 20, mid
    ids = {m.id for module in FAST for m in everything[module]}
    stale = sorted(mid for mid in listed if mid.split(":")[0].split(".")[0] in FAST and mid not in ids)
    assert not stale, f"entries that match no mutant any more (review them again): {stale}"




def test_a_fixed_sample_of_mutants_is_killed(everything, tmp_path):
    """Four non-equivalent mutants of three exercises, drawn with a fixed seed: every one loses
    points (the full table comes from ``benchmarks/mutants.py --all``)."""
    listed = mutants.read_equivalents()
    chosen = set()
    for module in FAST:
        pool = [m.id for m in everything[module] if m.id not in listed]
        chosen |= set(random.Random(f"2024:{module}").sample(pool, PER_MODULE))
    summary = mutants.run(FAST, per_module=None, sample_seed=0, seed=2024, jobs=2, equivalents=listed,
                          work=str(tmp_path), only_ids=chosen)
    for module in FAST:
        assert summary[module]["mutants"] == PER_MODULE, summary[module]
    survivors = [(s["id"], s["before"], s["after"]) for row in summary.values() for s in row["survivors"]]
    assert not survivors, survivors
