"""``grader insights``: the class insight page an instructor opens after the deadline.

One self-contained static HTML file (inline CSS and SVG, pictures as data: URIs, no
scripts, no network) in English or Chinese that shows:

- the class at a glance: submissions graded, unreadable, exercises not submitted; the
  distribution of totals and of each exercise's score;
- item analysis per check: difficulty (the share of students who pass it) and
  discrimination (the point-biserial correlation of passing it with the total minus that
  exercise), flagging checks whose discrimination is near zero or negative;
- the commonest mistakes per exercise, by mistake code (grader/mistakes.py): meaning, how
  many students, who, the hint, and one representative failure drawn as the student
  report draws it;
- groups of students whose wrong outputs are byte-identical on the seeded inputs, listed
  neutrally as "identical wrong answers" (a cue to look, never a verdict);
- one row per student linking to that student's feedback report, written beside the page
  in ``<page>-reports/``.

Sources (see ``load``): a gradebook written by ``grader batch``; an nbgrader
``gradebook.db`` (scores per exercise, from ``nbgrader.api.Gradebook``); or a folder of
Gradescope ``results.json`` files (``<student>/results.json`` or ``<student>.json``, as
Gradescope's bulk export and ``grader export --feedback`` write them). ``--long`` writes
one CSV row per student and check. Everything from a submission (names, messages,
hints, printed output) is escaped.
"""
from __future__ import annotations

import csv
import html
import io
import json
import math
import os
import re
import sqlite3
import sys
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from grader.contract import MODULES
from grader.mistakes import meaning, other
from grader.text import clean, csv_cell

FLAG_BELOW = 0.1   # discrimination below this (or negative) is flagged
MIN_FLAG_N = 5     # ... when at least this many students took the check
TOP_MISTAKES = 5   # per exercise
MAX_NAMES = 12     # students named per mistake or group before "+N more"
MAX_GROUPS = 25
PICTURES_UP_TO = 60  # students' reports with pictures up to this class size (see write_page)
MAX_PICTURES = 3   # representative failures drawn as PNG (matplotlib, ~0.3 s each); the rest as tables of numbers
SKIP_CODES = ("general/not-submitted", "general/needs-corr2d", "general/unreadable", "general/unavailable",
              "general/grader-error")


class InsightsError(Exception):
    """The source cannot be read; the message says why."""


# ----------------------------------------------------------------------------- the data

@dataclass
class CheckResult:
    module: str
    function: str
    title: str
    score: float
    max_score: float
    status: str            # passed, failed, skipped, error
    code: str | None = None
    hint: str | None = None
    digest: str | None = None
    output: str = ""
    data: dict | None = None  # as results.json stores it (runner.encode_data)

    @property
    def passed(self) -> bool:
        return self.max_score > 0 and self.score >= self.max_score - 1e-9


@dataclass
class Student:
    id: str
    status: str                        # graded, unreadable, check_error, grader_error, not_submitted
    total: float = 0.0
    max_total: float = 0.0
    exercises: dict = field(default_factory=dict)   # module -> (score, max)
    checks: list = field(default_factory=list)      # CheckResult
    results: dict | None = None                     # results.json, when known
    error: str | None = None
    report: str | None = None                       # file name of the feedback report, once written

    def submitted(self, module: str) -> bool:
        rs = [c for c in self.checks if c.module == module]
        if rs:
            return not all(c.code == "general/not-submitted" for c in rs)
        return module in self.exercises

    @property
    def graded(self) -> bool:
        return self.status in ("graded", "check_error")


@dataclass
class ClassData:
    source: str
    kind: str                      # batch, nbgrader, gradescope
    students: list = field(default_factory=list)
    per_check: bool = True         # False: only exercise scores are known (nbgrader)
    seconds: float = 0.0

    @property
    def modules(self) -> list[str]:
        seen = {m for s in self.students for m in s.exercises}
        seen |= {c.module for s in self.students for c in s.checks}
        return [m for m in MODULES if m in seen] + sorted(seen - set(MODULES))


def _float(x, default=0.0) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return default
    return v if math.isfinite(v) else default


def sid(raw) -> str:
    """A student id as shown: one line, control and bidirectional characters as visible escapes."""
    return clean(raw, one_line=True, limit=300)


def checks_from_results(results: dict) -> list[CheckResult]:
    """A results.json's tests as CheckResults (tests without a module tag are left out)."""
    out = []
    tests = results.get("tests") if isinstance(results, dict) else None
    for test in tests if isinstance(tests, list) else []:
        if not isinstance(test, dict):
            continue
        tags = test.get("tags") if isinstance(test.get("tags"), list) else []
        module = str(tags[0]) if tags else ""
        function = str(tags[1]) if len(tags) > 1 else str(test.get("name", ""))
        if not module:
            continue
        extra = test.get("extra_data") if isinstance(test.get("extra_data"), dict) else {}
        score, max_score = _float(test.get("score")), _float(test.get("max_score"))
        status = str(extra.get("outcome") or test.get("status") or "")
        if score >= max_score > 0:
            status = "passed"
        elif status not in ("failed", "skipped", "error"):
            status = "failed"
        code = extra.get("code")
        if status == "failed" and not code:
            code = other(module, function)
        out.append(CheckResult(module, function, str(test.get("name", function)), score, max_score, status,
                               str(code) if code else None,
                               clean(extra["hint"]) if extra.get("hint") else None,
                               str(extra["digest"]) if extra.get("digest") else None,
                               str(test.get("output", "")), extra.get("data") if isinstance(extra.get("data"), dict) else None))
    return out


def _exercises_of(checks: list[CheckResult]) -> dict:
    ex: dict = {}
    for c in checks:
        s, mx = ex.get(c.module, (0.0, 0.0))
        ex[c.module] = (s + c.score, mx + c.max_score)
    return ex


