"""Instructor mistakes on the command line: each one gets one clear line on stderr and exit status 2,
before any work starts (nothing graded, nothing written), never a traceback.

Every case runs the real command line in a scratch folder that holds: ``afile.txt`` (text),
``nbgrader.db`` (a SQLite file with nbgrader's tables), ``graded.db`` (a gradebook graded
with seed 11), ``subs/`` (a folder of submissions with one student) and ``full/`` (a non-empty
folder).
"""
from __future__ import annotations

import os
import sqlite3
import stat
import subprocess

import pytest

from tests.helpers import SOLUTIONS, grader_cmd

# (arguments, extra environment, words the one line must contain)
CASES = [
    # the submission, the folder, the gradebook
    (["grade", "nonexistent"], {}, ["nonexistent", "does not exist"]),
    (["check", "no-such-folder"], {}, ["no-such-folder"]),
    (["batch", "afile.txt", "--gradebook", "new.db"], {}, ["afile.txt", "is a file"]),
    (["batch", "no-such-folder", "--gradebook", "new.db"], {}, ["no-such-folder", "does not exist"]),
    (["batch", "subs", "--gradebook", "full"], {}, ["full", "folder"]),
    (["batch", "subs", "--gradebook", "nbgrader.db"], {}, ["nbgrader.db", "not this grader's gradebook"]),
    (["batch", "subs", "--gradebook", "afile.txt"], {}, ["afile.txt", "not a gradebook"]),
    (["batch", "subs", "--gradebook", "graded.db", "--seed", "12"], {}, ["seed 11", "--regrade"]),
    (["batch", "subs", "--gradebook", "graded.db"], {"GRADER_SEED": "12"}, ["seed 11", "--regrade"]),
    (["batch", "subs", "--gradebook", "new.db", "--jobs", "0"], {}, ["--jobs", "0"]),
    (["batch", "subs", "--gradebook", "new.db", "--jobs", "-2"], {}, ["--jobs"]),
    (["batch", "subs", "--gradebook", "new.db", "--jobs", "two"], {}, ["--jobs", "two"]),
    (["batch", "subs", "--gradebook", "new.db", "--timeout", "-1"], {}, ["--timeout", "positive"]),
    (["batch", "subs", "--gradebook", "new.db", "--feedback", "afile.txt"], {}, ["afile.txt", "not a folder"]),
    (["batch", "subs", "--gradebook", "/proc/grades.db"], {}, ["/proc"]),
    (["batch", "subs", "--gradebook", "new.db", "--only", "corr2d"], {}, ["corr2d", "unknown exercise"]),
    (["export", "full"], {}, ["full", "folder"]),
    (["export", "missing.db"], {}, ["missing.db", "does not exist"]),
    (["export", "nbgrader.db"], {}, ["nbgrader.db", "not this grader's gradebook"]),
    (["export", "afile.txt"], {}, ["afile.txt", "not a gradebook"]),
    (["export", "graded.db", "--csv", "/proc/x.csv"], {}, ["/proc/x.csv"]),
    (["export", "graded.db", "--csv", "full"], {}, ["full", "folder"]),
    (["export", "graded.db", "--feedback", "afile.txt"], {}, ["afile.txt", "not a folder"]),
    (["export", "graded.db", "--feedback", "afile.txt/sub"], {}, ["afile.txt", "not a folder"]),
    (["export", "graded.db", "--csv", "graded.db"], {}, ["graded.db", "overwritten"]),
    (["batch", "subs", "--gradebook", "new.db", "--feedback", "subs"], {}, ["subs", "submissions folder"]),
    (["batch", "subs", "--gradebook", "new.db", "--feedback", "subs/fb"], {}, ["subs/fb", "submissions folder"]),
    (["batch", "subs", "--gradebook", ""], {}, ["empty"]),
    (["grade", ""], {}, ["empty"]),
    (["grade", "afile.txt", "--json", "afile.txt"], {}, ["afile.txt", "overwritten"]),
    (["grade", SOLUTIONS, "--json", "r.html", "--report", "r.html"], {}, ["r.html", "overwritten"]),
    (["grade", SOLUTIONS, "--json", ""], {}, ["--json", "empty"]),
    (["nbgrader", "course", "--exchange", "afile.txt"], {}, ["afile.txt", "not a folder"]),
    (["nbgrader", "course", "--course-id", "bad id!"], {}, ["--course-id"]),
    # values
    (["grade", SOLUTIONS], {"GRADER_SEED": "abc"}, ["GRADER_SEED", "abc"]),
    (["grade", SOLUTIONS], {"GRADER_LANG": "xx"}, ["GRADER_LANG", "xx"]),
    (["grade", SOLUTIONS, "--seed", "abc"], {}, ["--seed", "abc"]),
    (["grade", SOLUTIONS, "--seed", "-1"], {}, ["--seed"]),
    (["grade", SOLUTIONS, "--seed", "99999999999999999999999"], {}, ["--seed"]),
    (["grade", SOLUTIONS, "--call-timeout", "-1"], {}, ["--call-timeout", "positive"]),
    (["grade", SOLUTIONS, "--call-timeout", "0"], {}, ["--call-timeout", "positive"]),
    (["grade", SOLUTIONS, "--call-timeout", "nan"], {}, ["--call-timeout"]),
    (["grade", SOLUTIONS, "--call-timeout", "inf"], {}, ["--call-timeout"]),
    (["grade", SOLUTIONS, "--call-timeout", "1e400"], {}, ["--call-timeout"]),
    (["grade", SOLUTIONS, "--call-timeout", "ten"], {}, ["--call-timeout", "ten"]),
    (["grade", SOLUTIONS, "--import-timeout", "-5"], {}, ["--import-timeout"]),
    (["grade", SOLUTIONS, "--call-timeout", "1e-9"], {}, ["--call-timeout", "too short"]),
    (["batch", "subs", "--gradebook", "new.db", "--timeout", "0.01"], {}, ["--timeout", "too short"]),
    (["grade", SOLUTIONS, "--submission-timeout", "0"], {}, ["--submission-timeout"]),
    (["grade", SOLUTIONS, "--submission-timeout", "1e12"], {}, ["--submission-timeout"]),
    (["grade", SOLUTIONS, "--only", "nosuchmodule"], {}, ["nosuchmodule", "unknown exercise"]),
    (["grade", SOLUTIONS, "--lang", "xx"], {}, ["--lang", "xx"]),
    (["check", SOLUTIONS, "--lang", "fr"], {}, ["--lang", "fr"]),
    # outputs
    (["grade", SOLUTIONS, "--json", "/proc/r.json"], {}, ["/proc/r.json"]),
    (["grade", SOLUTIONS, "--json", "full"], {}, ["full", "folder"]),
    (["grade", SOLUTIONS, "--json", "afile.txt/r.json"], {}, ["afile.txt", "not a folder"]),
    (["grade", SOLUTIONS, "--report", "report.txt"], {}, ["report.txt", ".html"]),
    (["grade", SOLUTIONS, "--report", "/proc/report.html"], {}, ["/proc/report.html"]),
    (["check", SOLUTIONS, "--report", "full"], {}, ["full"]),
    # outputs that exist and are not regular files: a temporary file renamed over them would replace
    # them (as root, --json /dev/null replaced the system's /dev/null), and a FIFO would block forever
    (["export", "graded.db", "--csv", "null"], {}, ["null", "device"]),
    (["export", "graded.db", "--csv", "fifo"], {}, ["fifo", "FIFO"]),
    (["export", "graded.db", "--csv", "link.csv"], {}, ["link.csv", "symbolic link"]),
    (["grade", SOLUTIONS, "--json", "null"], {}, ["null", "device"]),
    (["grade", SOLUTIONS, "--json", "link.csv"], {}, ["link.csv", "symbolic link"]),
    (["grade", SOLUTIONS, "--report", "fifo.html"], {}, ["fifo.html", "FIFO"]),
    (["gradescope", "link.zip"], {}, ["link.zip", "symbolic link"]),
    # outputs inside the submission would overwrite (or add to) what is graded
    (["grade", "sub", "--json", "sub/cross_correlation.py"], {}, ["sub/cross_correlation.py", "inside the submission"]),
    (["grade", "sub", "--json", "sub/mine.ipynb"], {}, ["sub/mine.ipynb", "inside the submission"]),
    (["check", "sub", "--json", "sub/work.zip"], {}, ["sub/work.zip", "inside the submission"]),
    # insights: outputs never an input, never each other, never a folder or an unwritable place
    (["insights", "graded.db", "--html", "graded.db", "--no-reports"], {}, ["graded.db", "overwritten"]),
    (["insights", "graded.db", "--long", "graded.db"], {}, ["graded.db", "overwritten"]),
    (["insights", "graded.db", "--html", "same.out", "--long", "same.out"], {}, ["same.out", "overwritten"]),
    (["insights", "graded.db", "--html", "full"], {}, ["full", "folder"]),
    (["insights", "graded.db", "--long", "full"], {}, ["full", "folder"]),
    (["insights", "graded.db", "--html", "/proc/x.html"], {}, ["/proc/x.html"]),
    (["insights", "graded.db", "--long", "null"], {}, ["null", "device"]),
    (["insights", "graded.db", "--html", "link.csv"], {}, ["link.csv", "symbolic link"]),
    (["insights", "missing.db", "--html", "x.html"], {}, ["missing.db", "does not exist"]),
    # an existing empty file is not a gradebook (only a missing one is created)
    (["batch", "subs", "--gradebook", "empty.txt"], {}, ["empty.txt", "not a gradebook"]),
    (["batch", "subs", "--gradebook", "fifo"], {}, ["fifo", "not a regular file"]),
    # integrations
    (["nbgrader", "full"], {}, ["full", "not empty", "nbgrader course"]),
    (["nbgrader", "afile.txt"], {}, ["afile.txt", "not a folder"]),
    (["nbgrader", "/proc/course"], {}, ["/proc"]),
    (["nbgrader", "course", "--assignment", "1 bad"], {}, ["--assignment"]),
    (["nbgrader", "course", "--seed", "x"], {}, ["--seed"]),
    (["nbgrader", "course", "--only", "nothing"], {}, ["nothing", "unknown exercise"]),
    (["nbgrader", "course"], {"GRADER_SEED": "1.5"}, ["GRADER_SEED"]),
    (["gradescope", "full"], {}, ["full"]),
    (["gradescope", "autograder.txt"], {}, [".zip"]),
    (["gradescope", "/proc/autograder.zip"], {}, ["/proc"]),
    (["gradescope", "autograder.zip", "--seed", "-4"], {}, ["--seed"]),
    (["gradescope", "autograder.zip"], {"GRADER_SEED": "abc"}, ["GRADER_SEED"]),
    (["release", "afile.txt"], {}, ["afile.txt", "not a folder"]),
    (["release", "full"], {}, ["full", "not empty"]),
    (["release", "/proc/release"], {}, ["/proc"]),
    # the command itself
    (["grade"], {}, ["submission"]),
    (["grades", SOLUTIONS], {}, ["grades"]),
]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    root = tmp_path_factory.mktemp("mistakes")
    (root / "afile.txt").write_text("not a gradebook, not a folder\n")
    (root / "full").mkdir()
    (root / "full" / "keep.txt").write_text("x")
    (root / "subs").mkdir()
    (root / "subs" / "ada").mkdir()
    (root / "sub").mkdir()
    (root / "sub" / "cross_correlation.py").write_text("def corr2d(X, K):\n    return X\n")
    (root / "empty.txt").write_text("")
    (root / "link.csv").symlink_to(root / "afile.txt")
    (root / "link.zip").symlink_to(root / "afile.txt")
    os.mkfifo(root / "fifo")
    os.mkfifo(root / "fifo.html")
    try:  # a private device node like /dev/null (never the real one); needs root
        os.mknod(root / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError:
        os.mkfifo(root / "null")  # its cases then check the FIFO message's path
    conn = sqlite3.connect(root / "nbgrader.db")
    conn.executescript("CREATE TABLE assignment (id TEXT); CREATE TABLE student (id TEXT); "
                       "CREATE TABLE grade (id TEXT);")
    conn.close()
    from grader import gradebook

    conn = gradebook.connect(str(root / "graded.db"))
    gradebook.record(conn, gradebook.Row(
        student="ada", entry="ada", fingerprint="f", seed=11, modules=["blur_kernel"], status="graded",
        total=1.0, max_total=10.0, exercises={"blur_kernel": (1.0, 10.0)}, results={"tests": []},
        feedback="", sandbox="none", seconds=0.1))
    conn.close()
    return root


def listing(root) -> set[str]:
    return {os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs}


@pytest.mark.parametrize("args, env, words", CASES, ids=[" ".join(c[0])[:60] + str(sorted(c[1])) for c in CASES])
def test_a_mistake_gets_one_line_and_exit_2_before_any_work(scratch, args, env, words):
    before = listing(scratch)
    environ = {k: v for k, v in os.environ.items() if k not in ("GRADER_SEED", "GRADER_LANG")}
    environ.update(env)
    proc = subprocess.run(grader_cmd(*args), cwd=scratch, env=environ, capture_output=True, text=True,
                          timeout=120)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "Error:" not in proc.stderr
    assert lines[0].startswith("grader"), lines[0]
    for word in words:
        if word == "device" and not stat.S_ISCHR(os.lstat(scratch / "null").st_mode):
            word = "FIFO"  # not root: no device node could be made
        assert word in lines[0], (word, lines[0])
    assert proc.stdout == ""  # nothing was graded
    assert listing(scratch) == before  # nothing was written


def test_languages_as_locales_write_them():
    from grader.cli import build_parser

    for text, lang in (("zh_CN.UTF-8", "zh"), ("zh-CN", "zh"), ("ZH", "zh"), ("en_US", "en")):
        assert build_parser().parse_args(["grade", "x", "--lang", text]).lang == lang


def test_the_same_seed_resumes_and_regrade_may_change_it(scratch):
    """The seed check lets the right runs through (they go on to grade: only parsing is run here)."""
    from grader.cli import UsageError, build_parser, validate

    db = str(scratch / "graded.db")
    subs = str(scratch / "subs")
    for argv in (["batch", subs, "--gradebook", db, "--seed", "11"],
                 ["batch", subs, "--gradebook", db, "--seed", "12", "--regrade"]):
        validate(build_parser().parse_args(argv))
    with pytest.raises(UsageError, match="seed 11"):
        validate(build_parser().parse_args(["batch", subs, "--gradebook", db, "--seed", "12"]))


def test_outputs_honour_the_umask(scratch, tmp_path):
    """The CSV and the feedback files are meant to be shared: a new file gets what the umask gives."""
    environ = {k: v for k, v in os.environ.items() if k not in ("GRADER_SEED", "GRADER_LANG")}
    out = tmp_path / "out"
    proc = subprocess.run(grader_cmd("export", str(scratch / "graded.db"), "--csv", str(out / "g.csv"),
                                     "--feedback", str(out / "fb")),
                          env=environ, capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: os.umask(0o027))
    assert proc.returncode == 0, proc.stderr
    written = [out / "g.csv", *sorted((out / "fb").iterdir())]
    assert len(written) == 3
    for path in written:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o640, path


def test_a_link_planted_in_the_feedback_folder_is_not_replaced(scratch, tmp_path):
    """A temporary file renamed over DIR/<student>.json would replace a symbolic link placed there."""
    environ = {k: v for k, v in os.environ.items() if k not in ("GRADER_SEED", "GRADER_LANG")}
    folder = tmp_path / "fb"
    folder.mkdir()
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep\n")
    (folder / "ada.json").symlink_to(target)
    proc = subprocess.run(grader_cmd("export", str(scratch / "graded.db"), "--feedback", str(folder)),
                          env=environ, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr
    assert "feedback of ada not written" in proc.stderr and "not a regular file" in proc.stderr
    assert (folder / "ada.json").is_symlink() and target.read_text() == "keep\n"
