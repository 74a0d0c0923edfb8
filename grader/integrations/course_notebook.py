"""The nbgrader source notebook: every exercise's statement, reference and feedback cell.

One notebook holds all the exercises, in the contract's order, as a student works
through the chapter: ``corr2d`` is written once, in the first exercise, and the
later cells use it from the notebook's namespace (the grader aliases the module
names to that namespace, so ``from cross_correlation import corr2d`` is not needed
and is left out; the statements say so, since in the student's own kernel that import
would fail). Per exercise:

- a markdown cell: the stub's module docstring, i.e. the exercise statement;
- a solution cell: the reference module (``solutions/<module>.py``) inside one
  ``### BEGIN SOLUTION`` / ``### END SOLUTION`` region; its metadata carries the
  stub (``exercises/<module>.py``) that ``nbgrader generate_assignment`` puts in
  its place (see ``nbgrader_pipeline.StubSolutions``), so students of every route
  start from the same text;
- an autograded test cell (grade id = module name, points = the sum of the
  module's ``@points``) that only shows feedback: the points come from the
  sandboxed grader (``nbgrader_pipeline``), never from what runs in the kernel.
"""
from __future__ import annotations

import ast
import os
import re

from grader.contract import MODULES

NBGRADER_SCHEMA = 3
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
FEEDBACK_MARK = "grader.integrations.nbfeedback"
FEEDBACK_CELL = (
    "# Feedback only: the course's sandboxed grader re-runs your code in isolation and\n"
    "# decides this exercise's points; editing this cell changes nothing.\n"
    f"from {FEEDBACK_MARK} import feedback\n"
    'feedback("{module}")'
)
INTRO = """# Convolutions for Images: exercises

Dive into Deep Learning, "From Fully Connected Layers to Convolutions" and
"Convolutions for Images" (PyTorch). Each exercise below has a statement, a code
cell for your answer (replace every `raise NotImplementedError` and set every
multiple-choice constant), and a feedback cell.

- Keep the names and signatures: the grader calls your functions by name.
- `corr2d` is defined once, in the first exercise; later exercises use it directly,
  with no `import` (the exercise files' `from cross_correlation import corr2d` is for
  separate `.py` files; in this notebook it would fail).
- Run a feedback cell to see what the grader finds for that exercise. Your points
  come from the course's grader, which re-runs the notebook's code in a sandbox
  with its own random inputs: patching `torch` or the feedback cells in your
  kernel does not change them, and neither does printing warnings.
"""


IMPORT_SPAN = re.compile(r"``?from cross_correlation import corr2d``?")
IN_THIS_NOTEBOOK = ("*In this notebook every exercise shares one namespace: use the `corr2d` you write in "
                    "Exercise 1 directly, with no `import` (a `from cross_correlation import corr2d` line "
                    "would fail in Jupyter). 本 notebook 的所有练习共用同一个命名空间：直接使用练习 1 中写好的 "
                    "`corr2d`，不要 `import`。*")


def nbgrader_meta(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": NBGRADER_SCHEMA,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def module_code(source: str) -> str:
    """A module's code as a notebook cell: no module docstring, no imports of sibling modules."""
    tree = ast.parse(source)
    drop: set[int] = set()
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        drop.update(range(body[0].lineno, body[0].end_lineno + 1))
    for node in body:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in MODULES:
            drop.update(range(node.lineno, node.end_lineno + 1))
    lines = [line for number, line in enumerate(source.splitlines(), start=1) if number not in drop]
    return "\n".join(lines).strip("\n")


def statement(source: str, number: int, module: str, points: float) -> str:
    doc = ast.get_docstring(ast.parse(source)) or module
    title, _, rest = doc.partition("\n")
    mentions = bool(IMPORT_SPAN.search(rest)) or "import corr2d" in source
    # the exercise files import it; a notebook cell cannot: say so in each language's part
    english, zh_head, chinese = rest.partition("\n中文\n")
    rest = IMPORT_SPAN.sub("`corr2d` (in this notebook it is already defined: use it directly, no import)", english) \
        + zh_head + IMPORT_SPAN.sub("`corr2d`（在本 notebook 中它已经定义好了：直接使用，无需 import）", chinese)
    note = f"\n\n{IN_THIS_NOTEBOOK}" if mentions else ""
    return (f"## Exercise {number}: {title.strip()}\n\n"
            f"*Module `{module}.py`, {points:g} points.*\n\n{rest.strip()}{note}\n")


def _read(folder: str, module: str) -> str:
    path = os.path.join(folder, f"{module}.py")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} is missing: the course notebook needs every exercise's "
                                "stub (exercises/) and reference (solutions/).")
    with open(path, encoding="utf-8") as f:
        return f.read()


def build(modules, points: dict[str, float], exercises_dir: str, solutions_dir: str):
    """The source notebook (an ``nbformat`` v4 notebook) for ``modules``, in contract order."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    intro = nbformat.v4.new_markdown_cell(INTRO)
    intro.metadata["nbgrader"] = nbgrader_meta("intro", locked=True)
    nb.cells.append(intro)
    for number, module in enumerate([m for m in MODULES if m in modules], start=1):
        stub = _read(exercises_dir, module)
        reference = _read(solutions_dir, module)
        text = nbformat.v4.new_markdown_cell(statement(stub, number, module, points[module]))
        text.metadata["nbgrader"] = nbgrader_meta(f"{module}_statement", locked=True)
        answer = nbformat.v4.new_code_cell("### BEGIN SOLUTION\n" + module_code(reference) + "\n### END SOLUTION")
        answer.metadata["nbgrader"] = nbgrader_meta(f"{module}_answer", solution=True)
        answer.metadata["grader"] = {"module": module, "stub": module_code(stub)}
        test = nbformat.v4.new_code_cell(FEEDBACK_CELL.format(module=module))
        test.metadata["nbgrader"] = nbgrader_meta(module, grade=True, locked=True, points=points[module])
        test.metadata["grader"] = {"module": module}
        nb.cells += [text, answer, test]
    return nb


def answer_cells(nb) -> dict[str, object]:
    """module -> the solution cell of that exercise (for tests and tools filling a notebook in)."""
    out = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id", "").endswith("_answer"):
            out[meta["grade_id"][: -len("_answer")]] = cell
    return out
