"""Command line: ``grader grade``, ``grader check`` and friends.

Every mistake on the command line (a path that cannot be what it names, a seed or a
timeout that is not one, an unknown exercise or language) is refused before any work
starts, with one line on stderr and exit status 2: argument types check values,
``validate`` checks the files and folders each command reads and writes.
"""
from __future__ import annotations

import argparse
import math
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from grader.contract import MODULES

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LANGS = ("en", "zh")
MIN_SECONDS = 0.5  # below this, every call times out: a right answer would score 0
MAX_SECONDS = 7 * 24 * 3600.0  # longer than any limit makes sense; larger values overflow timers
MAX_JOBS = 256
MAX_SEED = 2**63 - 1  # fits SQLite's INTEGER and torch's manual_seed


class UsageError(Exception):
    """A mistake on the command line: one line for stderr, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse, with errors on one line (no usage block) so that the mistake is what one reads."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {one_line(message)} (see {self.prog} --help)\n")


def one_line(text) -> str:
    """Text for a one-line message: control characters (a newline in a path) shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def shown(path) -> str:
    return one_line(os.fsdecode(path))


# ----------------------------------------------------------------------------- argument types

def seed_value(text: str) -> int:
    try:
        value = int(str(text).strip(), 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the seed must be a whole number, not {one_line(text)!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"the seed must be between 0 and {MAX_SEED}, not {value}")
    return value


def seconds_value(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{one_line(text)!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"a time limit must be a positive number of seconds, not {one_line(text)}")
    if value < MIN_SECONDS:
        raise argparse.ArgumentTypeError(f"{value:g} s is too short to grade anything (a correct answer would "
                                         f"time out and score 0); use at least {MIN_SECONDS:g} s")
    if value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"{value:g} s is longer than the largest limit allowed ({MAX_SECONDS:g} s)")
    return value


def jobs_value(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the number of parallel graders must be a whole number, "
                                         f"not {one_line(text)!r}") from None
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"the number of parallel graders must be between 1 and {MAX_JOBS}, "
                                         f"not {value}")
    return value


def module_value(text: str) -> str:
    name = text[:-3] if text.endswith(".py") else text
    if name not in MODULES:
        raise argparse.ArgumentTypeError(f"unknown exercise {one_line(text)!r}; choose from {', '.join(MODULES)}")
    return name


def lang_value(text: str) -> str:
    """en or zh; also as locales write them (zh_CN.UTF-8, zh-CN, EN)."""
    lang = text.strip().lower().replace("_", "-").split(".")[0].split("-")[0]
    if lang not in LANGS:
        raise argparse.ArgumentTypeError(f"unknown language {one_line(text)!r}; choose from {', '.join(LANGS)}")
    return lang


def assignment_value(text: str) -> str:
    if not text.isidentifier() or not text.isascii():
        raise argparse.ArgumentTypeError(f"assignment name {one_line(text)!r}: use letters, digits and underscores, "
                                         "not starting with a digit")
    return text


def env_seed() -> int | None:
    """GRADER_SEED, checked by ``check_environment`` before the parser is built."""
    text = os.environ.get("GRADER_SEED")
    return None if text is None or not text.strip() else seed_value(text)


def check_environment() -> None:
    text = os.environ.get("GRADER_SEED")
    if text is not None and text.strip():
        try:
            seed_value(text)
        except argparse.ArgumentTypeError as exc:
            raise UsageError(f"GRADER_SEED={one_line(text)}: {exc}") from None
    lang = os.environ.get("GRADER_LANG")
    if lang:
        try:
            lang_value(lang)
        except argparse.ArgumentTypeError as exc:
            raise UsageError(f"GRADER_LANG={one_line(lang)}: {exc}") from None


# ----------------------------------------------------------------------------- files and folders

