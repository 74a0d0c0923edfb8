"""``grader batch``: grade a class folder into the SQLite gradebook; ``grader export``: read it back.

Every sub-folder, ``.zip`` and ``.ipynb`` of the folder is one student (named as
``submission.student_id`` does); any other entry is recorded as a zero with the
reason. Grading runs on parallel grader processes (grader/pool.py), each keeping one
warm zygote; this process alone writes the gradebook, one transaction per
submission, so a batch killed at any moment can simply be started again: what is
recorded for the same seed, exercises and files is skipped (``--regrade`` redoes it).
This process never imports torch unless a grader process fails.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import sys
import time
from dataclasses import dataclass

from grader import gradebook
from grader.cli import _modules
from grader.pool import BatchAborted, Pool
from grader.submission import student_id

IGNORED = ("__MACOSX",)
STATUSES = ("graded", "unreadable", "check_error", "grader_error")
RETRIED = ("check_error", "grader_error")  # a later run grades these again
MAX_FINGERPRINT_FILES = 5000


@dataclass
class Entry:
    student: str
    entry: str  # name(s) in the submissions folder
    path: str
    fingerprint: str
    reject: str | None = None  # why it is a zero without being read


def fingerprint(path: str) -> str:
    """Names, sizes and modification times of everything under ``path``: cheap, and changes with any edit."""
    digest = hashlib.sha256()
    files = [path] if not os.path.isdir(path) else []
    for root, dirs, names in os.walk(path):
        dirs.sort()
        files += [os.path.join(root, n) for n in sorted(names)]
        if len(files) > MAX_FINGERPRINT_FILES:
            break
    for f in files[:MAX_FINGERPRINT_FILES]:
        try:
            st = os.stat(f)
        except OSError:
            continue
        digest.update(f"{os.path.relpath(f, path)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def scan(folder: str, exclude=()) -> list[Entry]:
    """The students of ``folder``, sorted; two entries with one student id become one rejected entry."""
    skip = {os.path.realpath(p) for p in exclude}
    by_student: dict[str, list[str]] = {}
    for name in sorted(os.listdir(folder)):
        full = os.path.join(folder, name)
        if name.startswith(".") or name in IGNORED or os.path.realpath(full) in skip:
            continue
        by_student.setdefault(student_id(full), []).append(name)
    entries = []
    for student, names in sorted(by_student.items()):
        paths = [os.path.join(folder, n) for n in names]
        fp = hashlib.sha256("".join(n + "\0" + fingerprint(p) for n, p in zip(names, paths)).encode())
        entry = Entry(student, ", ".join(names), paths[0], fp.hexdigest()[:24])
        if len(names) > 1:
            entry.reject = (f"There are {len(names)} submissions for {student} ({entry.entry}); "
                            "the grader cannot tell which one counts. Keep one and grade again.")
        entries.append(entry)
    return entries


def row_of(task: dict, message: dict) -> gradebook.Row:
    """The gradebook row for a grader's answer; raises on anything malformed."""
    modules = task["modules"]
    exercises = {m: (float(message["exercises"][m][0]), float(message["exercises"][m][1])) for m in modules}
    if message["status"] not in STATUSES or not isinstance(message["results"], dict):
        raise ValueError(f"unexpected status or results: {message['status']!r}")
    return gradebook.Row(
        student=task["student"], entry=task["entry"], fingerprint=task["fingerprint"], seed=task["seed"],
        modules=modules, status=message["status"], total=float(message["total"]),
        max_total=float(message["max_total"]), exercises=exercises, results=message["results"],
        feedback=str(message["feedback"]), sandbox=str(message["sandbox"]), seconds=float(message["seconds"]),
        error=None if message.get("error") is None else str(message["error"]))


def error_message(task: dict, reason: str, detail: str) -> dict:
    """A zero for a submission whose grader failed: with every check listed when we can load them."""
    try:
        from grader.batch_worker import grader_error  # imports torch, on this rare path only

        return grader_error(task, reason, detail)
    except Exception as exc:  # noqa: BLE001 - the checks themselves cannot load: still record a zero
        text = f"Grader error: {reason}; this submission scores 0 for now. Please tell your instructor."
        return {"status": "grader_error", "error": f"{reason}\n{detail}\n(and: {exc!r})", "total": 0.0,
                "max_total": 0.0, "exercises": {m: [0.0, 0.0] for m in task["modules"]},
                "results": {"score": 0.0, "output": text, "tests": [],
                            "extra_data": {"seed": task["seed"], "grader_error": detail[-4000:]}},
                "feedback": text, "sandbox": "none", "seconds": 0.0}


class Recorder:
    """The one writer: commits each answer as it arrives and moves the progress bar."""

    def __init__(self, conn, progress, bar):
        self.conn, self.progress, self.bar = conn, progress, bar
        self.counts = dict.fromkeys(STATUSES, 0)

    def result(self, task: dict, message: dict) -> None:
        try:
            row = row_of(task, message)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            self.error(task, f"the grader process sent a malformed result ({exc!r})", "")
            return
        self._commit(row)

    def error(self, task: dict, reason: str, detail: str) -> None:
        message = error_message(task, reason, detail)
        message["seconds"] = time.monotonic() - task["started"]
        self._commit(row_of(task, message))

    def _commit(self, row: gradebook.Row) -> None:
        gradebook.record(self.conn, row)
        self.counts[row.status] += 1
        if row.status == "unreadable":
            self.progress.console.print(f"{row.entry}: {row.error} (recorded as 0)", style="yellow", markup=False)
        elif row.status in RETRIED:
            first = (row.error or "").splitlines()[0] if row.error else ""
            what = "recorded as 0" if row.status == "grader_error" else "the other checks counted"
            self.progress.console.print(f"{row.entry}: GRADER ERROR ({what}): {first}", style="red", markup=False)
        self.progress.update(self.bar, advance=1, description=row.student[:24].ljust(24))


