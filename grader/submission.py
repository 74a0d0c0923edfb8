"""Read a submission (folder, .zip or .ipynb) into plain text, without running any of it."""
from __future__ import annotations

import ast
import json
import os
import re
import zipfile
from dataclasses import dataclass, field

from grader.contract import BASE_FUNCTION, BASE_MODULE, MODULES

MAX_FILE = 512 * 1024
MAX_TOTAL = 8 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
HELP_LINE = re.compile(r"^\??[A-Za-z_][\w.]*\?{1,2}\s*$")  # IPython help: `obj?`, `obj??`


class SubmissionError(Exception):
    """The submission cannot be read at all; the message is shown to the student."""


@dataclass
class Submission:
    name: str
    kind: str  # "folder", "zip", "notebook"
    files: dict[str, str] = field(default_factory=dict)  # module file name -> source
    cells: list[tuple[int, str]] | None = None  # notebook code cells (index, source)
    notes: list[str] = field(default_factory=list)

    @property
    def is_notebook(self) -> bool:
        return self.cells is not None

    def has_module(self, module: str) -> bool:
        return self.is_notebook or f"{module}.py" in self.files

    @property
    def defines_corr2d(self) -> bool:
        if self.is_notebook:
            return any(_defines(src, BASE_FUNCTION) for _, src in self.cells)
        return f"{BASE_MODULE}.py" in self.files


