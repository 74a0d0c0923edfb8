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


def grade_one(path: str, *, seed: int, modules, json_out: str | None = None, zygote=None):
    """Grade one submission end to end; the report is written even when the submission is bad."""
    from grader import report as rep
    from grader.client import Zygote
    from grader.runner import grade
    from grader.submission import SubmissionError, load, student_id

    own = zygote is None
    if own:
        zygote = Zygote()  # starts importing torch in the worker while we load the checks
    try:
        if json_out:
            rep.write_json(json_out, rep.placeholder(student_id(path), seed, modules))
        try:
            submission = load(path)
        except SubmissionError as exc:
            result = rep.unavailable_report(student_id(path), str(exc), seed, zygote.sandbox)
            result.results = [r for r in result.results if r.module in modules]
        else:
            result = grade(submission, zygote, seed=seed, modules=modules)
        if json_out:
            rep.write_json(json_out, rep.to_gradescope(result))
        return result
    finally:
        if own:
            zygote.close()


def cmd_grade(args) -> int:
    from grader import report as rep

    start = time.monotonic()
    result = grade_one(args.submission, seed=args.seed, modules=_modules(args.only), json_out=args.json)
    result.seconds = time.monotonic() - start
    if not args.quiet:
        print(rep.terminal(result, verbose=args.verbose))
    return 0


def cmd_check(args) -> int:
    args.submission = args.folder or os.path.join(os.getcwd(), "exercises")
    if not os.path.isdir(args.submission):
        print(f"grader: no folder {args.submission}; run this in the repository or name your folder.")
        return 2
    return cmd_grade(args)


def build_parser() -> argparse.ArgumentParser:
    from grader.runner import DEFAULT_SEED

    parser = argparse.ArgumentParser(prog="grader", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--seed", type=int, default=int(os.environ.get("GRADER_SEED", DEFAULT_SEED)),
                       help="seed of the random inputs (instructors: set your own; default %(default)s)")
        p.add_argument("--only", nargs="+", metavar="MODULE", help="grade only these exercises")
        p.add_argument("--json", metavar="OUT.json", help="write Gradescope-format results here")
        p.add_argument("-v", "--verbose", action="store_true", help="show every check, not just the first failure")
        p.add_argument("-q", "--quiet", action="store_true", help="print nothing")

    g = sub.add_parser("grade", help="grade one submission (folder, .zip or .ipynb)")
    g.add_argument("submission")
    common(g)
    g.set_defaults(func=cmd_grade)

    c = sub.add_parser("check", help="self-check: grade your exercises/ folder")
    c.add_argument("folder", nargs="?")
    common(c)
    c.set_defaults(func=cmd_check)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