def _probe(directory: str) -> str | None:
    """Why nothing can be created in ``directory`` (None when a file can)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".grader-probe-")
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    os.unlink(tmp)
    return None


def _creatable(path: str) -> str | None:
    """Why ``path`` (absent) could not be created, judged by its nearest existing ancestor."""
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent):
        up = os.path.dirname(parent)
        if up == parent:
            break
        parent = up
    if not os.path.isdir(parent):
        return f"{shown(parent)} is a file, not a folder"
    why = _probe(parent)
    return f"cannot create files in {shown(parent)} ({why})" if why else None


def need_name(path: str, what: str) -> None:
    if not path or not path.strip():
        raise UsageError(f"{what}: an empty file name")


def same_file(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def inside(path: str, folder: str) -> bool:
    """``path`` is ``folder`` or lies under it."""
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def need_apart(outputs: dict[str, str], inputs: dict[str, str]) -> None:
    """No output overwrites an input or another output (``grades.db --csv grades.db``)."""
    names = [(what, p) for what, p in outputs.items() if p]
    for k, (what, p) in enumerate(names):
        for other, q in list(inputs.items()) + names[:k]:
            if q and same_file(p, q):
                raise UsageError(f"{what} {shown(p)} is also {other}: it would be overwritten; choose another name")


def need_existing(path: str, what: str) -> None:
    need_name(path, what)
    if not os.path.exists(path):
        raise UsageError(f"{what} {shown(path)} does not exist")


def not_regular(path: str) -> str | None:
    """What ``path`` is when it exists and is not a plain file (a symlink, device, FIFO, socket, folder).

    Outputs are written to a temporary file renamed over the target: such a target would be
    replaced (as root, ``--json /dev/null`` would replace the system's /dev/null) or, for a FIFO,
    block forever. So they are refused, never followed."""
    import stat

    try:
        mode = os.lstat(path).st_mode
    except OSError:  # absent, or under a file (ENOTDIR): whether it can be made is judged elsewhere
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def need_output_file(path: str, option: str) -> None:
    """``path`` can be written as a file: absent or a regular file (never a folder, device, FIFO,
    socket or symbolic link), and its folder exists or can be made and is writable."""
    need_name(path, option)
    what = not_regular(path)
    if what == "a folder":
        raise UsageError(f"{option} {shown(path)} is a folder; give a file name")
    if what:
        raise UsageError(f"{option} {shown(path)} exists and is {what}, not a regular file; "
                         "it would be replaced: give a file name")
    if os.path.exists(path):
        why = _probe(os.path.dirname(os.path.abspath(path)))
        if why is None:
            try:
                with open(path, "ab"):
                    pass
            except OSError as exc:
                why = exc.strerror or str(exc)
    else:
        why = _creatable(path)
    if why:
        raise UsageError(f"cannot write {option} {shown(path)}: {why}")


def need_output_dir(path: str, option: str, empty: bool = False) -> None:
    """``path`` is a folder we can write into, or can be made."""
    need_name(path, option)
    if os.path.exists(path):
        if not os.path.isdir(path):
            raise UsageError(f"{option} {shown(path)} is a file, not a folder")
        if empty and os.listdir(path):
            raise UsageError(f"{option} {shown(path)} is not empty; choose a new folder")
        why = _probe(path)
    else:
        why = _creatable(path)
    if why:
        raise UsageError(f"cannot write {option} {shown(path)}: {why}")


def sqlite_tables(path: str) -> set[str] | None:
    """The tables of a SQLite file (read only), or None when the file is not SQLite."""
    if os.path.getsize(path) == 0:
        return set()
    for mode in ("rw", "ro"):  # rw first: closing it removes the -wal/-shm files a read leaves behind
        try:
            conn = sqlite3.connect(Path(os.path.abspath(path)).as_uri() + f"?mode={mode}", uri=True, timeout=5)
        except sqlite3.Error:
            continue
        try:
            return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.Error:
            if mode == "ro":
                return None
        finally:
            conn.close()
    return None


def need_gradebook(path: str, *, create: bool, seed: int | None = None, regrade: bool = False) -> None:
    """A gradebook of this grader (or a new file, with ``create``); with ``seed``, one graded with it."""
    from grader.gradebook import SCHEMA_VERSION

    need_name(path, "the gradebook")
    if os.path.isdir(path):
        raise UsageError(f"the gradebook {shown(path)} is a folder; give a file name such as grades.db")
    if not os.path.exists(path):
        if not create:
            raise UsageError(f"the gradebook {shown(path)} does not exist (grader batch SUBMISSIONS "
                             f"--gradebook {shown(path)} creates it)")
        need_output_file(path, "--gradebook")
        return
    if os.path.isfile(path) and os.path.getsize(path) == 0:
        raise UsageError(f"{shown(path)} is an empty file, not a gradebook; give a new file name (it is created)")
    if not os.path.isfile(path):  # a device, FIFO or socket (a symbolic link to a gradebook is fine)
        raise UsageError(f"the gradebook {shown(path)} is not a regular file; give a file name such as grades.db")
    ours = {"grades", "exercise_points"}
    tables = sqlite_tables(path)
    if tables is None:
        raise UsageError(f"{shown(path)} is not a gradebook (not a SQLite file); give a new file name")
    other = sorted(tables - ours)
    if other:
        guess = " (it looks like nbgrader's gradebook.db)" if {"assignment", "student"} & set(other) else ""
        raise UsageError(f"{shown(path)} is not this grader's gradebook: it holds other tables "
                         f"({', '.join(other[:5])}){guess}; give a new file name")
    if not create and "grades" not in tables:
        raise UsageError(f"{shown(path)} is not a gradebook: it holds no grades")
    if create:
        need_output_file(path, "--gradebook")
    if "grades" not in tables:
        return
    try:
        conn = sqlite3.connect(Path(os.path.abspath(path)).as_uri() + "?mode=rw", uri=True, timeout=5)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            seeds = sorted(s for (s,) in conn.execute("SELECT DISTINCT seed FROM grades"))
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise UsageError(f"cannot read the gradebook {shown(path)}: {exc}") from None
    if version > SCHEMA_VERSION:
        raise UsageError(f"{shown(path)} was written by a newer grader (schema {version})")
    if seed is not None and not regrade and any(s != seed for s in seeds):
        held = ", ".join(map(str, seeds[:3])) + (", ..." if len(seeds) > 3 else "")
        raise UsageError(f"{shown(path)} holds grades made with seed {held}, not {seed}: pass that --seed to "
                         f"resume, --regrade to grade everyone again with seed {seed}, or a new gradebook")


def validate(args) -> None:
    """Check the files and folders of this command before any work starts (raises UsageError)."""
    command = args.command
    for option in ("json", "report", "csv", "feedback", "exchange"):
        if getattr(args, option, None) == "":
            raise UsageError(f"--{option}: an empty file name")
    if command in ("grade", "check"):
        if command == "grade":
            need_existing(args.submission, "the submission")
        submission = args.submission if command == "grade" else (args.folder or "exercises")
        need_apart({"--json": args.json, "--report": args.report}, {"the submission": submission})
        kinds = {"--json": (".json",), "--report": (".html", ".htm", ".md")}
        for option, path in (("--json", args.json), ("--report", args.report)):
            # a results file beside the modules is harmless; one that the grader would read as part of the
            # submission (.py, .ipynb, .zip), or that replaces a file of another kind, is not
            if path and inside(path, submission) and (path.lower().endswith((".py", ".ipynb", ".zip"))
                                                      or (os.path.lexists(path)
                                                          and not path.lower().endswith(kinds[option]))):
                raise UsageError(f"{option} {shown(path)} is inside the submission {shown(submission)}: it would "
                                 "overwrite or add to what is graded; write it elsewhere")
        if args.json:
            need_output_file(args.json, "--json")
        if args.report:
            from grader.feedback import report_format
            try:
                report_format(args.report)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            need_output_file(args.report, "--report")
    elif command == "batch":
        if not os.path.isdir(args.submissions):
            what = "is a file" if os.path.exists(args.submissions) else "does not exist"
            raise UsageError(f"{shown(args.submissions)} {what}: give the folder that holds one sub-folder, "
                             ".zip or .ipynb per student")
        need_gradebook(args.gradebook, create=True, seed=args.seed, regrade=args.regrade)
        if args.feedback:
            need_output_dir(args.feedback, "--feedback")
            if inside(args.feedback, args.submissions) or inside(args.submissions, args.feedback):
                raise UsageError(f"--feedback {shown(args.feedback)} overlaps the submissions folder "
                                 f"{shown(args.submissions)}: its files would be read as students; choose another folder")
    elif command == "export":
        need_gradebook(args.gradebook, create=False)
        need_apart({"--csv": args.csv}, {"the gradebook": args.gradebook})
        if args.csv:
            need_output_file(args.csv, "--csv")
        if args.feedback:
            need_output_dir(args.feedback, "--feedback")
    elif command == "nbgrader":
        need_output_dir(args.course_dir, "COURSE_DIR")
        if (os.path.isdir(args.course_dir) and os.listdir(args.course_dir)
                and not os.path.exists(os.path.join(args.course_dir, "nbgrader_config.py"))):
            raise UsageError(f"COURSE_DIR {shown(args.course_dir)} is not empty and is not an nbgrader course "
                             "(no nbgrader_config.py); choose a new folder")
        if args.exchange:
            need_output_dir(args.exchange, "--exchange")
    elif command == "gradescope":
        if not args.zip.lower().endswith(".zip"):
            raise UsageError(f"{shown(args.zip)}: the autograder's file name must end in .zip")
        need_output_file(args.zip, "the autograder zip")
    elif command == "release":
        need_output_dir(args.out_dir, "OUT_DIR", empty=True)
    elif command == "insights":
        need_existing(args.source, "the source")
        outputs = {"--html": args.html, "--long": args.long}
        need_apart(outputs, {"the source": args.source})
        for option, path in outputs.items():
            if path:
                if inside(path, args.source):
                    raise UsageError(f"{option} {shown(path)} is inside the source {shown(args.source)}: "
                                     "it would be read as results; write it elsewhere")
                need_output_file(path, option)
        if args.html and not args.no_reports:
            stem = os.path.splitext(os.path.basename(args.html))[0]
            folder = os.path.join(os.path.dirname(os.path.abspath(args.html)), f"{stem}-reports")
            if inside(args.source, folder):
                raise UsageError(f"--html {shown(args.html)}: its reports folder {shown(folder)} holds the source")
            if os.path.lexists(folder) and not_regular(folder) != "a folder":
                raise UsageError(f"--html {shown(args.html)}: {shown(folder)} (where the students' reports go) "
                                 "exists and is not a folder")


def _modules(only):
    if not only:
        return list(MODULES)
    bad = [m for m in only if m not in MODULES]
    if bad:
        raise SystemExit(f"grader: unknown exercise {', '.join(bad)}; choose from {', '.join(MODULES)}")
    return [m for m in MODULES if m in only]


def limits_from(args):
    from grader.grading import Limits

    limits = Limits()
    if getattr(args, "call_timeout", None):
        limits.call_seconds = args.call_timeout
    if getattr(args, "import_timeout", None):
        limits.import_seconds = args.import_timeout
    if getattr(args, "submission_timeout", None):
        limits.submission_seconds = args.submission_timeout
    return limits


def load_submission(path: str):
    """The submission at ``path``, or the SubmissionError that says why it cannot be graded."""
    from grader.submission import SubmissionError, load

    try:
        return load(path)
    except SubmissionError as exc:
        return exc


def grade_one(path: str, *, seed: int, modules, json_out: str | None = None, zygote=None, limits=None,
              loaded=None):
    """Grade one submission end to end; the report is written even when the submission is bad.
    ``loaded``: what ``load_submission(path)`` gave, when it was already called."""
    from grader.client import Zygote
    from grader.submission import SubmissionError, libraries_used, student_id

    if loaded is None:
        loaded = load_submission(path)
    own = zygote is None
    if own:  # starts importing torch in the worker while we load the checks
        zygote = Zygote(preload=() if isinstance(loaded, SubmissionError) else libraries_used(loaded))
    from grader import report as rep
    from grader.runner import grade
    try:
        if json_out:
            rep.write_json(json_out, rep.placeholder(student_id(path), seed, modules))
        if isinstance(loaded, SubmissionError):
            result = rep.unavailable_report(student_id(path), str(loaded), seed, zygote.sandbox, modules)
        else:
            submission = loaded
            try:
                result = grade(submission, zygote, seed=seed, modules=modules, limits=limits)
            except Exception as exc:  # noqa: BLE001 - still write a valid report, then fail loudly
                from grader.runner import Report, grader_error

                result = Report(submission=submission.name, sandbox=zygote.sandbox, seed=seed,
                                error=f"grader error: {exc}")
                result.results.append(grader_error("grader", exc))
        if json_out:
            rep.write_json(json_out, rep.to_gradescope(result))
        return result
    finally:
        if own:
            zygote.close()


def import_trusted(modules) -> None:
    """Import torch, the runner and the checks of ``modules`` (None: all) with the collector
    paused, then freeze what they made: the collections during the imports would find no garbage
    (0.1 s of them), and later ones need not walk these objects (nor, in graders forked from this
    process, copy the pages they share). The collector is on again for the grading."""
    import gc

    gc.disable()
    try:
        import torch

        torch.set_num_threads(1)  # the checks' tensors are tiny: pool threads would only spin and contend
        from grader.runner import load_checks

        for module in modules or MODULES:
            try:
                load_checks(module)
            except Exception:  # noqa: BLE001 - grade() reports a broken check module where it belongs
                pass
    finally:
        gc.freeze()
        gc.enable()


def cmd_grade(args) -> int:
    lang, report_path = getattr(args, "lang", "en"), getattr(args, "report", None)
    start = time.monotonic()
    from grader import seeds
    from grader.client import Zygote
    from grader.submission import SubmissionError, libraries_used

    # first: the worker imports torch while this process reads the submission, imports torch and the checks
    zygote = Zygote()
    loaded = load_submission(args.submission)  # milliseconds; it tells what the worker should preload too
    if not isinstance(loaded, SubmissionError):
        zygote.preload_soon(libraries_used(loaded))
    seeds.prepare(args.seed)
    try:
        import_trusted(_modules(args.only))
        result = grade_one(args.submission, seed=args.seed, modules=_modules(args.only), json_out=args.json,
                           zygote=zygote, limits=limits_from(args), loaded=loaded)
    finally:
        zygote.close()
    result.seconds = time.monotonic() - start
    from grader import report as rep

    if not args.quiet:
        print(rep.terminal(result, verbose=args.verbose, lang=lang))
    if report_path:
        from grader.feedback import write_report
        if not write_report(result, report_path, lang=lang, quiet=args.quiet):
            return 1
    return 1 if (result.error or "").startswith("grader error") else 0


def cmd_check(args) -> int:
    args.submission = args.folder or os.path.join(os.getcwd(), "exercises")
    return cmd_grade(args)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``command`` "grade" or "check", only theirs (a cold grade
    starts its worker sooner without importing what the other commands need)."""
    from grader.contract import DEFAULT_SEED

    parser = Parser(prog="grader", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    seed = env_seed()
    seed = DEFAULT_SEED if seed is None else seed
    lang = lang_value(os.environ.get("GRADER_LANG") or "en")

    def common(p):
        p.add_argument("--seed", type=seed_value, default=seed,
                       help="seed of the random inputs (instructors: set your own; default %(default)s)")
        p.add_argument("--only", nargs="+", type=module_value, metavar="MODULE", help="grade only these exercises")
        p.add_argument("--json", metavar="OUT.json", help="write Gradescope-format results here")
        p.add_argument("-v", "--verbose", action="store_true", help="show every check, not just the first failure")
        p.add_argument("-q", "--quiet", action="store_true", help="print nothing")
        p.add_argument("--report", metavar="OUT.html|OUT.md", help="write a feedback report with pictures here")
        p.add_argument("--lang", type=lang_value, default=lang, metavar="{en,zh}",
                       help="language of the report and the terminal output (default %(default)s)")
        p.add_argument("--call-timeout", type=seconds_value, metavar="S",
                       help="seconds one call into student code may take (default 10)")
        p.add_argument("--import-timeout", type=seconds_value, metavar="S",
                       help="seconds importing one module (or running a notebook) may take (default 30)")
        p.add_argument("--submission-timeout", type=seconds_value, metavar="S",
                       help="seconds one whole submission may take (default 240)")

    g = sub.add_parser("grade", help="grade one submission (folder, .zip or .ipynb)")
    g.add_argument("submission")
    common(g)
    g.set_defaults(func=cmd_grade)

    c = sub.add_parser("check", help="self-check: grade your exercises/ folder")
    c.add_argument("folder", nargs="?")
    common(c)
    c.set_defaults(func=cmd_check)
    if command in ("grade", "check"):
        return parser

    from grader import batch

    b = sub.add_parser("batch", help="grade a folder of submissions (one per student) into a SQLite gradebook")
    b.add_argument("submissions", metavar="SUBMISSIONS_DIR")
    b.add_argument("--gradebook", required=True, metavar="GRADES.db", help="SQLite gradebook, created if missing")
    b.add_argument("--jobs", "-j", type=jobs_value, default=None, metavar="N",
                   help="parallel graders (default: the number of CPUs)")
    b.add_argument("--seed", type=seed_value, default=seed,
                   help="seed of the random inputs (default %(default)s); a gradebook keeps one seed")
    b.add_argument("--only", nargs="+", type=module_value, metavar="MODULE", help="grade only these exercises")
    b.add_argument("--regrade", action="store_true",
                   help="grade again what the gradebook already holds (needed to change the seed)")
    b.add_argument("--feedback", metavar="DIR", help="write DIR/<student>.txt and DIR/<student>.json")
    b.add_argument("--timeout", type=seconds_value, default=300.0, metavar="SECONDS",
                   help="longest one submission may take before it is recorded as a grader error")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    b.set_defaults(func=batch.cmd_batch)

    e = sub.add_parser("export", help="write a gradebook as a CSV (and feedback files)")
    e.add_argument("gradebook", metavar="GRADES.db")
    e.add_argument("--csv", metavar="GRADES.csv", help="one row per student (default: print it)")
    e.add_argument("--feedback", metavar="DIR", help="write DIR/<student>.txt and DIR/<student>.json")
    e.set_defaults(func=batch.cmd_export)

    from grader.integrations import gradescope, nbgrader, release

    for integration in (nbgrader, gradescope, release):
        integration.add_parser(sub)

    from grader import insights

    insights.add_parser(sub)
    return parser


def main(argv=None) -> int:
    from grader import safepath

    safepath.harden(sys.argv[1:] if argv is None else argv)
    try:
        check_environment()
        given = sys.argv[1:] if argv is None else list(argv)
        parser = build_parser(given[0] if given else None)
        args = parser.parse_args(argv)
        if args.command == "check":
            folder = args.folder or os.path.join(os.getcwd(), "exercises")
            if not os.path.isdir(folder):
                raise UsageError(f"no folder {shown(folder)}: run this where your exercises/ folder is, "
                                 "or name your folder (grader check FOLDER)")
        validate(args)
    except UsageError as exc:
        command = getattr(locals().get("args"), "command", None)
        print(f"grader{' ' + command if command else ''}: {one_line(exc)}", file=sys.stderr)
        return _exit(2, argv)
    try:
        code = args.func(args)
    except KeyboardInterrupt:
        code = 130
    return _exit(code, argv)


def _exit(code: int, argv) -> int:
    if argv is None:  # a real command line: skip torch's slow interpreter teardown
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
