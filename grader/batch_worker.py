"""One parallel grader of ``grader batch``: a trusted process that keeps one Zygote for all its work.

The batch parent starts it as ``python -m grader.batch_worker SLOT PARENT_PID
[--siblings SLOT,TASK_FD,ANSWER_FD,LOG_FD;...]``. It starts its zygote (torch is
imported once here and once in the zygote, not once per student), says ``ready``,
then reads tasks as JSON lines on stdin and answers each with one JSON line on the
original stdout. Everything it prints otherwise goes to stderr, so a stray print
cannot corrupt that channel. It never runs student code: that happens only in the
zygote's children. It dies with its parent (PR_SET_PDEATHSIG), and ends when its task
pipe is closed.

With ``--siblings``, once torch and the checks are imported it forks one more grader
per sibling, which serves the pipes the parent made for it and starts a zygote of its
own; the parent then has torch imported once for all of them. Each sibling is forked
through a middle process that ends at once, so that the parent (a subreaper, see
grader/pool.py) adopts it: it waits for that before it says anything, and from then on
it dies with the parent, not with the grader that forked it.
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import time
import traceback

PR_SET_PDEATHSIG = 1
GRADER_ERROR = ("Grader error: grading this submission failed inside the grader ({what}); "
                "it scores 0 for now. Please tell your instructor.")


def die_with_parent(parent: int) -> None:
    """SIGKILL when the parent ends; if it already has, end now."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl (not Linux): the closed task pipe still ends us
    if os.getppid() != parent:
        os._exit(1)


def payload(report, status: str, modules, error: str | None = None) -> dict:
    """The plain data the parent records: no object of ours crosses the pipe."""
    from grader import report as rep

    return {"op": "result", "status": status, "error": error,
            "total": report.score, "max_total": report.max_score,
            "exercises": {m: list(report.exercise(m)) for m in modules},
            "results": rep.to_gradescope(report), "feedback": rep.terminal(report),
            "sandbox": report.sandbox, "seconds": report.seconds}


def grader_error(task: dict, what: str, detail: str, sandbox: str = "none") -> dict:
    """The zero row for a submission the grader failed on; the traceback stays hidden from students."""
    from grader.report import unavailable_report

    message = GRADER_ERROR.format(what=what)
    report = unavailable_report(task["student"], message, task["seed"], sandbox, task["modules"])
    data = payload(report, "grader_error", task["modules"], error=f"{what}\n{detail}".strip())
    data["results"]["extra_data"]["grader_error"] = detail[-4000:]
    return data


def _spare_limits() -> dict:
    from grader.grading import Limits

    return Limits().for_child()  # what grade_task's children get (runner.grade's default limits)


def grade_task(task: dict, zygote) -> dict:
    from grader.report import unavailable_report
    from grader.runner import grade
    from grader.submission import SubmissionError, load

    start = time.monotonic()
    modules = task["modules"]
    try:
        if task.get("reject"):
            raise SubmissionError(task["reject"])
        submission = load(task["path"])
    except SubmissionError as exc:
        report = unavailable_report(task["student"], str(exc), task["seed"], zygote.sandbox, modules)
        status, error = "unreadable", str(exc)
    else:
        report = grade(submission, zygote, seed=task["seed"], modules=modules)
        broken = [f"{r.module}.{r.function}" for r in report.results if r.status == "error"]
        status = "check_error" if broken else "graded"
        error = f"checks that could not run (grader error): {', '.join(broken)}" if broken else None
    report.seconds = time.monotonic() - start
    return payload(report, status, modules, error=error)


def warm_up() -> None:
    """Import torch, the runner and every check module now, while the zygote imports torch too."""
    from grader.cli import import_trusted

    import_trusted(None)
    from grader import report  # noqa: F401


def parse_siblings(text: str) -> list[tuple[int, int, int, int]]:
    """``SLOT,TASK_FD,ANSWER_FD,LOG_FD;...`` (from grader/pool.py) as tuples of ints."""
    siblings = []
    for item in filter(None, text.split(";")):
        values = tuple(int(v) for v in item.split(","))
        if len(values) != 4:
            raise ValueError(f"bad sibling {item!r}")
        siblings.append(values)
    return siblings


