"""Command line: ``grader grade``, ``grader check`` and friends."""
from __future__ import annotations

import argparse
import os
import sys
import time

from grader.contract import MODULES

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


def grade_one(path: str, *, seed: int, modules, json_out: str | None = None, zygote=None, limits=None):
    """Grade one submission end to end; the report is written even when the submission is bad."""
    from grader.client import Zygote

    own = zygote is None
    if own:
        zygote = Zygote()  # starts importing torch in the worker while we load the checks
    from grader import report as rep
    from grader.runner import grade
    from grader.submission import SubmissionError, load, student_id
    try:
        if json_out:
            rep.write_json(json_out, rep.placeholder(student_id(path), seed, modules))
        try:
            submission = load(path)
        except SubmissionError as exc:
            result = rep.unavailable_report(student_id(path), str(exc), seed, zygote.sandbox, modules)
        else:
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


def cmd_grade(args) -> int:
    lang, report_path = getattr(args, "lang", "en"), getattr(args, "report", None)
    if report_path:
        from grader.feedback import usage_check
        usage_check(report_path)
    if args.json:
        try:  # a path we cannot write is the caller's mistake: say so before grading anything
            os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
            with open(args.json, "a", encoding="utf-8"):
                pass
        except OSError as exc:
            print(f"grader: cannot write {args.json}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    start = time.monotonic()
    result = grade_one(args.submission, seed=args.seed, modules=_modules(args.only), json_out=args.json,
                       limits=limits_from(args))
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
    if not os.path.isdir(args.submission):
        print(f"grader: no folder {args.submission}; run this in the repository or name your folder.")
        return 2
    return cmd_grade(args)


def build_parser() -> argparse.ArgumentParser:
    from grader.contract import DEFAULT_SEED

    parser = argparse.ArgumentParser(prog="grader", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--seed", type=int, default=int(os.environ.get("GRADER_SEED", DEFAULT_SEED)),
                       help="seed of the random inputs (instructors: set your own; default %(default)s)")
        p.add_argument("--only", nargs="+", metavar="MODULE", help="grade only these exercises")
        p.add_argument("--json", metavar="OUT.json", help="write Gradescope-format results here")
        p.add_argument("-v", "--verbose", action="store_true", help="show every check, not just the first failure")
        p.add_argument("-q", "--quiet", action="store_true", help="print nothing")
        p.add_argument("--report", metavar="OUT.html|OUT.md", help="write a feedback report with pictures here")
        p.add_argument("--lang", choices=("en", "zh"), default=os.environ.get("GRADER_LANG", "en"),
                       help="language of the report and the terminal output (default %(default)s)")
        p.add_argument("--call-timeout", type=float, metavar="S",
                       help="seconds one call into student code may take (default 10)")
        p.add_argument("--import-timeout", type=float, metavar="S",
                       help="seconds importing one module (or running a notebook) may take (default 30)")
        p.add_argument("--submission-timeout", type=float, metavar="S",
                       help="seconds one whole submission may take (default 240)")

    g = sub.add_parser("grade", help="grade one submission (folder, .zip or .ipynb)")
    g.add_argument("submission")
    common(g)
    g.set_defaults(func=cmd_grade)

    c = sub.add_parser("check", help="self-check: grade your exercises/ folder")
    c.add_argument("folder", nargs="?")
    common(c)
    c.set_defaults(func=cmd_check)

    from grader import batch

    b = sub.add_parser("batch", help="grade a folder of submissions (one per student) into a SQLite gradebook")
    b.add_argument("submissions", metavar="SUBMISSIONS_DIR")
    b.add_argument("--gradebook", required=True, metavar="GRADES.db", help="SQLite gradebook, created if missing")
    b.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="parallel graders (default: the number of CPUs)")
    b.add_argument("--seed", type=int, default=int(os.environ.get("GRADER_SEED", DEFAULT_SEED)),
                   help="seed of the random inputs (default %(default)s)")
    b.add_argument("--only", nargs="+", metavar="MODULE", help="grade only these exercises")
    b.add_argument("--regrade", action="store_true", help="grade again what the gradebook already holds")
    b.add_argument("--feedback", metavar="DIR", help="write DIR/<student>.txt and DIR/<student>.json")
    b.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
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
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
    except KeyboardInterrupt:
        code = 130
    if argv is None:  # a real command line: skip torch's slow interpreter teardown
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