def _defines(source: str, name: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return f"def {name}" in source
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
        if isinstance(node, ast.ImportFrom) and node.module != BASE_MODULE:
            if any((a.asname or a.name) == name for a in node.names):
                return True
    return False


def student_id(path: str) -> str:
    base = os.path.basename(os.path.normpath(path))
    for ext in (".zip", ".ipynb"):
        if base.lower().endswith(ext):
            return base[: -len(ext)]
    return base


def _decode(data: bytes, name: str, notes: list[str]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.append(f"{name} is not UTF-8 text; undecodable bytes were replaced.")
        return data.decode("utf-8", "replace")


def load(path: str) -> Submission:
    """Read ``path``; raise SubmissionError with a clear message when it is not a submission."""
    name = student_id(path)
    if not os.path.exists(path):
        raise SubmissionError(f"{path} does not exist.")
    if os.path.isdir(path):
        return _from_folder(path, name)
    lower = path.lower()
    if lower.endswith(".ipynb"):
        with open(path, "rb") as f:
            data = f.read(MAX_TOTAL + 1)
        return _from_notebook(data, name, os.path.basename(path))
    if lower.endswith(".zip"):
        return _from_zip(path, name)
    if lower.endswith(".py"):
        raise SubmissionError(f"{os.path.basename(path)} is a single file: submit the folder that holds it, "
                              "a .zip of that folder, or one .ipynb notebook.")
    raise SubmissionError(f"{os.path.basename(path)} is not a submission: expected a folder of module files, "
                          "a .zip of such a folder, or one Jupyter notebook (.ipynb).")


def _collect(entries: dict[str, bytes], name: str, kind: str) -> Submission:
    """entries: file name (no directories) -> bytes, all from one folder."""
    sub = Submission(name=name, kind=kind)
    total = 0
    for fname in sorted(entries):
        if not fname.endswith(".py"):
            continue
        data = entries[fname]
        if len(data) > MAX_FILE:
            sub.notes.append(f"{fname} is larger than {MAX_FILE // 1024} KiB and was ignored.")
            continue
        total += len(data)
        if total > MAX_TOTAL:
            sub.notes.append("The submission is too large; some files were ignored.")
            break
        sub.files[fname] = _decode(data, fname, sub.notes)
    if not any(f"{m}.py" in sub.files for m in MODULES):
        notebooks = [f for f in entries if f.endswith(".ipynb")]
        if len(notebooks) == 1:
            return _from_notebook(entries[notebooks[0]], name, notebooks[0])
        expected = ", ".join(f"{m}.py" for m in MODULES)
        raise SubmissionError(f"No exercise module found. A submission holds some of: {expected}"
                              + (f" (found {len(notebooks)} notebooks; submit one)." if notebooks else "."))
    return sub


def _from_folder(path: str, name: str) -> Submission:
    entries = {}
    zips = []
    for fname in os.listdir(path):
        full = os.path.join(path, fname)
        if os.path.isfile(full) and not os.path.islink(full) and fname.endswith((".py", ".ipynb")):
            if os.path.getsize(full) <= MAX_TOTAL:
                with open(full, "rb") as f:
                    entries[fname] = f.read()
        elif os.path.isfile(full) and not os.path.islink(full) and fname.lower().endswith(".zip"):
            zips.append(full)
    # a folder that holds just one zip (Gradescope's /autograder/submission after a zip upload)
    if len(zips) == 1 and not any(f"{m}.py" in entries for m in MODULES) \
            and not any(f.endswith(".ipynb") for f in entries):
        return _from_zip(zips[0], name)
    return _collect(entries, name, "folder")


def _from_zip(path: str, name: str) -> Submission:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{os.path.basename(path)} is not a readable zip file ({exc}).") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir() and "__MACOSX" not in i.filename]
        if len(infos) > MAX_ZIP_MEMBERS:
            raise SubmissionError(f"The zip holds {len(infos)} files; at most {MAX_ZIP_MEMBERS} are read.")
        # the folder that holds the modules: the shallowest one with a contract module or notebook
        folders: dict[str, dict[str, zipfile.ZipInfo]] = {}
        for info in infos:
            folder, _, fname = info.filename.replace("\\", "/").rpartition("/")
            folders.setdefault(folder, {})[fname] = info
        def score(folder: str) -> tuple:
            names = folders[folder]
            hits = sum(f"{m}.py" in names for m in MODULES)
            return (-hits, -any(n.endswith(".ipynb") for n in names), folder.count("/"))
        best = min(folders, key=score) if folders else None
        if best is None:
            raise SubmissionError(f"{os.path.basename(path)} is empty.")
        entries = {}
        for fname, info in folders[best].items():
            if fname.endswith((".py", ".ipynb")):
                if info.file_size > MAX_TOTAL:
                    continue
                try:
                    entries[fname] = archive.read(info)
                except Exception as exc:  # noqa: BLE001 - corrupt member, encrypted, ...
                    raise SubmissionError(f"{info.filename} in the zip cannot be read ({exc}).") from None
    return _collect(entries, name, "zip")


def strip_magics(source: str, index: int, notes: list[str]) -> str:
    """Drop IPython magics and shell escapes, which are not Python; keep line numbers."""
    lines = source.split("\n")
    first = next((l.strip() for l in lines if l.strip()), "")
    if first.startswith("%%"):
        notes.append(f"Cell {index}: the cell magic `{first[:40]}` was skipped.")
        return ""
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or HELP_LINE.match(stripped):
            notes.append(f"Cell {index}: the IPython line `{stripped[:40]}` was skipped.")
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def _is_nbgrader_test(cell: dict) -> bool:
    """An nbgrader autograder-test cell: the course's own feedback code, not the student's.

    nbgrader restores these cells from the course's source at autograde time, and
    in our course notebooks they only show feedback; the points come from the checks.
    """
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return isinstance(meta, dict) and meta.get("grade") is True and not meta.get("solution")


def _from_notebook(data: bytes, name: str, fname: str) -> Submission:
    try:
        nb = json.loads(data)
        cells = nb["cells"]
        assert isinstance(cells, list)
    except Exception:  # noqa: BLE001
        raise SubmissionError(f"{fname} is not a valid Jupyter notebook (JSON with a list of cells).") from None
    sub = Submission(name=name, kind="notebook", cells=[])
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or _is_nbgrader_test(cell):
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(s) for s in source)
        if not isinstance(source, str) or not source.strip():
            continue
        sub.cells.append((index, strip_magics(source, index, sub.notes)))
    if not sub.cells:
        raise SubmissionError(f"{fname} has no code cells.")
    return sub
