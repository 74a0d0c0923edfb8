"""The class gradebook: one SQLite file, one row per student, written by one process.

``grader batch`` commits each submission in its own transaction, so a batch killed
at any moment leaves every finished submission recorded exactly once (the student
is the primary key) and nothing half-written. ``grader export`` reads it back as a
CSV and as per-student feedback files. Nothing here imports torch.

What a submission supplied (its name, messages, printed output) is cleaned on the
way in (``record``: no lone surrogate reaches SQLite, no control character a
terminal would obey) and on the way out: CSV cells that a spreadsheet would run
as a formula (``=HYPERLINK(...)``, ``+SUM(1,2)``, ``@SUM``, ``-2+3``) get a
leading apostrophe, and feedback files are named by ``text.file_stem`` (at most
100 bytes, a hash suffix when a name had to be shortened or changed).
"""
from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field

from grader import text
from grader.contract import MODULES

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS grades (
    student     TEXT PRIMARY KEY,
    entry       TEXT NOT NULL,     -- the file or folder name in the submissions folder
    fingerprint TEXT NOT NULL,     -- names, sizes and mtimes of its files: a changed one is regraded
    seed        INTEGER NOT NULL,
    modules     TEXT NOT NULL,     -- JSON list of the exercises graded, in contract order
    status      TEXT NOT NULL,     -- graded | unreadable | check_error | grader_error
    total       REAL NOT NULL,
    max_total   REAL NOT NULL,
    results     TEXT NOT NULL,     -- Gradescope results.json
    feedback    TEXT NOT NULL,     -- the text `grader grade` prints
    sandbox     TEXT NOT NULL,
    seconds     REAL NOT NULL,
    error       TEXT,              -- why an unreadable submission or a grader error scored 0
    graded_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS exercise_points (
    student   TEXT NOT NULL REFERENCES grades(student) ON DELETE CASCADE,
    module    TEXT NOT NULL,
    score     REAL NOT NULL,
    max_score REAL NOT NULL,
    PRIMARY KEY (student, module)
);
"""


@dataclass
class Row:
    student: str
    entry: str
    fingerprint: str
    seed: int
    modules: list[str]
    status: str
    total: float
    max_total: float
    exercises: dict[str, tuple[float, float]]  # module -> (score, max_score)
    results: dict
    feedback: str
    sandbox: str
    seconds: float
    error: str | None = None
    graded_at: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))


class GradebookError(Exception):
    """The file is not a gradebook this version can read."""


def connect(path: str, *, create: bool = True) -> sqlite3.Connection:
    if not create and not os.path.isfile(path):
        raise GradebookError(f"{path} does not exist.")
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA journal_mode=WAL")  # readers (export, a watching test) never block the writer
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise GradebookError(f"{path} was written by a newer grader (schema {version}).")
        if create:
            conn.executescript(SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version == 0:
            raise GradebookError(f"{path} is not a gradebook.")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise GradebookError(f"{path} is not a gradebook ({exc}).") from None
    return conn


def record(conn: sqlite3.Connection, row: Row) -> None:
    """Replace the student's row and points in one transaction."""
    row.student = text.clean(row.student, one_line=True)
    row.entry = text.clean(row.entry, one_line=True)
    row.results = text.deep_clean(row.results)
    row.feedback = text.clean(row.feedback)
    row.sandbox = text.clean(row.sandbox, one_line=True)
    row.error = None if row.error is None else text.clean(row.error)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM exercise_points WHERE student = ?", (row.student,))
        conn.execute(
            "INSERT OR REPLACE INTO grades (student, entry, fingerprint, seed, modules, status, total, "
            "max_total, results, feedback, sandbox, seconds, error, graded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row.student, row.entry, row.fingerprint, row.seed, json.dumps(row.modules), row.status,
             row.total, row.max_total, json.dumps(row.results, ensure_ascii=False), row.feedback,
             row.sandbox, row.seconds, row.error, row.graded_at))
        conn.executemany("INSERT INTO exercise_points (student, module, score, max_score) VALUES (?, ?, ?, ?)",
                         [(row.student, m, s, mx) for m, (s, mx) in row.exercises.items()])
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def graded(conn: sqlite3.Connection) -> dict[str, tuple]:
    """student -> (seed, modules list, fingerprint, status) of what is recorded."""
    rows = conn.execute("SELECT student, seed, modules, fingerprint, status FROM grades")
    return {s: (seed, json.loads(mods), fp, status) for s, seed, mods, fp, status in rows}


def fmt(x: float | None) -> str:
    if x is None:
        return ""
    x = round(x, 4)
    return f"{x:g}" if x != int(x) else str(int(x))


def table(conn: sqlite3.Connection) -> list[dict]:
    """One dict per student, sorted by student: student, each module's points ('' if not graded), total."""
    points: dict[str, dict[str, float]] = {}
    for student, module, score in conn.execute("SELECT student, module, score FROM exercise_points"):
        points.setdefault(student, {})[module] = score
    out = []
    for student, total in sorted(conn.execute("SELECT student, total FROM grades")):
        row = {"student": student}
        row.update({m: fmt(points.get(student, {}).get(m)) for m in MODULES})
        row["total"] = fmt(total)
        out.append(row)
    return out


def to_csv(conn: sqlite3.Connection) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["student", *MODULES, "total"], lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: text.csv_cell(v) for k, v in row.items()} for row in table(conn))
    return buffer.getvalue()


def umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str, content: str, *, prefix: str = ".tmp-") -> None:
    """Write ``content`` to a temporary file renamed over ``path``: a reader sees the old file or
    the new one, never half of one. The file gets the permissions the umask gives a new file (a CSV
    or a report is meant to be shared). A target that exists and is not a regular file (a symbolic
    link, device, FIFO, socket or folder) is refused with OSError, never replaced."""
    import stat

    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        raise IsADirectoryError(f"{path} is a folder") if stat.S_ISDIR(mode) else \
            FileExistsError(f"{path} exists and is not a regular file; it is not replaced")
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=prefix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(content)
        os.chmod(tmp, 0o666 & ~umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_feedback(conn: sqlite3.Connection, folder: str, students=None) -> int:
    """DIR/<student>.txt (terminal feedback) and DIR/<student>.json (results.json); returns the count."""
    os.makedirs(folder, exist_ok=True)
    wanted = None if students is None else set(students)
    count = 0
    for student, feedback, results in conn.execute("SELECT student, feedback, results FROM grades"):
        if wanted is not None and student not in wanted:
            continue
        stem = text.file_stem(student)
        try:
            write_atomic(os.path.join(folder, f"{stem}.txt"), text.clean(feedback) + "\n")
            write_atomic(os.path.join(folder, f"{stem}.json"),
                         json.dumps(text.deep_clean(json.loads(results)), indent=1, ensure_ascii=False) + "\n")
        except OSError as exc:  # e.g. a symbolic link planted in the folder: say so, go on with the others
            print(f"grader: feedback of {text.clean(student, one_line=True)} not written: "
                  f"{text.clean(exc, one_line=True)}", file=sys.stderr)
            continue
        count += 1
    return count


def problems(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(student, status, error) of every row that did not grade normally."""
    return list(conn.execute("SELECT student, status, COALESCE(error, '') FROM grades "
                             "WHERE status != 'graded' ORDER BY student"))
