"""``grader batch``: grade a class folder into the SQLite gradebook; ``grader export``: read it back.

Every sub-folder, ``.zip`` and ``.ipynb`` of the folder is one student (named as
``submission.student_id`` does); any other entry is recorded as a zero with the
reason: a file that is not a submission, a symbolic link (never followed: a link
to solutions/ must not be graded), a pipe, socket or device (never opened), a
hidden entry (its name starts with a dot), an entry that cannot be read. Only the
gradebook's own files and the operating system's litter (``.DS_Store``,
``Thumbs.db``, ``__MACOSX``, ``._*`` resource forks, ...) are skipped without a
row. Scanning is iterative and bounded, and names that are not UTF-8 or hold
control characters become clean student ids (``grader/text.py``) while the
entry itself is still read by its real name. Grading runs on parallel grader processes (grader/pool.py), each keeping one
warm zygote; this process alone writes the gradebook, one transaction per
submission, so a batch killed at any moment can simply be started again: what is
recorded for the same seed, exercises and files is skipped (``--regrade`` redoes it).
This process never imports torch unless a grader process fails.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import stat
import sys
import time
from dataclasses import dataclass

from grader import gradebook, text
from grader.cli import _modules
from grader.pool import BatchAborted, Pool
from grader.submission import student_id
from grader import seeds

# skipped without a row: the operating system's and the tools' litter, never a student's work
IGNORED = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini", ".localized", ".Trashes", ".Spotlight-V100",
           ".fseventsd", ".TemporaryItems", ".ipynb_checkpoints", ".git", ".hypothesis", ".pytest_cache"}
STATUSES = ("graded", "unreadable", "check_error", "grader_error")
RETRIED = ("check_error", "grader_error")  # a later run grades these again
MAX_FINGERPRINT_FILES = 5000
MAX_FINGERPRINT_DEPTH = 16  # deeper than a submission is ever read (submission.MAX_DEPTH)


@dataclass
class Entry:
    student: str
    entry: str  # name(s) in the submissions folder
    path: str
    fingerprint: str
    reject: str | None = None  # why it is a zero without being read


def fingerprint(path: str) -> str:
    """Names, sizes and modification times of everything under ``path``: cheap, and changes with any edit.

    Iterative and bounded (MAX_FINGERPRINT_FILES entries, MAX_FINGERPRINT_DEPTH folders down), never
    follows a symbolic link, and works on names as bytes, so that neither 1,100 nested folders nor a
    name that is not UTF-8 can stop a batch.
    """
    digest = hashlib.sha256()
    top = os.fsencode(path)
    st = os.lstat(top)
    digest.update(b"\0%d\0%d\0%d\n" % (st.st_mode, st.st_size, st.st_mtime_ns))
    if not stat.S_ISDIR(st.st_mode):
        return digest.hexdigest()[:24]
    seen = 0
    todo = [(b"", 0)]
    while todo and seen < MAX_FINGERPRINT_FILES:
        rel, depth = todo.pop()
        try:
            with os.scandir(os.path.join(top, rel) if rel else top) as it:
                entries = []
                for entry in it:
                    entries.append(entry)
                    if len(entries) + seen >= MAX_FINGERPRINT_FILES:
                        break
        except OSError:
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            seen += 1
            name = os.path.join(rel, entry.name) if rel else entry.name
            try:
                est = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            digest.update(name + b"\0%d\0%d\0%d\n" % (est.st_mode, est.st_size, est.st_mtime_ns))
            if stat.S_ISDIR(est.st_mode) and depth < MAX_FINGERPRINT_DEPTH:
                todo.append((name, depth + 1))
    return digest.hexdigest()[:24]


def reject_reason(full: str, name: str) -> str | None:
    """Why a class entry is a zero without being read (None: hand it to the grader)."""
    try:
        st = os.lstat(full)
    except OSError as exc:
        return f"{text.name(name)} cannot be read ({text.clean(exc.strerror or exc, one_line=True)})."
    if stat.S_ISLNK(st.st_mode):
        return (f"{text.name(name)} is a symbolic link; the grader does not follow links in the class folder. "
                "Put the submission itself there.")
    if not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
        return (f"{text.name(name)} is not a file or a folder (a pipe, a socket or a device); "
                "it was not opened.")
    if name.startswith("."):
        return (f"{text.name(name)} is hidden (its name starts with a dot), so it is not graded. "
                "If it is a submission, rename it without the leading dot and grade again.")
    return None


def _ignored(name: str) -> bool:
    return name in IGNORED or name.startswith("._")  # ._x: macOS resource forks


def scan(folder: str, exclude=()) -> list[Entry]:
    """The students of ``folder``, sorted; two entries with one student id become one rejected entry.

    Every entry gets a row (see the module docstring for the few skipped silently); one that
    cannot be read becomes a rejected entry with its reason, and the scan goes on.
    """
    skip = {os.path.realpath(p) for p in exclude}
    real = os.path.realpath(folder)
    by_student: dict[str, list[str]] = {}
    for name in sorted(os.listdir(folder)):
        full = os.path.join(folder, name)
        if _ignored(name) or os.path.join(real, name) in skip or os.path.realpath(full) in skip:
            continue
        student = student_id(full)
        if text.name(name, limit=None) != name:  # cleaned: keep two such names apart ("caf\xe9", "caf\xe8")
            student += "-" + hashlib.sha256(os.fsencode(name)).hexdigest()[:6]
        by_student.setdefault(student, []).append(name)
    entries = []
    for student, names in sorted(by_student.items()):
        paths = [os.path.join(folder, n) for n in names]
        shown = ", ".join(text.name(n) for n in names)
        reasons = [r for r in (reject_reason(p, n) for n, p in zip(names, paths)) if r]
        try:
            fp = hashlib.sha256(b"".join(os.fsencode(n) + b"\0" + fingerprint(p).encode()
                                         for n, p in zip(names, paths)))
            digest = fp.hexdigest()[:24]
        except (OSError, ValueError) as exc:
            digest = "unreadable"
            reasons.append(f"{shown} cannot be read ({text.clean(getattr(exc, 'strerror', None) or exc, one_line=True)}).")
        entry = Entry(student or "_", shown, paths[0], digest)
        if len(names) > 1:
            entry.reject = (f"There are {len(names)} submissions for {student} ({entry.entry}); "
                            "the grader cannot tell which one counts. Keep one and grade again.")
        elif reasons:
            entry.reject = reasons[0]
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
        feedback=text.clean(message["feedback"]), sandbox=text.clean(message["sandbox"], one_line=True),
        seconds=float(message["seconds"]),
        error=None if message.get("error") is None else text.clean(message["error"]))


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
                            "extra_data": {"seed": seeds.label(task["seed"]), "grader_error": detail[-4000:]}},
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
        self.progress.update(self.bar, advance=1)


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


def workers_lines(pool, now: float | None = None) -> list[str]:
    """One line per grader process: the student it is grading and for how long (or that it is starting)."""
    now = time.monotonic() if now is None else now
    lines = []
    for g in sorted(list(getattr(pool, "graders", []) or []), key=lambda g: g.slot):
        task = g.task
        if task is not None:
            seconds = now - task.get("started", now)
            lines.append(f"  grader {g.slot + 1}: {str(task['student'])[:40]:<40} {seconds:6.1f} s")
        elif not g.ready:
            lines.append(f"  grader {g.slot + 1}: starting (importing torch)")
        else:
            lines.append(f"  grader {g.slot + 1}: idle")
    return lines


def progress_bar(quiet: bool):
    """The bar (done / total, elapsed) and, under it, what each grader process is doing right now."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class BatchProgress(Progress):
        pool = None

        def get_renderables(self):
            yield self.make_tasks_table(self.tasks)
            lines = workers_lines(self.pool) if self.pool is not None and not self.finished else []
            if lines:
                yield Text("\n".join(lines), style="dim")

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return BatchProgress(*columns, console=Console(stderr=True, soft_wrap=True), disable=quiet,
                         refresh_per_second=4)


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
        recorder = Recorder(conn, progress, progress.add_task("grading", total=len(tasks)))
        pool = Pool(jobs, recorder.result, recorder.error, task_timeout=args.timeout)
        progress.pool = pool
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
    table = gradebook.to_csv(conn)
    if args.csv:
        gradebook.write_atomic(args.csv, table)
    elif not args.feedback:
        sys.stdout.write(table)
    if args.feedback:
        count = gradebook.write_feedback(conn, args.feedback)
        print(f"Wrote feedback for {count} students to {args.feedback}", file=sys.stderr)
    for student, status, error in gradebook.problems(conn):
        first = error.splitlines()[0] if error else ""
        print(text.clean(f"note: {student}: {status.replace('_', ' ')}: {first[:200]}", one_line=True),
              file=sys.stderr)
    conn.close()
    return 0