def fork_siblings(siblings, parent: int, zygote, channel) -> None:
    """Fork one grader per sibling (see the module docstring); our copies of their fds are closed."""
    for sibling in siblings:
        middle = os.fork()
        if middle == 0:
            try:
                middle = os.getpid()
                if os.fork() == 0:
                    run_sibling(sibling, siblings, parent, middle, zygote, channel)
            finally:
                os._exit(0)
        os.waitpid(middle, 0)
        for fd in sibling[1:]:
            os.close(fd)


def run_sibling(own, siblings, parent: int, middle: int, zygote, channel) -> None:
    """The body of a forked grader: it never returns. ``middle``: the process that forked it,
    which ends at once; the batch process (``parent``) then adopts it, unless the batch is gone."""
    code = 1
    try:
        slot, task_fd, answer_fd, log_fd = own
        for sibling in siblings:  # the others' pipes: a copy held here would hide their end from the parent
            for fd in sibling[1:]:
                if sibling is not own:
                    try:
                        os.close(fd)
                    except OSError:
                        pass  # closed by the forking grader already
        zygote.abandon()  # the forking grader's: never ours to stop
        channel.close()
        os.dup2(log_fd, 2)
        os.dup2(log_fd, 1)
        os.close(log_fd)
        os.dup2(task_fd, 0)
        os.close(task_fd)
        deadline = time.monotonic() + 10
        while True:  # adopted by the batch once the middle process has ended
            ppid = os.getppid()
            if ppid == parent:
                break
            if ppid != middle or time.monotonic() > deadline:
                os._exit(1)  # adopted by another process: the batch has ended
            time.sleep(0.001)
        die_with_parent(parent)
        out = os.fdopen(answer_fd, "w", encoding="utf-8")

        def answer(message: dict) -> None:
            out.write(json.dumps(message) + "\n")
            out.flush()

        answer({"op": "forked", "pid": os.getpid()})
        tasks = open(0, "r", encoding="utf-8", closefd=False)
        from grader.client import Zygote

        ours = Zygote(slot=slot)
        try:
            serve(slot, tasks, answer, ours)
        finally:
            ours.close()
        code = 0
    except BrokenPipeError:
        code = 0  # the parent is gone
    except BaseException:  # noqa: BLE001 - the parent shows this tail when we end unexpectedly
        traceback.print_exc()
    finally:
        try:
            sys.stderr.flush()
        finally:
            os._exit(code)


def start(slot: int, tasks, answer, siblings=(), parent: int = 0, channel=None) -> None:
    """Start the zygote, import torch and the checks meanwhile, fork the siblings, then serve."""
    from grader.client import Zygote

    zygote = Zygote(slot=slot)  # torch starts loading in the zygote while we import the checks
    try:
        warm_up()
        if siblings:
            fork_siblings(siblings, parent, zygote, channel)
        serve(slot, tasks, answer, zygote)
    finally:
        zygote.close()


def serve(slot: int, tasks, answer, zygote) -> None:
    """Say ready once the zygote is, then grade each task; the caller closes the zygote."""
    zygote.wait_ready()
    answer({"op": "ready", "sandbox": zygote.sandbox, "pid": os.getpid()})
    for line in tasks:
        task = json.loads(line)
        try:
            result = grade_task(task, zygote)
        except Exception as exc:  # noqa: BLE001 - a bug of ours: a visible grader error, then go on
            result = grader_error(task, type(exc).__name__, traceback.format_exc(), zygote.sandbox)
        result["id"] = task["id"]
        answer(result)
        zygote.prespawn(_spare_limits())  # the next submission's child, forked while the parent records this one


def main(argv: list[str]) -> None:
    slot, parent = int(argv[0]), int(argv[1])
    siblings = parse_siblings(argv[3]) if argv[2:3] == ["--siblings"] else []
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent handles it
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def answer(message: dict) -> None:
        channel.write(json.dumps(message) + "\n")  # ASCII: a lone surrogate in student text cannot end us
        channel.flush()

    code = 0
    try:
        start(slot, sys.stdin, answer, siblings, parent, channel)
    except BrokenPipeError:
        pass  # the parent is gone
    except BaseException:  # noqa: BLE001 - the parent shows this tail when we end unexpectedly
        traceback.print_exc()
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)  # skip torch's slow interpreter teardown


if __name__ == "__main__":
    main(sys.argv[1:])
