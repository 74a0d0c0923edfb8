"""Mistake codes and the class insight page (issue 10).

The codes: every hint a check gives carries a code that the table in grader/mistakes.py
explains in English and Chinese (checked on the source, so that a hint path no corpus
submission reaches is covered too). The page: built from the sample class graded with
``grader batch`` and from a synthetic class of 500, then opened in headless Chromium and
read back from its DOM.
"""
from __future__ import annotations

import ast
import csv
import html
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter

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


# ----------------------------------------------------------------------------- the page, in Chromium

from tests.helpers import run_grader  # noqa: E402

SAMPLES = os.path.join(REPO, "samples")


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("chromium is not installed (./setup.sh installs it with apt when root)")
    return path


def dom(page: str) -> str:
    """The page as headless Chromium parsed it (what a browser shows, not what we wrote)."""
    proc = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--dump-dom", "file://" + os.path.abspath(page)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "<html" in proc.stdout, proc.stderr[-2000:]
    return proc.stdout


def screenshot(page: str, out: str, width: int = 1200, height: int = 2400) -> None:
    proc = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--hide-scrollbars", f"--window-size={width},{height}", f"--screenshot={out}",
                           "file://" + os.path.abspath(page)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and os.path.getsize(out) > 10000, proc.stderr[-2000:]


def stat(text: str, key: str) -> str:
    m = re.search(rf'id="{key}"><b>([^<]*)</b>', text)
    assert m, key
    return m.group(1)


def mistakes_in(text: str, module: str) -> list[tuple[str, int]]:
    """(code, students) of the mistakes the page lists for one exercise, in order."""
    m = re.search(rf'<div class="exercise-mistakes" data-module="{module}">(.*?)(?=<div class="exercise-mistakes"|</section>)',
                  text, re.S)
    assert m, module
    return [(html_unescape(c), int(n)) for c, n in re.findall(r'class="mistake" data-code="([^"]*)" data-count="(\d+)"',
                                                              m.group(1))]


def html_unescape(s: str) -> str:
    return html.unescape(s)


def same_mistakes(text: str, want: dict) -> None:
    """The page lists each exercise's commonest codes with the students counted from the gradebook."""
    from grader.insights import TOP_MISTAKES

    for module in MODULES:
        got, counts = mistakes_in(text, module), want.get(module, Counter())
        assert len(got) == min(TOP_MISTAKES, len(counts)), module
        assert all(counts[code] == n for code, n in got), (module, got, counts)
        assert [n for _, n in got] == sorted(counts.values(), reverse=True)[:len(got)], (module, got, counts)


def flagged_in(text: str) -> set[tuple[str, str]]:
    return set(re.findall(r'<li class="flagged-check" data-module="([^"]*)" data-check="([^"]*)"', text))


def expected_mistakes(db: str) -> dict[str, Counter]:
    """Students per (exercise, code), counted straight from the gradebook's results.json."""
    skip = ("general/not-submitted", "general/needs-corr2d", "general/unreadable", "general/unavailable",
            "general/grader-error")
    out: dict = {}
    conn = sqlite3.connect(db)
    for status, results in conn.execute("SELECT status, results FROM grades"):
        if status not in ("graded", "check_error"):
            continue
        seen = set()
        for t in json.loads(results)["tests"]:
            extra = t.get("extra_data") or {}
            code = extra.get("code")
            if t["score"] >= t["max_score"] or extra.get("outcome", "failed") != "failed" or not code or code in skip:
                continue
            seen.add((t["tags"][0], code))
        for module, code in seen:
            out.setdefault(module, Counter())[code] += 1
    conn.close()
    return out


