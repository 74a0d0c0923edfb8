"""The class insight page for a synthetic class: how long it takes to build, how large it is.

    .venv/bin/python benchmarks/insights.py [-n 500] [--seed 7] [--per-module K] [--keep DIR]

Grades the solutions and the cases of tests/corpus/ once (in-process, one warm worker),
then builds a gradebook of N synthetic students from those real results with seeded
variation (``synthetic_class``): each student has an ability that decides, exercise by
exercise, whether they hand in a right corpus case or a wrong one; a few exercises are
not submitted, a few submissions are unreadable, a few names are hostile, and one check
is made to pass or fail by a coin flip (a "broken" check the page must flag). Then it
times ``insights.load`` + ``write_page`` (the page alone, and the students' feedback
reports beside it) and prints the page's size. Targets for N = 500: page under 10 s and
under 5 MB. The machine is shared: the load average is printed with the timings.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

CORPUS = os.path.join(REPO, "tests", "corpus")
SOLUTIONS = os.path.join(REPO, "solutions")
BROKEN = ("blur_kernel", "test_is_an_average")   # the check turned into a coin flip
RETURN_IN_LOOP = "cross_correlation__return_in_loop"
HOSTILE_NAMES = ['=HYPERLINK("http://x.invalid","pwn")', "<script>alert('x')</script>", 'Zoë "quotes" & <b>',
                 "张伟", "a\u202eb\u200bc", "x" * 200]


def corpus_results(zygote, per_module: int | None = None) -> dict[str, list[tuple[str, list[dict]]]]:
    """module -> [(case, that module's results.json tests)], the solutions first (full marks).

    ``per_module``: at most that many corpus cases per exercise, wrong ones first."""
    from grader.contract import MODULES
    from grader.report import to_gradescope
    from grader.runner import grade
    from grader.submission import load

    solved = to_gradescope(grade(load(SOLUTIONS), zygote))
    out = {m: [("solutions", [t for t in solved["tests"] if t["tags"][0] == m])] for m in MODULES}
    counts: dict[str, int] = {}
    for case in sorted(os.listdir(CORPUS), key=lambda c: (c.endswith("_ok"), c)):  # mistakes first
        folder = os.path.join(CORPUS, case)
        path = os.path.join(folder, "expected.json")
        if not os.path.isfile(path):
            continue
        with open(path) as f:
            modules = [m for m in json.load(f) if m in MODULES]
        if per_module is not None and case != RETURN_IN_LOOP and \
                all(counts.get(m, 0) >= per_module for m in modules):
            continue
        results = to_gradescope(grade(load(folder), zygote, modules=modules))
        for m in modules:
            counts[m] = counts.get(m, 0) + 1
            out[m].append((case, [t for t in results["tests"] if t["tags"][0] == m]))
    return out


def _full(tests: list[dict]) -> bool:
    return all(t["score"] >= t["max_score"] for t in tests)


def synthetic_class(results: dict, path: str, n: int = 500, seed: int = 7) -> dict:
    """Write a gradebook of ``n`` students to ``path``; returns what was planted, for tests."""
    from grader import gradebook
    from grader.contract import MODULES

    rng = random.Random(seed)
    conn = gradebook.connect(path)
    planted = {"return_in_loop": [], "unreadable": [], "hostile": [], "not_submitted": 0, "students": []}
    difficulty = {m: rng.uniform(-0.5, 1.5) for m in MODULES}
    for i in range(n):
        sid = f"student{i:04d}"
        if i % 97 == 5:
            sid = HOSTILE_NAMES[(i // 97) % len(HOSTILE_NAMES)] + f" {i}"
            planted["hostile"].append(sid)
        planted["students"].append(sid)
        ability = rng.gauss(0.0, 1.0)
        tests, exercises = [], {}
        unreadable = i % 113 == 7
        for m in MODULES:
            cases = results[m]
            good = [c for c in cases if _full(c[1])]
            bad = [c for c in cases if not _full(c[1])]
            if unreadable:
                chosen = [dict(t, score=0.0, status="failed", output="Skipped: the zip file is corrupt.",
                               extra_data={"outcome": "skipped", "code": "general/unreadable"})
                          for t in cases[0][1]]
            elif rng.random() < 0.03:
                planted["not_submitted"] += 1
                chosen = [dict(t, score=0.0, status="failed", output=f"Skipped: {m}.py was not submitted.",
                               extra_data={"outcome": "skipped", "code": "general/not-submitted"})
                          for t in cases[0][1]]
            else:
                p_good = 1.0 / (1.0 + math.exp(-(1.8 * ability + difficulty[m])))
                if m == "cross_correlation" and ability < -0.4 and rng.random() < 0.35:  # the weaker students
                    case = next(c for c in cases if c[0] == RETURN_IN_LOOP)
                    planted["return_in_loop"].append(sid)
                else:
                    others = [c for c in bad if c[0] != RETURN_IN_LOOP]
                    case = rng.choice(others) if others and rng.random() >= p_good else rng.choice(good)
                chosen = copy.deepcopy(case[1])
            for t in chosen:
                if (m, t["tags"][1]) == BROKEN and not unreadable:
                    if rng.random() < 0.5:
                        t.update(score=t["max_score"], status="passed")
                        t.pop("extra_data", None)
                    else:
                        t.update(score=0.0, status="failed", output="The weights sum to 0.97; expected 1.")
                        t["extra_data"] = {"outcome": "failed", "code": "blur/not-normalised",
                                           "hint": "Divide by the sum of the weights."}
            tests += chosen
            exercises[m] = (sum(t["score"] for t in chosen), sum(t["max_score"] for t in chosen))
        if unreadable:
            planted["unreadable"].append(sid)
        total = sum(s for s, _ in exercises.values())
        row = gradebook.Row(
            student=sid, entry=sid, fingerprint=f"synthetic-{seed}-{i}", seed=seed, modules=list(MODULES),
            status="unreadable" if unreadable else "graded", total=total,
            max_total=sum(mx for _, mx in exercises.values()), exercises=exercises,
            results={"score": total, "output": f"{sid}: {total:g} points\nsandbox: bubblewrap",
                     "tests": tests, "extra_data": {"sandbox": "bwrap", "seed": seed}},
            feedback="", sandbox="bwrap", seconds=1.0,
            error="the zip file is corrupt" if unreadable else None)
        gradebook.record(conn, row)
    conn.close()
    return planted


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-module", type=int, default=None, help="grade at most K corpus cases per exercise")
    parser.add_argument("--keep", metavar="DIR", help="write the gradebook and the page here and keep them")
    args = parser.parse_args(argv)

    from grader import insights
    from grader.client import Zygote

    t0 = time.monotonic()
    zygote = Zygote()
    try:
        results = corpus_results(zygote, args.per_module)
    finally:
        zygote.close()
    print(f"graded the corpus once: {sum(len(v) for v in results.values())} exercise results, "
          f"{time.monotonic() - t0:.1f} s")
    out = args.keep or tempfile.mkdtemp(prefix="insights-bench-")
    os.makedirs(out, exist_ok=True)
    db = os.path.join(out, "synthetic.db")
    if os.path.exists(db):
        os.remove(db)
    synthetic_class(results, db, args.n, args.seed)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    t0 = time.monotonic()
    data = insights.load(db)
    t_load = time.monotonic() - t0
    page = os.path.join(out, "class.html")
    t0 = time.monotonic()
    info = insights.write_page(data, page, "en", reports=False)
    t_page = time.monotonic() - t0
    t0 = time.monotonic()
    info_r = insights.write_page(data, os.path.join(out, "class-with-reports.html"), "en", reports=True,
                                 report_pictures=False)
    t_with = time.monotonic() - t0
    t0 = time.monotonic()  # the whole command, a fresh process: imports (torch, matplotlib) included
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "grader", "insights", db, "--html", os.path.join(out, "cli.html"),
                           "--no-reports"], capture_output=True, text=True, cwd=out)
    t_cli = time.monotonic() - t0
    if proc.returncode:
        print(proc.stderr[-2000:])
    print(f"load average after:  {os.getloadavg()[0]:.2f}")
    print(f"`grader insights --html` (fresh process, no reports): {t_cli:6.2f} s   target < 10 s  "
          f"-> ratio {t_cli / 10:.2f}")
    size = os.path.getsize(page)
    print(f"students: {len(data.students)}")
    print(f"load gradebook:                {t_load:6.2f} s")
    print(f"page (load + render + write):  {t_load + t_page:6.2f} s   target < 10 s  -> ratio {(t_load + t_page) / 10:.2f}")
    print(f"page size:                     {size / 1e6:6.2f} MB  target < 5 MB  -> ratio {size / 5e6:.2f}")
    print(f"page + {len(data.students)} feedback reports (tables, no pictures): {t_with:6.2f} s "
          f"(reports {info_r['reports_seconds']:.2f} s)")
    del info
    if not args.keep:
        print(f"(files in {out})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