def load_batch(path: str) -> ClassData:
    try:
        conn = sqlite3.connect(f"file:{urllib.parse.quote(os.path.abspath(path))}?mode=ro", uri=True)
        rows = conn.execute("SELECT student, status, total, max_total, results, error FROM grades").fetchall()
    except sqlite3.Error as exc:
        raise InsightsError(f"{path}: cannot read the gradebook ({exc}).") from None
    finally:
        try:
            conn.close()
        except Exception:  # noqa: BLE001
            pass
    data = ClassData(source=path, kind="batch")
    for student, status, total, max_total, results, error in sorted(rows, key=lambda r: str(r[0])):
        try:
            parsed = json.loads(results)
        except (TypeError, ValueError):
            parsed = {}
        checks = checks_from_results(parsed)
        if status == "unreadable":
            for c in checks:
                c.code = "general/unreadable"
        data.students.append(Student(sid(student), str(status), _float(total), _float(max_total),
                                     _exercises_of(checks), checks, parsed, error))
    return data


def load_gradescope(folder: str) -> ClassData:
    """``<folder>/<student>/results.json`` (Gradescope's export: the folder is the submission;
    ``submission_metadata.yml`` names its submitters) or ``<folder>/<student>.json``."""
    names = _gradescope_names(folder)
    found = []
    for entry in sorted(os.listdir(folder)):
        full = os.path.join(folder, entry)
        if os.path.isdir(full) and os.path.isfile(os.path.join(full, "results.json")):
            found.append((sid(names.get(entry, entry)), os.path.join(full, "results.json")))
        elif entry.endswith(".json") and os.path.isfile(full):
            found.append((sid(entry[:-5]), full))
    if not found:
        raise InsightsError(f"{folder}: no results.json files (expected <student>/results.json or <student>.json).")
    data = ClassData(source=folder, kind="gradescope")
    for student, path in found:
        try:
            with open(path, encoding="utf-8") as f:
                parsed = json.load(f)
            if not isinstance(parsed, dict):
                raise ValueError("not an object")
        except (OSError, ValueError) as exc:
            data.students.append(Student(student, "unreadable", error=f"{os.path.basename(path)}: {exc}"))
            continue
        checks = checks_from_results(parsed)
        ex = _exercises_of(checks)
        data.students.append(Student(student, "graded", _float(parsed.get("score")),
                                     sum(mx for _, mx in ex.values()), ex, checks, parsed))
    return data


def _gradescope_names(folder: str) -> dict[str, str]:
    """submission folder -> submitter names, from Gradescope's submission_metadata.yml (if any)."""
    path = os.path.join(folder, "submission_metadata.yml")
    if not os.path.isfile(path):
        return {}
    try:
        import yaml

        with open(path, encoding="utf-8") as f:
            meta = yaml.safe_load(f)
    except Exception:  # noqa: BLE001 - no names then: folder names are ids too
        return {}
    out = {}
    for key, value in (meta or {}).items() if isinstance(meta, dict) else []:
        subs = value.get(":submitters") if isinstance(value, dict) else None
        names = [str(s.get(":name") or s.get(":email") or "") for s in subs or [] if isinstance(s, dict)]
        if any(names):
            out[str(key)] = ", ".join(n for n in names if n)
    return out