@pytest.fixture(scope="module")
def sample_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample-class")
    db = str(folder / "grades.db")
    proc = run_grader("batch", SAMPLES, "--gradebook", db, "-q", timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return folder, db


def test_sample_class_page(sample_class):
    folder, db = sample_class
    page, long = str(folder / "class.html"), str(folder / "long.csv")
    proc = run_grader("insights", db, "--html", page, "--long", long)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = dom(page)
    assert stat(text, "n-submissions") == "6" and stat(text, "n-graded") == "5" and stat(text, "n-unreadable") == "1"
    corr = dict(mistakes_in(text, "cross_correlation"))
    assert corr.get("corr2d/return-in-loop") == 1 and corr.get("corr2d/global-kernel") == 1, corr  # chen, dana
    same_mistakes(text, expected_mistakes(db))
    # one linked feedback report per student, written beside the page
    links = re.findall(r'<a class="student" href="([^"]+)">([^<]+)</a>', text)
    assert {html_unescape(name) for _, name in links} >= {"ada", "ben", "chen", "dana", "eve"}
    for href, _ in links:
        assert os.path.isfile(os.path.join(folder, html_unescape(href))), href
    # a representative failure drawn as the student report draws it (a picture, or the numbers)
    assert 'class="pic"' in text or 'class="mat"' in text
    # self-contained: nothing fetched from anywhere
    raw = open(page, encoding="utf-8").read()
    assert not re.search(r'(src|href)="(https?:)?//', raw) and "<script" not in raw
    # the long table: one row per student and check
    rows = list(csv.reader(open(long, encoding="utf-8")))
    assert rows[0] == ["student", "exercise", "check", "score", "max", "status", "code"]
    chen = [r for r in rows if r[0] == "chen" and r[1] == "cross_correlation"]
    assert chen and all(r[5] == "failed" and r[6] == "corr2d/return-in-loop" for r in chen[:2]), chen
    # Chinese
    zh_page = str(folder / "class-zh.html")
    assert run_grader("insights", db, "--html", zh_page, "--lang", "zh", "--no-reports").returncode == 0
    zh_text = dom(zh_page)
    assert "班级学情分析" in zh_text and "最常见的错误" in zh_text and mistakes.meaning("corr2d/return-in-loop", "zh") in zh_text


def test_results_json_carries_code_hint_digest(sample_class):
    _, db = sample_class
    conn = sqlite3.connect(db)
    results = dict(conn.execute("SELECT student, results FROM grades"))
    conn.close()
    chen = json.loads(results["chen"])
    failing = [t for t in chen["tests"] if t["tags"][0] == "cross_correlation" and t["score"] < t["max_score"]]
    assert failing and all(t["extra_data"]["code"] in mistakes.MISTAKES for t in failing)
    assert all(re.fullmatch(r"[0-9a-f]{12}", t["extra_data"].get("digest", "")) for t in failing[:2])
    assert all("hint" in t["extra_data"] for t in failing)
    ada = json.loads(results["ada"])
    assert all("code" not in t.get("extra_data", {}) for t in ada["tests"] if t["score"] >= t["max_score"])


def test_gradescope_folder_and_nbgrader_gradebook(sample_class, tmp_path, monkeypatch):
    """The same class read from Gradescope results.json files, and from an nbgrader gradebook."""
    from grader import insights

    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))

    _, db = sample_class
    folder = tmp_path / "gradescope"
    conn = sqlite3.connect(db)
    rows = list(conn.execute("SELECT student, results FROM grades WHERE status = 'graded'"))
    conn.close()
    for student, results in rows:  # Gradescope's export: one folder per submission
        (folder / f"submission_{student}").mkdir(parents=True)
        (folder / f"submission_{student}" / "results.json").write_text(results)
    page = str(tmp_path / "gs.html")
    proc = run_grader("insights", str(folder), "--html", page)
    assert proc.returncode == 0, proc.stderr
    text = dom(page)
    assert stat(text, "n-graded") == "5"
    assert dict(mistakes_in(text, "cross_correlation")).get("corr2d/return-in-loop") == 1

    from nbgrader.api import Gradebook

    nb_db = str(tmp_path / "gradebook.db")
    points = {}
    for student, results in rows:
        for t in json.loads(results)["tests"]:
            s, mx = points.setdefault(student, {}).get(t["tags"][0], (0.0, 0.0))
            points[student][t["tags"][0]] = (s + t["score"], mx + t["max_score"])
    with Gradebook(f"sqlite:///{nb_db}") as gb:
        gb.add_assignment("conv")
        gb.add_notebook("conv", "conv")
        for module in MODULES:
            gb.add_grade_cell(module, "conv", "conv", max_score=points["ada"][module][1], cell_type="code")
        for student in [*points, "late"]:
            gb.add_student(student)
        for student in points:
            gb.add_submission("conv", student)
            for module in MODULES:
                grade = gb.find_grade(module, "conv", "conv", student)
                grade.auto_score = points[student][module][0]
        gb.db.commit()
    data = insights.load(nb_db)
    assert data.kind == "nbgrader" and not data.per_check
    assert {s.id: s.status for s in data.students}["late"] == "not_submitted"
    assert {s.id: round(s.total, 3) for s in data.students if s.graded} == \
        {st: round(sum(v[0] for v in p.values()), 3) for st, p in points.items()}
    page = str(tmp_path / "nb.html")
    assert run_grader("insights", nb_db, "--html", page, "--long", str(tmp_path / "nb.csv")).returncode == 0
    text = dom(page)
    assert stat(text, "n-not-submitted") == "1" and 'class="item' in text
    # the sandboxed autograde keeps each report in the autograded notebook's metadata: then the
    # nbgrader class has mistake codes too
    from grader.integrations.nbgrader_pipeline import insight_results  # noqa: F401 - what writes them
    for student, results in rows:
        folder = tmp_path / "autograded" / student / "conv"
        folder.mkdir(parents=True)
        nb = {"cells": [], "metadata": {"grader_results": json.loads(results)}, "nbformat": 4, "nbformat_minor": 5}
        (folder / "conv.ipynb").write_text(json.dumps(nb))
    data = insights.load(nb_db)
    assert data.per_check
    assert insights.mistakes_by_exercise(data)["cross_correlation"][0].students in (["chen"], ["dana"], ["eve"])
    assert {m.code for m in insights.mistakes_by_exercise(data)["cross_correlation"]} >= \
        {"corr2d/return-in-loop", "corr2d/global-kernel"}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from benchmarks.insights import corpus_results, synthetic_class
    from grader.client import Zygote

    zygote = Zygote()
    try:
        results = corpus_results(zygote, per_module=2)
    finally:
        zygote.close()
    folder = tmp_path_factory.mktemp("synthetic")
    db = str(folder / "synthetic.db")
    planted = synthetic_class(results, db, n=500, seed=11)
    return folder, db, planted