def plan(entries, done, seed: int, modules: list[str], regrade: bool):
    """Entries to grade now and the number skipped as already graded."""
    todo, skipped = [], 0
    for e in entries:
        old = done.get(e.student)
        if not regrade and old is not None and old[:3] == (seed, modules, e.fingerprint) \
                and old[3] not in RETRIED:
            skipped += 1
        else:
            todo.append(e)
    return todo, skipped


def lock(path: str):
    """Hold an exclusive lock next to the gradebook for this run: two writers would race."""
    handle = open(path + ".lock", "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def progress_bar(quiet: bool):
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("eta"), TimeRemainingColumn())
    return Progress(*columns, console=Console(stderr=True, soft_wrap=True), disable=quiet)


def cmd_batch(args) -> int:
    folder, db = args.submissions, args.gradebook
    if not os.path.isdir(folder):
        print(f"grader: {folder} is not a folder of submissions.", file=sys.stderr)
        return 2
    modules = _modules(args.only)
    os.makedirs(os.path.dirname(os.path.abspath(db)), exist_ok=True)
    held = lock(db)
    if held is None:
        print(f"grader: another batch is writing {db}; wait for it to finish.", file=sys.stderr)
        return 2
    try:
        conn = gradebook.connect(db)
    except gradebook.GradebookError as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    exclude = [db + suffix for suffix in ("", "-wal", "-shm", "-journal", ".lock")] + [args.feedback or db]
    entries = scan(folder, exclude)
    todo, skipped = plan(entries, gradebook.graded(conn), args.seed, modules, args.regrade)
    tasks = [{"id": i, "student": e.student, "entry": e.entry, "path": os.path.abspath(e.path),
              "fingerprint": e.fingerprint, "reject": e.reject, "seed": args.seed, "modules": modules}
             for i, e in enumerate(todo)]
    jobs = min(args.jobs or os.cpu_count() or 1, max(1, len(tasks)))
    start, code = time.monotonic(), 0
    with progress_bar(args.quiet) as progress:
        recorder = Recorder(conn, progress, progress.add_task("grading".ljust(24), total=len(tasks)))
        pool = Pool(jobs, recorder.result, recorder.error, task_timeout=args.timeout)
        try:
            pool.run(tasks)
        except BatchAborted as exc:
            progress.console.print(f"grader: batch stopped: {exc}", style="red", markup=False)
            code = 1
    if args.feedback:
        gradebook.write_feedback(conn, args.feedback, [e.student for e in entries])
    if not args.quiet:
        print(summary(recorder.counts, len(tasks), skipped, time.monotonic() - start, jobs, pool.restarts, db))
    conn.close()
    held.close()
    return code


def summary(counts, n, skipped, elapsed, jobs, restarts, db) -> str:
    done = sum(counts.values())
    if n == 0:
        lines = [f"Nothing to grade: all {skipped} submissions are already graded with this seed, these "
                 "exercises and these files (--regrade grades them again)."]
    else:
        lines = [f"Graded {done} of {n} submissions in {elapsed:.1f} s with {jobs} parallel grader(s) "
                 f"({elapsed / max(done, 1):.2f} s per submission)"
                 + (f"; {skipped} already graded, skipped" if skipped else "") + "."]
    if counts["unreadable"]:
        lines.append(f"{counts['unreadable']} not readable as a submission: recorded as 0 with the reason.")
    if counts["grader_error"]:
        lines.append(f"{counts['grader_error']} grader error(s): recorded as 0; running the batch again retries them.")
    if counts["check_error"]:
        lines.append(f"{counts['check_error']} submission(s) where some checks could not run (grader error, 0 for "
                     "those checks): running the batch again retries them.")
    if restarts:
        lines.append(f"{restarts} grader process(es) were restarted.")
    lines.append(f"Gradebook: {db}   (grader export {db} --csv grades.csv)")
    return "\n".join(lines)


def cmd_export(args) -> int:
    try:
        conn = gradebook.connect(args.gradebook, create=False)
    except gradebook.GradebookError as exc:
        print(f"grader: {exc}", file=sys.stderr)
        return 2
    text = gradebook.to_csv(conn)
    if args.csv:
        gradebook.write_atomic(args.csv, text)
    elif not args.feedback:
        sys.stdout.write(text)
    if args.feedback:
        count = gradebook.write_feedback(conn, args.feedback)
        print(f"Wrote feedback for {count} students to {args.feedback}", file=sys.stderr)
    for student, status, error in gradebook.problems(conn):
        first = error.splitlines()[0] if error else ""
        print(f"note: {student}: {status.replace('_', ' ')}: {first[:200]}", file=sys.stderr)
    conn.close()
    return 0