def load_nbgrader(path: str, assignment: str | None = None) -> ClassData:
    """Scores per exercise (grade cell) from an nbgrader gradebook, through nbgrader.api.Gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    here = os.path.dirname(sys.executable)  # nbgrader runs `alembic` from the environment's bin/
    if here not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = here + os.pathsep + os.environ.get("PATH", "")
    data = ClassData(source=path, kind="nbgrader", per_check=False)
    with Gradebook(f"sqlite:///{os.path.abspath(path)}") as gb:
        assignments = [a.name for a in gb.assignments]
        if not assignments:
            raise InsightsError(f"{path}: the nbgrader gradebook has no assignment.")
        if assignment is None:
            if len(assignments) > 1:
                raise InsightsError(f"{path}: several assignments ({', '.join(assignments)}): name one with "
                                    "--assignment.")
            assignment = assignments[0]
        elif assignment not in assignments:
            raise InsightsError(f"{path}: no assignment {assignment!r} (there are {', '.join(assignments)}).")
        cells = []
        for nb in gb.find_assignment(assignment).notebooks:
            cells += [(nb.name, c.name, float(c.max_score)) for c in nb.grade_cells]
        for student in sorted(gb.students, key=lambda s: s.id):
            try:
                sub = gb.find_submission(assignment, student.id)
            except MissingEntry:
                data.students.append(Student(sid(student.id), "not_submitted",
                                             max_total=sum(mx for _, _, mx in cells)))
                continue
            ex = {}
            checks = autograded_results(path, assignment, student.id)
            for nb_name, cell, mx in cells:
                try:
                    grade = gb.find_grade(cell, nb_name, assignment, student.id)
                except MissingEntry:
                    continue
                ex[cell] = (_float(grade.score), float(mx))
            total = sum(s for s, _ in ex.values())
            data.students.append(Student(sid(student.id), "graded", total, sum(mx for _, _, mx in cells), ex,
                                         checks or [], {"tests": [], "extra_data": {}} if checks else None))
            del sub
    # per-check results (mistake codes) when every submission's autograded notebook carries them
    graded = [s for s in data.students if s.graded]
    data.per_check = bool(graded) and all(s.checks for s in graded)
    if not data.per_check:
        for s in graded:
            s.checks = []
    return data


def autograded_results(gradebook: str, assignment: str, student: str) -> list[CheckResult]:
    """The per-check results that the sandboxed autograde (grader/integrations/nbgrader_pipeline.py)
    keeps in ``autograded/<student>/<assignment>/*.ipynb`` beside the gradebook, if any."""
    folder = os.path.join(os.path.dirname(os.path.abspath(gradebook)), "autograded", student, assignment)
    checks: list[CheckResult] = []
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".ipynb"))
    except OSError:
        return checks
    for name in names:
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                results = json.load(f).get("metadata", {}).get("grader_results")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(results, dict):
            checks += checks_from_results(results)
    return checks


def load(source: str, *, kind: str | None = None, assignment: str | None = None) -> ClassData:
    """Read a class from ``source``; ``kind`` is batch, nbgrader or gradescope (default: detected:
    a folder is Gradescope results, a SQLite file with nbgrader's tables is nbgrader's, else ours)."""
    start = time.monotonic()
    if not os.path.exists(source):
        raise InsightsError(f"{source} does not exist.")
    if kind is None:
        if os.path.isdir(source):
            kind = "gradescope"
        else:
            try:
                conn = sqlite3.connect(f"file:{urllib.parse.quote(os.path.abspath(source))}?mode=ro", uri=True)
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                conn.close()
            except sqlite3.Error:
                raise InsightsError(f"{source} is neither a gradebook nor a folder of results.json files.") from None
            if "grades" in tables:
                kind = "batch"
            elif {"assignment", "grade", "submitted_assignment"} <= tables:
                kind = "nbgrader"
            else:
                raise InsightsError(f"{source} is neither a grader gradebook nor an nbgrader gradebook.")
    if kind == "gradescope":
        if not os.path.isdir(source):
            raise InsightsError(f"{source}: --from-gradescope needs a folder of results.json files.")
        data = load_gradescope(source)
    elif kind == "nbgrader":
        data = load_nbgrader(source, assignment)
    else:
        data = load_batch(source)
    data.seconds = time.monotonic() - start
    return data


# ----------------------------------------------------------------------------- statistics

def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / math.sqrt(sxx * syy)


@dataclass
class Item:
    module: str
    function: str | None   # None: the exercise as a whole (nbgrader)
    title: str
    max_score: float
    n: int = 0
    difficulty: float | None = None      # share passing
    discrimination: float | None = None  # point-biserial with total minus the exercise
    flagged: bool = False


def item_analysis(data: ClassData) -> list[Item]:
    graded = [s for s in data.students if s.graded]
    items: dict = {}
    outcomes: dict = defaultdict(list)   # key -> [(passed, rest)]
    for s in graded:
        if data.per_check:
            for c in s.checks:
                if c.code in ("general/not-submitted", "general/unreadable") or c.status == "error":
                    continue
                key = (c.module, c.function)
                items.setdefault(key, Item(c.module, c.function, c.title, c.max_score))
                rest = s.total - s.exercises.get(c.module, (0.0, 0.0))[0]
                outcomes[key].append((1.0 if c.passed else 0.0, rest))
        else:
            for module, (score, mx) in s.exercises.items():
                key = (module, None)
                items.setdefault(key, Item(module, None, module, mx))
                outcomes[key].append((1.0 if mx and score >= mx - 1e-9 else 0.0, s.total - score))
    order = {m: i for i, m in enumerate(MODULES)}
    out = []
    for key, item in items.items():
        pairs = outcomes[key]
        item.n = len(pairs)
        if pairs:
            item.difficulty = sum(p for p, _ in pairs) / len(pairs)
            item.discrimination = pearson([p for p, _ in pairs], [r for _, r in pairs])
        item.flagged = (item.discrimination is not None and item.discrimination < FLAG_BELOW
                        and item.n >= MIN_FLAG_N)
        out.append(item)
    fn_order = {}
    for s in graded:
        for i, c in enumerate(s.checks):
            fn_order.setdefault((c.module, c.function), i)
    out.sort(key=lambda it: (order.get(it.module, 99), fn_order.get((it.module, it.function), 0)))
    return out


@dataclass
class Mistake:
    module: str
    code: str
    students: list = field(default_factory=list)
    hints: Counter = field(default_factory=Counter)
    checks: Counter = field(default_factory=Counter)
    example: tuple | None = None   # (student id, CheckResult)


def mistakes_by_exercise(data: ClassData) -> dict[str, list[Mistake]]:
    found: dict = {}
    for s in data.students:
        if not s.graded:
            continue
        seen = set()
        for c in s.checks:
            if c.status not in ("failed",) or c.passed or not c.code or c.code in SKIP_CODES:
                continue
            m = found.setdefault((c.module, c.code), Mistake(c.module, c.code))
            if (c.module, c.code) not in seen:
                m.students.append(s.id)
                seen.add((c.module, c.code))
            if c.hint:
                m.hints[c.hint] += 1
            m.checks[(c.module, c.function, c.title)] += 1
            if m.example is None or _drawability(c) > _drawability(m.example[1]):
                m.example = (s.id, c)
    out: dict = defaultdict(list)
    for m in found.values():
        out[m.module].append(m)
    for module in out:
        out[module].sort(key=lambda m: (-len(m.students), m.code))
    return out


def _drawability(c: CheckResult) -> int:
    """2: expected and got of one shape (the picture has a difference panel), 1: some tensors, 0: none."""
    d = c.data or {}
    exp, got = d.get("expected"), d.get("got")
    if isinstance(exp, dict) and isinstance(got, dict) and "values" in exp and "values" in got:
        return 2 if exp.get("shape") == got.get("shape") else 1
    return 1 if d else 0


@dataclass
class Group:
    students: list
    shared: list   # [(module, function, title, code)]


def identical_wrong_answers(data: ClassData) -> list[Group]:
    """Students whose sets of wrong outputs (by digest) are identical and non-empty."""
    by_sig: dict = defaultdict(list)
    info: dict = {}
    for s in data.students:
        if not s.graded:
            continue
        sig = []
        for c in s.checks:
            if c.digest and not c.passed:
                sig.append((c.module, c.function, c.digest))
                info[(c.module, c.function, c.digest)] = (c.module, c.function, c.title, c.code)
        if sig:
            by_sig[tuple(sorted(sig))].append(s.id)
    groups = [Group(sorted(ids), [info[k] for k in sig]) for sig, ids in by_sig.items() if len(ids) >= 2]
    groups.sort(key=lambda g: (-len(g.shared), len(g.students), g.students[0]))
    return groups


def histogram(values: list[float], lo: float, hi: float, bins: int) -> list[int]:
    counts = [0] * bins
    width = (hi - lo) / bins if hi > lo else 1.0
    for v in values:
        k = int((v - lo) / width) if hi > lo else 0
        counts[min(max(k, 0), bins - 1)] += 1
    return counts


# ----------------------------------------------------------------------------- words

WORDS = {
    "en": {
        "title": "Class insights", "source": "Source", "generated": "built in", "s": "s",
        "glance": "The class at a glance", "submissions": "submissions", "graded": "graded",
        "unreadable": "unreadable", "grader_errors": "grader errors", "not_submitted": "not submitted",
        "median": "median", "mean": "mean", "of": "of", "points": "points",
        "totals": "Distribution of totals", "students": "students",
        "per_exercise": "Each exercise's score", "exercise": "Exercise", "full": "full marks",
        "some": "some points", "none": "no points", "missing": "not submitted",
        "items": "Item analysis", "items_note": "Difficulty: the share of students who pass the check. "
        "Discrimination: the point-biserial correlation between passing it and the total minus that exercise. "
        "A check whose discrimination is near zero or negative is flagged: it is probably broken, or its "
        "statement misleading.",
        "items_note_nb": "This source has scores per exercise only (nbgrader's grade cells), so items are exercises.",
        "check": "Check", "n": "n", "difficulty": "difficulty", "discrimination": "discrimination",
        "flag": "flag", "flagged": "look at this", "flagged_title": "Checks to look at",
        "no_flags": "No check has a discrimination near zero or negative.",
        "mistakes": "Commonest mistakes", "code": "code", "meaning": "meaning", "count": "students",
        "count_one": "student",
        "who": "who", "hint": "hint", "example": "A representative failure", "of_student": "from",
        "no_mistakes": "No recognised mistakes.", "more": "more", "in_checks": "in",
        "groups": "Identical wrong answers", "groups_note": "Students whose wrong outputs are byte-identical "
        "on the same seeded inputs. A cue to look, never a verdict: a common mistake produces identical "
        "output too (its code is shown).",
        "no_groups": "No two students gave identical wrong answers.", "shared": "identical wrong outputs",
        "table": "Students", "student": "Student", "status": "status", "total": "total", "report": "report",
        "open": "feedback", "not_per_check": "Mistake codes and identical answers need per-check results "
        "(a grader gradebook or results.json files); this source has exercise scores only.",
        "status_names": {"graded": "graded", "unreadable": "unreadable", "check_error": "check error",
                         "grader_error": "grader error", "not_submitted": "not submitted"},
        "ex_names": "EXERCISES_EN", "lang": "en",
    },
    "zh": {
        "title": "班级学情分析", "source": "数据来源", "generated": "生成用时", "s": "秒",
        "glance": "全班概况", "submissions": "份提交", "graded": "已评分",
        "unreadable": "无法读取", "grader_errors": "评分器错误", "not_submitted": "未提交",
        "median": "中位数", "mean": "平均", "of": "/", "points": "分",
        "totals": "总分分布", "students": "名学生",
        "per_exercise": "各练习得分", "exercise": "练习", "full": "满分",
        "some": "部分得分", "none": "零分", "missing": "未提交",
        "items": "题目分析", "items_note": "难度：通过该检查的学生比例。区分度：通过该检查与"
        "（总分减去该练习得分）之间的点二列相关系数。区分度接近零或为负的检查会被标出：它可能有问题，或题目表述有误导。",
        "items_note_nb": "该数据源只有每个练习的分数（nbgrader 的评分单元），因此以练习为单位分析。",
        "check": "检查", "n": "人数", "difficulty": "难度", "discrimination": "区分度",
        "flag": "标记", "flagged": "需要查看", "flagged_title": "需要查看的检查",
        "no_flags": "没有区分度接近零或为负的检查。",
        "mistakes": "最常见的错误", "code": "错误代码", "meaning": "含义", "count": "人", "count_one": "人",
        "who": "学生", "hint": "提示", "example": "一个典型的错误", "of_student": "来自",
        "no_mistakes": "没有识别出的错误。", "more": "更多", "in_checks": "出现在",
        "groups": "完全相同的错误答案", "groups_note": "这些学生在相同的随机输入上给出了逐字节相同的错误输出。"
        "这只是值得查看的线索，绝不是结论：常见错误也会产生相同的输出（下面列出了错误代码）。",
        "no_groups": "没有两名学生给出相同的错误答案。", "shared": "个相同的错误输出",
        "table": "学生", "student": "学生", "status": "状态", "total": "总分", "report": "报告",
        "open": "反馈", "not_per_check": "错误代码和相同答案需要逐项检查的结果（本评分器的成绩库或 results.json 文件）；"
        "该数据源只有各练习的分数。",
        "status_names": {"graded": "已评分", "unreadable": "无法读取", "check_error": "检查出错",
                         "grader_error": "评分器错误", "not_submitted": "未提交"},
        "ex_names": "EXERCISES", "lang": "zh",
    },
}

CSS = """
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC","Microsoft YaHei",
"Noto Sans CJK SC",sans-serif;color:#1d2330;background:#f4f5f7;margin:0}
main{max-width:1180px;margin:0 auto;padding:22px 20px 60px}
h1{font-size:24px;margin:0 0 4px} h2{font-size:19px;margin:0 0 10px} h3{font-size:16px;margin:14px 0 6px}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:16px 20px;margin:16px 0}
.meta{color:#5b6475;font-size:13px} .meta span{margin-right:14px}
.stats{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0}
.stat{border:1px solid #e3e6eb;border-radius:8px;padding:8px 14px;min-width:110px}
.stat b{display:block;font-size:24px;line-height:1.2} .stat span{color:#5b6475;font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
table{border-collapse:collapse} .t{width:100%} .t td,.t th{padding:4px 7px;text-align:left;border-bottom:1px solid #edf0f3;
vertical-align:top} .t th{font-size:12px;color:#5b6475;font-weight:600} .num{text-align:right;white-space:nowrap;
font-variant-numeric:tabular-nums}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
code{background:#eef1f5;border-radius:3px;padding:0 4px}
.badge{display:inline-block;font-size:11.5px;font-weight:600;border-radius:10px;padding:1px 8px;white-space:nowrap}
.flag{background:#ffe3e3;color:#a51d1d} .ok{background:#d3f9d8;color:#1b6b2a} .muted{color:#8a93a3}
.pbar{display:inline-block;width:80px;height:8px;background:#e6e9ee;border-radius:4px;vertical-align:middle;overflow:hidden}
.pbar i{display:block;height:100%;background:#4c6ef5}
tr.flagged td{background:#fff5f5}
.mistake{border-top:1px solid #edf0f3;padding:10px 0}
.mistake .head{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.mistake .cnt{font-weight:700;font-size:16px;min-width:70px}
.names{color:#3b4252;font-size:13px;overflow-wrap:anywhere}
.hint{background:#e7f5ff;border:1px solid #a5d8ff;border-radius:6px;padding:6px 10px;margin-top:6px;font-size:13px}
details summary{cursor:pointer;color:#1c64c8;font-size:13px;margin-top:6px}
.msg{white-space:pre-wrap;overflow-wrap:anywhere;font-size:13px;background:#fbfbfc;border-left:4px solid #e03131;
padding:6px 10px;margin:6px 0}
.mats{display:flex;flex-wrap:wrap;gap:14px} .mat caption{font-size:12px;font-weight:600;text-align:left}
.mat td{border:1px solid #dde1e7;padding:0 5px;text-align:right;font:11.5px ui-monospace,Menlo,monospace}
.mat td.bad{background:#ffc9c9;font-weight:700}
.label{font-size:11.5px;font-weight:700;text-transform:uppercase;color:#5b6475;margin:8px 0 2px}
.pic img{max-width:100%;border:1px solid #dde1e7;border-radius:4px;background:#fff}
.group{border-top:1px solid #edf0f3;padding:8px 0}
a{color:#1c64c8;text-decoration:none} a:hover{text-decoration:underline}
.scroll{max-height:720px;overflow:auto}
"""


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def fmt(x: float | None) -> str:
    if x is None:
        return "—"
    x = round(float(x), 2)
    return str(int(x)) if x == int(x) else f"{x:g}"


def exercise_label(module: str, lang: str) -> str:
    from grader.feedback import zh

    names = zh.EXERCISES if lang == "zh" else zh.EXERCISES_EN
    return names.get(module, "")


def check_title(c, lang: str) -> str:
    if lang != "zh" or not getattr(c, "function", None):
        return c.title
    from grader.feedback import zh

    return zh.TITLES.get(f"{c.module}.{c.function}", c.title)


# ----------------------------------------------------------------------------- pictures (inline SVG)

def svg_histogram(counts: list[int], labels: list[str], *, width=460, height=190, color="#4c6ef5",
                  title="") -> str:
    n = max(len(counts), 1)
    top = max(counts) if counts and max(counts) else 1
    left, bottom, pad = 34, 34, 8
    plot_w, plot_h = width - left - pad, height - bottom - 20
    bar = plot_w / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{esc(title)}" class="hist">']
    for frac in (0, 0.5, 1):
        y = 20 + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width - pad}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e6e9ee"/>'
                     f'<text x="{left - 5}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#5b6475">'
                     f'{fmt(top * frac)}</text>')
    for i, c in enumerate(counts):
        h = plot_h * c / top
        x = left + i * bar
        parts.append(f'<rect x="{x + 1:.1f}" y="{20 + plot_h - h:.1f}" width="{max(bar - 2, 1):.1f}" '
                     f'height="{h:.1f}" fill="{color}" data-count="{c}"><title>{esc(labels[i])}: {c}</title></rect>')
        if c:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{20 + plot_h - h - 3:.1f}" font-size="10" '
                         f'text-anchor="middle" fill="#1d2330">{c}</text>')
    step = max(1, math.ceil(n / 10))
    for i in range(0, n + 1, step):  # bin edges, from the labels "lo–hi"
        edge = labels[min(i, n - 1)].split("–")[0 if i < n else -1]
        parts.append(f'<text x="{left + i * bar:.1f}" y="{height - bottom + 16}" font-size="10" '
                     f'text-anchor="middle" fill="#5b6475">{esc(edge)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_stacked(rows: list[tuple[str, list[int]]], colors: list[str], *, width=560) -> str:
    """One horizontal bar per row, split into the counts of each category."""
    row_h, label_w = 22, 150
    height = row_h * len(rows) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" class="stacked">']
    for r, (label, counts) in enumerate(rows):
        y = 3 + r * row_h
        total = sum(counts) or 1
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" font-size="11" text-anchor="end" fill="#1d2330">'
                     f'{esc(label)}</text>')
        x = float(label_w)
        for c, color in zip(counts, colors):
            w = (width - label_w - 4) * c / total
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 6}" fill="{color}">'
                             f'<title>{c}</title></rect>')
                if w > 18:
                    parts.append(f'<text x="{x + w / 2:.1f}" y="{y + 12}" font-size="10" text-anchor="middle" '
                                 f'fill="#fff">{c}</text>')
            x += w
    parts.append("</svg>")
    return "".join(parts)


# ----------------------------------------------------------------------------- representative failures

def _result_of(c: CheckResult):
    from grader.runner import Result, decode_data

    r = Result(c.module, c.function, c.title, c.score, c.max_score, c.status, c.output,
               data=decode_data(c.data), hint=c.hint)
    r.code = c.code
    return r


def failure_html(c: CheckResult, lang: str, picture: bool) -> str:
    """The failure as the student report draws it: message, then the picture (or the numbers)."""
    from grader.feedback import figures
    from grader.feedback import html as fhtml
    from grader.feedback import i18n, view

    words = i18n.ui(lang)
    v = view.check_view(_result_of(c), lang)
    text = v.detail or v.message
    out = [f'<div class="msg">{fhtml.rich(text)}</div>'] if text else []
    if v.data:
        if picture and figures.available():
            out.append(fhtml.data_block(v, words, lang))
        else:
            out.append(fhtml.tables(v.data, words))
    return "".join(out)


# ----------------------------------------------------------------------------- the page

def _names(ids: list[str], links: dict, words: dict) -> str:
    shown = [_student_link(i, links) for i in ids[:MAX_NAMES]]
    more = len(ids) - MAX_NAMES
    return ", ".join(shown) + (f' <span class="muted">(+{more} {esc(words["more"])})</span>' if more > 0 else "")


def _student_link(sid: str, links: dict) -> str:
    href = links.get(sid)
    if href:
        return f'<a class="student" href="{esc(href)}">{esc(sid)}</a>'
    return f'<span class="student">{esc(sid)}</span>'


def render(data: ClassData, lang: str = "en", links: dict | None = None, *, started: float | None = None) -> str:
    words = WORDS.get(lang, WORDS["en"])
    links = links or {}
    students = data.students
    graded = [s for s in students if s.graded]
    modules = data.modules
    max_total = max((s.max_total for s in graded), default=0.0)
    totals = [s.total for s in graded]
    parts = []

    # ---- at a glance
    counts = Counter(s.status for s in students)
    not_sub = {m: sum(1 for s in graded if not s.submitted(m)) for m in modules}
    stats = [(len(students), words["submissions"], "n-submissions"), (len(graded), words["graded"], "n-graded"),
             (counts.get("unreadable", 0), words["unreadable"], "n-unreadable"),
             (counts.get("grader_error", 0), words["grader_errors"], "n-grader-errors"),
             (counts.get("not_submitted", 0), words["not_submitted"], "n-not-submitted")]
    if totals:
        ordered = sorted(totals)
        mid = len(ordered) // 2
        median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        stats.append((f"{fmt(median)} / {fmt(max_total)}", words["median"], "median"))
        stats.append((fmt(sum(totals) / len(totals)), words["mean"], "mean"))
    glance = "".join(f'<div class="stat" id="{key}"><b>{esc(value)}</b><span>{esc(label)}</span></div>'
                     for value, label, key in stats)
    bins = 10
    hist = histogram(totals, 0.0, max_total or 1.0, bins)
    step = (max_total or 1.0) / bins
    edge = (lambda x: f"{x:.0f}") if (max_total or 1.0) >= 20 else fmt
    hist_svg = svg_histogram(hist, [f"{edge(i * step)}–{edge((i + 1) * step)}" for i in range(bins)],
                             title=words["totals"])
    rows = []
    for m in modules:
        cats = [0, 0, 0, 0]
        for s in graded:
            if not s.submitted(m):
                cats[3] += 1
                continue
            sc, mx = s.exercises.get(m, (0.0, 0.0))
            cats[0 if mx and sc >= mx - 1e-9 else (2 if sc <= 0 else 1)] += 1
        rows.append((m, cats))
    legend = "".join(f'<span style="margin-right:12px"><i style="display:inline-block;width:10px;height:10px;'
                     f'background:{c};margin-right:4px"></i>{esc(words[k])}</span>'
                     for k, c in (("full", "#2f9e44"), ("some", "#f08c00"), ("none", "#e03131"), ("missing", "#adb5bd")))
    stacked = svg_stacked(rows, ["#2f9e44", "#f08c00", "#e03131", "#adb5bd"])
    parts.append(f'<section class="card" id="glance"><h2>{esc(words["glance"])}</h2><div class="stats">{glance}</div>'
                 f'<div class="charts"><div><h3>{esc(words["totals"])}</h3>{hist_svg}</div>'
                 f'<div><h3>{esc(words["per_exercise"])}</h3>{stacked}<div class="meta">{legend}</div></div></div>'
                 f'</section>')

    # ---- mistakes
    if data.per_check:
        found = mistakes_by_exercise(data)
        blocks = []
        pictures = 0
        for m in modules:
            ms = found.get(m, [])[:TOP_MISTAKES]
            head = f'<h3><code>{esc(m)}.py</code> <span class="meta">{esc(exercise_label(m, lang))}</span></h3>'
            if not ms:
                blocks.append(f'<div class="exercise-mistakes" data-module="{esc(m)}">{head}'
                              f'<p class="muted">{esc(words["no_mistakes"])}</p></div>')
                continue
            inner = []
            for mk in ms:
                hint = mk.hints.most_common(1)[0][0] if mk.hints else ""
                checks = ", ".join(check_title(Item(mod, fn, title, 0.0), lang)
                                   for (mod, fn, title), _ in mk.checks.most_common(3))
                example = ""
                if mk.example is not None:
                    sid, c = mk.example
                    picture = pictures < MAX_PICTURES and bool(c.data)
                    opened = " open" if picture and not pictures else ""  # the first picture is shown
                    pictures += picture
                    example = (f'<details{opened}><summary>{esc(words["example"])} ({esc(words["of_student"])} '
                               f'{esc(sid)})</summary>{failure_html(c, lang, picture)}</details>')
                inner.append(
                    f'<div class="mistake" data-code="{esc(mk.code)}" data-count="{len(mk.students)}">'
                    f'<div class="head"><span class="cnt">{len(mk.students)} <span class="meta">'
                    f'{esc(words["count"] if len(mk.students) != 1 else words["count_one"])}</span></span><code class="code">{esc(mk.code)}</code>'
                    f'<span class="meaning">{esc(meaning(mk.code, lang))}</span></div>'
                    f'<div class="meta">{esc(words["in_checks"])}: {esc(checks)}</div>'
                    f'<div class="names">{esc(words["who"])}: {_names(mk.students, links, words)}</div>'
                    + (f'<div class="hint"><b>{esc(words["hint"])}:</b> {esc(hint)}</div>' if hint else "")
                    + example + "</div>")
            blocks.append(f'<div class="exercise-mistakes" data-module="{esc(m)}">{head}{"".join(inner)}</div>')
        parts.append(f'<section class="card" id="mistakes"><h2>{esc(words["mistakes"])}</h2>{"".join(blocks)}</section>')

        groups = identical_wrong_answers(data)
        gblocks = []
        for g in groups[:MAX_GROUPS]:
            shared = ", ".join(f'<code>{esc(mod)}.{esc(fn)}</code>' + (f' ({esc(code)})' if code else "")
                               for mod, fn, _, code in g.shared[:6])
            more = len(g.shared) - 6
            gblocks.append(f'<div class="group" data-size="{len(g.students)}" data-shared="{len(g.shared)}">'
                           f'<b>{len(g.students)} {esc(words["students"])}</b>, {len(g.shared)} {esc(words["shared"])}: '
                           f'<div class="names">{_names(g.students, links, words)}</div>'
                           f'<div class="meta">{shared}{f" +{more}" if more > 0 else ""}</div></div>')
        body = "".join(gblocks) if gblocks else f'<p class="muted">{esc(words["no_groups"])}</p>'
        extra = f'<p class="meta">+{len(groups) - MAX_GROUPS}</p>' if len(groups) > MAX_GROUPS else ""
        parts.append(f'<section class="card" id="groups"><h2>{esc(words["groups"])}</h2>'
                     f'<p class="meta">{esc(words["groups_note"])}</p>{body}{extra}</section>')
    else:
        parts.append(f'<section class="card" id="mistakes"><h2>{esc(words["mistakes"])}</h2>'
                     f'<p class="muted">{esc(words["not_per_check"])}</p></section>')

    # ---- items
    items = item_analysis(data)
    flagged = [it for it in items if it.flagged]
    flag_rows = "".join(
        f'<li class="flagged-check" data-module="{esc(it.module)}" data-check="{esc(it.function or "")}">'
        f'<code>{esc(it.module)}</code> {esc(check_title(it, lang) if it.function else exercise_label(it.module, lang))}'
        f' — {esc(words["discrimination"])} <b class="disc">{it.discrimination:+.2f}</b>, '
        f'{esc(words["difficulty"])} {100 * (it.difficulty or 0):.0f}%</li>' for it in flagged)
    flag_block = (f'<ul id="flagged">{flag_rows}</ul>' if flagged else
                  f'<p id="flagged" class="muted">{esc(words["no_flags"])}</p>')
    item_rows = []
    for it in items:
        disc = "—" if it.discrimination is None else f"{it.discrimination:+.2f}"
        diff = it.difficulty or 0.0
        name = check_title(it, lang) if it.function else exercise_label(it.module, lang)
        badge = f'<span class="badge flag">{esc(words["flagged"])}</span>' if it.flagged else ""
        item_rows.append(
            f'<tr class="item{" flagged" if it.flagged else ""}" data-module="{esc(it.module)}" '
            f'data-check="{esc(it.function or "")}"><td><code>{esc(it.module)}</code></td><td>{esc(name)}</td>'
            f'<td class="num">{it.n}</td><td class="num">{100 * diff:.0f}% <span class="pbar"><i style="width:'
            f'{100 * diff:.0f}%"></i></span></td><td class="num disc">{disc}</td><td>{badge}</td></tr>')
    note = words["items_note"] + ("" if data.per_check else " " + words["items_note_nb"])
    parts.append(f'<section class="card" id="items"><h2>{esc(words["items"])}</h2><p class="meta">{esc(note)}</p>'
                 f'<h3>{esc(words["flagged_title"])}</h3>{flag_block}<div class="scroll"><table class="t">'
                 f'<tr><th>{esc(words["exercise"])}</th><th>{esc(words["check"])}</th><th class="num">{esc(words["n"])}'
                 f'</th><th class="num">{esc(words["difficulty"])}</th><th class="num">{esc(words["discrimination"])}'
                 f'</th><th>{esc(words["flag"])}</th></tr>{"".join(item_rows)}</table></div></section>')

    # ---- students
    head = "".join(f'<th class="num" title="{esc(m)}">{esc(m.split("_")[0][:8])}</th>' for m in modules)
    srows = []
    for s in sorted(students, key=lambda s: s.id):
        cells = "".join(f'<td class="num">{fmt(s.exercises[m][0]) if m in s.exercises else "—"}</td>' for m in modules)
        link = links.get(s.id)
        rep = f'<a href="{esc(link)}">{esc(words["open"])}</a>' if link else ""
        srows.append(f'<tr class="student-row" data-status="{esc(s.status)}"><td>{_student_link(s.id, links)}</td>'
                     f'<td>{esc(words["status_names"].get(s.status, s.status))}</td>'
                     f'<td class="num total">{fmt(s.total)}</td>{cells}<td>{rep}</td></tr>')
    parts.append(f'<section class="card" id="students"><h2>{esc(words["table"])}</h2><div class="scroll">'
                 f'<table class="t"><tr><th>{esc(words["student"])}</th><th>{esc(words["status"])}</th>'
                 f'<th class="num">{esc(words["total"])}</th>{head}<th>{esc(words["report"])}</th></tr>'
                 f'{"".join(srows)}</table></div></section>')

    took = time.monotonic() - started if started is not None else 0.0
    top = (f'<header class="card"><h1>{esc(words["title"])}</h1><div class="meta">'
           f'<span>{esc(words["source"])}: <b>{esc(os.path.basename(data.source.rstrip("/")) or data.source)}</b> '
           f'({esc(data.kind)})</span><span>{len(students)} {esc(words["submissions"])}</span>'
           f'<span>{esc(words["generated"])} {took:.1f} {esc(words["s"])}</span></div></header>')
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{esc(words["title"])}</title><style>{CSS}</style></head><body><main>{top}{"".join(parts)}'
            f'</main></body></html>\n')


# ----------------------------------------------------------------------------- files

def safe_name(index: int, sid: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", sid).strip("._")[:60] or "student"
    return f"{index:04d}-{slug}.html"


def student_report(s: Student):
    """The student's runner Report rebuilt from results.json, for grader.feedback.html."""
    from grader.runner import Report

    results = s.results or {}
    extra = results.get("extra_data") if isinstance(results.get("extra_data"), dict) else {}
    report = Report(submission=s.id, sandbox=str(extra.get("sandbox", "none")),
                    seed=int(_float(extra.get("seed"), 0)), seconds=_float(results.get("execution_time")))
    report.results = [_result_of(c) for c in s.checks]
    lines = str(results.get("output", "")).splitlines()
    report.notes = lines[2:] if len(lines) > 2 else []
    if s.status == "unreadable":
        report.error = s.error or "The submission could not be read."
    return report


def write_reports(data: ClassData, folder: str, lang: str = "en", pictures: bool = True) -> dict[str, str]:
    """One feedback report per student with per-check results; returns student -> file name."""
    from grader.feedback import figures
    from grader.feedback import html as fhtml
    from grader.gradebook import write_atomic

    os.makedirs(folder, exist_ok=True)
    out = {}
    real = figures.available
    if not pictures:
        figures.available = lambda: False  # numbers only: a class of hundreds in seconds
    try:
        for index, s in enumerate(sorted(data.students, key=lambda s: s.id)):
            if not s.checks:
                continue
            name = safe_name(index, s.id)
            write_atomic(os.path.join(folder, name), fhtml.render(student_report(s), lang))
            out[s.id] = name
    finally:
        figures.available = real
    return out


def write_page(data: ClassData, path: str, lang: str = "en", *, reports: bool = True,
               report_pictures: bool | None = None) -> dict:
    """The page at ``path`` and the students' reports in ``<stem>-reports/``; returns timings.

    The reports have pictures (matplotlib, a fraction of a second each) for classes of up to
    ``PICTURES_UP_TO`` students unless ``report_pictures`` says otherwise; bigger classes get
    the numbers as tables, so that a class of hundreds is written in seconds."""
    if report_pictures is None:
        report_pictures = len(data.students) <= PICTURES_UP_TO
    from grader.gradebook import write_atomic

    start = time.monotonic()
    links = {}
    t_reports = 0.0
    if reports and data.per_check:
        stem = os.path.splitext(os.path.basename(path))[0]
        folder = os.path.join(os.path.dirname(os.path.abspath(path)), f"{stem}-reports")
        t0 = time.monotonic()
        names = write_reports(data, folder, lang, pictures=report_pictures)
        t_reports = time.monotonic() - t0
        links = {sid: f"{urllib.parse.quote(stem + '-reports')}/{urllib.parse.quote(name)}"
                 for sid, name in names.items()}
    t0 = time.monotonic()
    text = render(data, lang, links, started=start)
    write_atomic(path, text)
    return {"page_seconds": time.monotonic() - t0, "reports_seconds": t_reports,
            "bytes": len(text.encode("utf-8"))}


def long_csv(data: ClassData) -> str:
    """One row per student and check: student, exercise, check, score, max, status, code."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "exercise", "check", "score", "max", "status", "code"])
    for s in sorted(data.students, key=lambda s: s.id):
        if data.per_check and s.checks:
            for c in s.checks:
                status = "passed" if c.passed else ("partial" if c.status == "failed" and c.score > 0 else c.status)
                writer.writerow([csv_cell(s.id), c.module, c.function, fmt(c.score), fmt(c.max_score), status,
                                 c.code if not c.passed and c.code else ""])
        else:
            for m, (sc, mx) in s.exercises.items():
                status = "passed" if mx and sc >= mx - 1e-9 else ("partial" if sc > 0 else "failed")
                writer.writerow([csv_cell(s.id), m, "", fmt(sc), fmt(mx), status, ""])
    return buffer.getvalue()


# ----------------------------------------------------------------------------- command line

def add_parser(sub) -> None:
    p = sub.add_parser("insights", help="a class insight page (HTML) from a gradebook, nbgrader or Gradescope results",
                       description="Write the class insight page: distributions, item analysis, commonest "
                                   "mistakes, identical wrong answers, and each student's feedback report.")
    p.add_argument("source", metavar="GRADES.db|DIR",
                   help="a gradebook from `grader batch`, an nbgrader gradebook.db, or a folder of results.json files")
    p.add_argument("--html", metavar="CLASS.html", help="write the page here (reports go to CLASS-reports/)")
    p.add_argument("--long", metavar="LONG.csv", help="one row per student and check (student, exercise, check, "
                                                      "score, max, status, code)")
    p.add_argument("--lang", choices=("en", "zh"), default=os.environ.get("GRADER_LANG", "en"))
    p.add_argument("--from-gradescope", action="store_true",
                   help="SOURCE is a folder of Gradescope results.json files (detected anyway for a folder)")
    p.add_argument("--from-nbgrader", action="store_true", help="SOURCE is nbgrader's gradebook.db (detected anyway)")
    p.add_argument("--assignment", help="the nbgrader assignment, when the gradebook has several")
    p.add_argument("--no-reports", action="store_true", help="do not write the students' feedback reports")
    p.add_argument("--pictures", choices=("auto", "yes", "no"), default="auto",
                   help=f"pictures in the students' reports (auto: for classes of up to {PICTURES_UP_TO})")
    p.set_defaults(func=cmd_insights)


def cmd_insights(args) -> int:
    from grader.gradebook import write_atomic

    if not args.html and not args.long:
        print("grader insights: name an output: --html CLASS.html and/or --long LONG.csv", file=sys.stderr)
        return 2
    kind = "gradescope" if args.from_gradescope else ("nbgrader" if args.from_nbgrader else None)
    start = time.monotonic()
    try:
        data = load(args.source, kind=kind, assignment=args.assignment)
    except InsightsError as exc:
        print(f"grader insights: {exc}", file=sys.stderr)
        return 2
    if args.long:
        write_atomic(args.long, long_csv(data))
        print(f"long table written to {args.long}")
    if args.html:
        info = write_page(data, args.html, args.lang, reports=not args.no_reports,
                          report_pictures={"auto": None, "yes": True, "no": False}[args.pictures])
        print(f"insight page written to {args.html} ({info['bytes'] / 1e6:.2f} MB, "
              f"{time.monotonic() - start:.1f} s, {len(data.students)} submissions)")
    return 0