def test_synthetic_class_of_500(synthetic):
    from benchmarks.insights import BROKEN
    from grader import insights

    folder, db, planted = synthetic
    page = str(folder / "class.html")
    info = insights.write_page(insights.load(db), page, "en", reports=True, report_pictures=False)
    assert info["bytes"] < 5e6
    text = dom(page)
    assert stat(text, "n-submissions") == "500"
    assert stat(text, "n-unreadable") == str(len(planted["unreadable"]))
    assert stat(text, "n-graded") == str(500 - len(planted["unreadable"]))
    # the commonest corr2d mistake is the planted one, with its exact count
    top = mistakes_in(text, "cross_correlation")[0]
    assert top == ("corr2d/return-in-loop", len(planted["return_in_loop"])), top
    same_mistakes(text, expected_mistakes(db))
    # the coin-flip check is flagged; the corr2d checks (which follow ability) are not
    flagged = flagged_in(text)
    assert BROKEN in flagged, flagged
    assert not any(module == "cross_correlation" for module, _ in flagged), flagged
    # hostile names are text, never markup
    from grader.text import clean

    for name in planted["hostile"]:
        assert clean(name, one_line=True) in html_unescape(text), name
    assert "\u202e" not in text  # a right-to-left override is shown as an escape, not obeyed
    assert "<script>alert" not in text and "&lt;script&gt;alert" in text
    assert not re.search(r"<script[\s>]", text)
    rows = list(csv.reader(io.StringIO(insights.long_csv(insights.load(db)))))
    hostile = [r for r in rows if "HYPERLINK" in r[0]]
    assert hostile and all(r[0].startswith("'=") for r in hostile)  # a spreadsheet shows it, never runs it
    assert text.count('class="student-row"') == 500
    # identical wrong answers are grouped, neutrally
    assert 'id="groups"' in text and re.search(r'class="group" data-size="\d+"', text)
    # Chinese
    zh_page = str(folder / "class-zh.html")
    insights.write_page(insights.load(db), zh_page, "zh", reports=False)
    zh_text = dom(zh_page)
    assert "题目分析" in zh_text and "完全相同的错误答案" in zh_text and "需要查看" in zh_text


def test_screenshot_for_the_readme(sample_class, tmp_path):
    """docs/insights.png, the picture the README shows: the sample class's page."""
    folder, db = sample_class
    page = str(folder / "class.html")
    if not os.path.exists(page):
        assert run_grader("insights", db, "--html", page).returncode == 0
    out = str(tmp_path / "insights.png")
    screenshot(page, out, 1200, 1900)
    if os.environ.get("GRADER_UPDATE_DOCS"):
        shutil.copy(out, os.path.join(REPO, "docs", "insights.png"))
    assert os.path.isfile(os.path.join(REPO, "docs", "insights.png"))


def test_bad_sources_get_a_clear_message(tmp_path):
    missing = run_grader("insights", str(tmp_path / "nothing.db"), "--html", str(tmp_path / "x.html"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    bad = run_grader("insights", str(junk), "--html", str(tmp_path / "x.html"))
    assert bad.returncode == 2 and "gradebook" in bad.stderr and "Traceback" not in bad.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    none = run_grader("insights", str(empty), "--html", str(tmp_path / "x.html"))
    assert none.returncode == 2 and "results.json" in none.stderr
    assert run_grader("insights", str(empty)).returncode == 2  # no output named
