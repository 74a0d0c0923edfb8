"""``grader nbgrader COURSE_DIR``: an nbgrader course whose autograded scores come from this grader.

Writes ``COURSE_DIR/nbgrader_config.py`` and ``COURSE_DIR/source/<assignment>/<assignment>.ipynb``
(one notebook for all the exercises; see ``course_notebook``). Then, in COURSE_DIR, the usual
nbgrader workflow applies: ``nbgrader generate_assignment <assignment>``, collect submissions
into ``submitted/<student>/<assignment>/``, ``nbgrader autograde <assignment>``. The
configuration swaps in ``nbgrader_pipeline``'s preprocessors, so autograde never runs student
code in a plain kernel and every grade cell's ``auto_score`` is the sandboxed grader's.
"""
from __future__ import annotations

import os
import re
import secrets
import sys

from grader.contract import BASE_MODULE, MODULES

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARKER = "# written by `grader nbgrader`"
CONFIG = '''{marker}
"""nbgrader configuration for the d2l "Convolutions for Images" exercises.

Autograded scores come from the sandboxed grader, not from the notebook's kernel:
``Execute`` is replaced by ``SandboxExecute`` (no kernel; the notebook's code runs only
in the grader's sandboxed worker) and ``SandboxScores`` writes each grade's auto_score
after ``SaveAutoGrades``; ``StubSolutions`` gives students the exercises' own stubs.
See grader/integrations/nbgrader_pipeline.py. Keep this file private: it holds the seed
of the checks' random inputs.
"""
from grader.integrations import nbgrader_pipeline as sandboxed

c = get_config()  # noqa: F821 - defined by nbgrader when it loads this file

c.GenerateAssignment.preprocessors = sandboxed.generate_preprocessors()
c.Autograde.autograde_preprocessors = sandboxed.autograde_preprocessors()
c.ClearSolutions.code_stub = {{"python": "raise NotImplementedError"}}
c.SandboxExecute.seed = {seed}

# What `nbgrader release_assignment` / `fetch_assignment` / `submit` / `collect` need. The exchange is
# where released and submitted notebooks pass between instructor and students: here a folder of
# this course (made by release_assignment), right for one machine; on a JupyterHub shared by
# several users, point it (here and in the students' nbgrader_config.py) at a folder every user
# can write, e.g. /srv/nbgrader/exchange.
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
'''


def course_id_value(text: str) -> str:
    import argparse

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", text):
        raise argparse.ArgumentTypeError(f"course id {text!r}: use letters, digits, '-', '_' and '.'")
    return text


class CourseError(Exception):
    """The course cannot be written; the message says why."""


def exercise_points(modules) -> dict[str, float]:
    from grader.runner import load_checks

    return {m: sum(check.points for check in load_checks(m)) for m in modules}


def course_id_of(course_dir: str) -> str:
    """A course id from the folder's name: letters, digits, '-', '_' and '.' only."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", os.path.basename(os.path.abspath(course_dir))).strip("-.")
    return name or "conv-course"


def write_course(course_dir: str, *, assignment: str = "conv", seed: int, modules=MODULES,
                 exercises_dir: str | None = None, solutions_dir: str | None = None,
                 force: bool = False, course_id: str | None = None, exchange: str | None = None) -> str:
    """Write the course; returns the source notebook's path."""
    import nbformat

    from grader.integrations import course_notebook

    if not assignment.isidentifier():
        raise CourseError(f"--assignment {assignment!r}: use letters, digits and underscores")
    modules = [m for m in MODULES if m in modules or m == BASE_MODULE]  # every notebook defines corr2d
    exercises_dir = exercises_dir or os.path.join(REPO, "exercises")
    solutions_dir = solutions_dir or os.path.join(REPO, "solutions")
    if not os.path.isdir(solutions_dir):
        raise CourseError(f"no reference solutions at {solutions_dir}: run this in the instructors' repository")
    config = os.path.join(course_dir, "nbgrader_config.py")
    notebook = os.path.join(course_dir, "source", assignment, f"{assignment}.ipynb")
    if not force:
        if os.path.exists(config) and not open(config, encoding="utf-8").read().startswith(MARKER):
            raise CourseError(f"{config} exists and was not written by `grader nbgrader`; pass --force")
        if os.path.exists(notebook):
            raise CourseError(f"{notebook} exists; pass --force to overwrite it")
    try:
        nb = course_notebook.build(modules, exercise_points(modules), exercises_dir, solutions_dir)
    except FileNotFoundError as exc:
        raise CourseError(str(exc)) from None
    os.makedirs(os.path.dirname(notebook), exist_ok=True)
    nbformat.validate(nb)
    with open(notebook, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    with open(config, "w", encoding="utf-8") as f:
        f.write(CONFIG.format(marker=MARKER, seed=int(seed), course_id=course_id or course_id_of(course_dir),
                              exchange=os.path.abspath(exchange or os.path.join(course_dir, "exchange"))))
    return notebook


def cmd_nbgrader(args) -> int:
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    modules = args.only or MODULES
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        print(f"grader: unknown exercise {', '.join(unknown)}; choose from {', '.join(MODULES)}", file=sys.stderr)
        return 2
    try:
        notebook = write_course(args.course_dir, assignment=args.assignment, seed=seed, modules=modules,
                                force=args.force, course_id=args.course_id, exchange=args.exchange)
    except CourseError as exc:
        print(f"grader nbgrader: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {notebook}\nWrote {os.path.join(args.course_dir, 'nbgrader_config.py')} (seed {seed}; keep it private)")
    print(f"Next, in {args.course_dir} (with .venv/bin on PATH): nbgrader generate_assignment {args.assignment}; "
          f"nbgrader release_assignment {args.assignment}; students fetch, work and submit (or put their notebooks "
          f"in submitted/<student>/{args.assignment}/); nbgrader collect {args.assignment}; "
          f"nbgrader autograde {args.assignment}; nbgrader generate_feedback {args.assignment}")
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("nbgrader", help="write an nbgrader course whose autograde scores come from this grader")
    p.add_argument("course_dir", metavar="COURSE_DIR")
    from grader.cli import assignment_value, env_seed, module_value, seed_value

    p.add_argument("--assignment", default="conv", type=assignment_value,
                   help="assignment (and notebook) name (default %(default)s)")
    p.add_argument("--seed", type=seed_value, default=env_seed(),
                   help="the instructor's seed of the checks' random inputs (default: GRADER_SEED, else a fresh "
                        "random one)")
    p.add_argument("--only", nargs="+", type=module_value, metavar="MODULE",
                   help=f"only these exercises ({BASE_MODULE} is always included: the notebook defines corr2d)")
    p.add_argument("--course-id", type=course_id_value, default=None,
                   help="nbgrader's course id (default: the course folder's name)")
    p.add_argument("--exchange", metavar="DIR", default=None,
                   help="nbgrader's exchange folder (default: COURSE_DIR/exchange; on a shared JupyterHub, "
                        "a folder every user can write)")
    p.add_argument("--force", action="store_true", help="overwrite an existing notebook or configuration")
    p.set_defaults(func=cmd_nbgrader)
