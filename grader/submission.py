"""Read a submission (folder, .zip or .ipynb) into plain text, without running any of it.

This runs in the trusted process, so everything here treats the submission as
hostile: sizes and counts are bounded while reading (a zip member is judged by its
declared size before it is decompressed, and at most its share of bytes is
decompressed anyway), nothing but regular files is ever opened (no FIFO, device or
symbolic link), names and text are decoded with replacement, and notes are capped.

Where the modules may sit (../shared/CONTRACT.md, "What a submission is"): in the
submission's top folder, or one or two folders down under a single chain of
sub-folders (an extracted zip, a cloned repository's ``exercises/``). A folder and a
zip of the same tree go through the same code (``_Tree``) and are graded the same.
When the chosen folder holds both module files and notebooks, or several notebooks,
the one that defines names of the most exercises is graded, and a note says which
and why.
"""
from __future__ import annotations

import ast
import functools
import json
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field

from grader import text
from grader.contract import BASE_FUNCTION, BASE_MODULE, MODULES

MAX_FILE = 512 * 1024            # one .py file
MAX_TOTAL = 8 * 1024 * 1024      # all .py files of one submission together
MAX_NOTEBOOK = 16 * 1024 * 1024  # one .ipynb file (outputs included)
MAX_READ = 40 * 1024 * 1024      # everything read from one submission (all notebooks and modules)
MAX_NOTEBOOKS = 10               # notebooks compared when one folder holds several
MAX_CELLS = 2000                 # code cells of one notebook
MAX_ZIP_MEMBERS = 5000          # a zipped project with a data folder; members are listed, not read
MAX_ZIP_FILE = 64 * 1024 * 1024  # the .zip file itself
MAX_ZIP_DIRECTORY = 4 * 1024 * 1024  # its central directory (5000 members with long names need ~3 MB)
MAX_DIR_ENTRIES = 5000           # entries listed in one folder of a submission
MAX_TREE_ENTRIES = 50_000        # entries listed in a whole submission folder (stat only, nothing read)
MAX_JSON_VALUES = 1_000_000      # arrays and objects in one notebook's JSON (each costs memory when parsed)
MAX_DEPTH = 2                    # module files may sit this many folders down
MAX_SKIPPED_LINE_NOTES = 10      # IPython lines named one by one; then a count
# a line that is not Python: a magic (`%time`), a shell escape (`!pip`), IPython help (`obj?`, `obj??`)
MAGIC_LINE = re.compile(r"^[^\S\n]*([%!][^\n]*|\??[A-Za-z_][\w.]*\?{1,2}[^\S\n]*)$", re.M)
# cell magics whose body Jupyter runs as ordinary code in the notebook's namespace: only their line goes
CODE_CELL_MAGIC = re.compile(r"%%(time|timeit|capture)(?:[^\S\n][^\n]*)?$")
# `x = !ls`, `files = %ls`, `a, b = %sx ...`: the value of a shell escape or a line magic
MAGIC_ASSIGNMENT = re.compile(r"^([^\S\n]*[A-Za-z_][\w.]*(?:[^\S\n]*,[^\S\n]*[A-Za-z_][\w.]*)*[^\S\n]*)="
                              r"[^\S\n]*([!%][^\n]*)$", re.M)
# folders that are never where the modules are: the OS's and the tools' own
JUNK_DIRS = {"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".git", ".hg", ".svn", ".idea", ".vscode",
             ".venv", "venv", "node_modules", ".pytest_cache", ".hypothesis", ".mypy_cache"}
# what each exercise defines (CONTRACT.md "Modules"); tests/test_hostile_inputs.py keeps it in step
# with exercises/. Used to tell which of several notebooks holds the work.
NAMES = {
    "cross_correlation": ("corr2d",),
    "diagonal_edges": ("diagonal_image", "edge_response", "APPLY_K"),
    "transpose_effect": ("transposed_image_response", "transposed_kernel_response", "via_transposed_kernel",
                         "TRANSPOSE_X", "TRANSPOSE_K", "IDENTITY"),
    "conv2d_autograd": ("Conv2D", "reproduce_error", "ERROR_CAUSE", "BatchConv2D", "learn_kernel"),
    "correlation_as_matmul": ("unfold", "corr2d_matmul", "kernel_matrix"),
    "second_derivative": ("second_derivative_kernel", "laplacian_kernel", "MIN_SIZE", "STRONGEST"),
    "blur_kernel": ("blur_kernel", "WHY_BLUR"),
    "derivative_kernels": ("derivative_kernel", "min_kernel_size", "integral_kernel"),
    "directional_edges": ("directional_edge_kernel",),
    "fc_to_conv": ("pixelwise_linear", "corr2d_same", "corr1d", "conv2d_full", "receptive_field",
                   "TRANSLATION_DRAWBACK"),
}
MODULE_FILES = {f"{m}.py" for m in MODULES}


class SubmissionError(Exception):
    """The submission cannot be read at all; the message is shown to the student."""


class _TooLarge(Exception):
    pass


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


# What a worker preloads beyond torch, numpy and sympy (always) for a submission that uses it.
# The decision must not depend on comments or on how an import is written: a library the zygote
# preloaded is shared by the child and costs it no memory, one the child imports itself counts
# against the child's limits; so the source's syntax tree is read (imports, ``torch.optim``,
# module paths in strings, as importlib takes them), never a mention in a comment or docstring.
_MODULE_PATH = re.compile(r"[A-Za-z_]\w*(?:\.\w+)*")
# a source that does not parse (a notebook cell with a magic): any word of the library's name counts
_FALLBACK = {"scipy": re.compile(r"\bscipy\b"), "optim": re.compile(r"\boptim\b|\b_dynamo\b|\btorch\.compile\b")}
MAX_PARSED = 256 * 1024  # a larger source is not parsed here (gigabytes of syntax tree): its words decide


def _library_of(module: str) -> set[str]:
    if module == "scipy" or module.startswith("scipy."):
        return {"scipy"}
    if module.split(".")[:2] in (["torch", "optim"], ["torch", "_dynamo"]):
        return {"optim"}
    return set()


@functools.lru_cache(maxsize=1024)
def _libraries_in(source: str) -> frozenset:
    try:
        if len(source) > MAX_PARSED:
            raise ValueError("too large to parse here")
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset(lib for lib, pattern in _FALLBACK.items() if pattern.search(source))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found |= _library_of(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= _library_of(node.module)
            if node.module == "torch" and any(alias.name in ("optim", "_dynamo", "compile")
                                              for alias in node.names):
                found.add("optim")
        elif isinstance(node, ast.Attribute) and (node.attr in ("optim", "_dynamo") or (
                node.attr == "compile" and isinstance(node.value, ast.Name) and node.value.id == "torch")):
            found.add("optim")  # torch.compile imports torch._dynamo too, as an optimiser's first step does
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 100 \
                and _MODULE_PATH.fullmatch(node.value):
            found |= _library_of(node.value)
            if node.value in ("optim", "_dynamo"):  # getattr(torch, "optim")
                found.add("optim")
    return frozenset(found)


def libraries_used(submission: "Submission") -> tuple[str, ...]:
    """The heavy libraries ("scipy", "optim") a worker should preload for this submission: those
    its code imports, names (``torch.optim``) or passes to importlib. Comments and docstrings do
    not count. A library not preloaded is imported by the child that needs it, a little later."""
    sources = [src for _, src in submission.cells] if submission.is_notebook else list(submission.files.values())
    found: set[str] = set()
    for source in sources:
        found |= _libraries_in(source)
    return tuple(sorted(found))


def _module_level(body):
    """Statements that run at module level: the top ones and those inside if/try/with/for/while blocks."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, field, None)
            if isinstance(inner, list) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                  ast.ClassDef, ast.Lambda)):
                stack.extend(reversed(inner))


def _defines(source: str, name: str) -> bool:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return f"def {name}" in source
    for node in _module_level(tree.body):
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


def _top_level_names(source: str) -> set[str]:
    """Names a cell defines at its top level (functions, classes, assignments); none if it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set(re.findall(r"^(?:def|class)\s+([A-Za-z_]\w*)", source, re.M))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def exercises_defined(cells) -> list[str]:
    """The exercises of which a notebook's cells define at least one name."""
    names = set()
    for _, source in cells:
        names |= _top_level_names(source)
    return [m for m in MODULES if names.intersection(NAMES[m])]


def student_id(path: str) -> str:
    """The student's name: the entry's name without .zip/.ipynb, as one clean line of text."""
    base = os.path.basename(os.path.normpath(path))
    for ext in (".zip", ".ipynb"):
        if base.lower().endswith(ext) and len(base) > len(ext):
            base = base[: -len(ext)]
            break
    return text.name(base, limit=None)


def _decode(data: bytes, name: str, notes: list[str]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.append(f"{name} is not UTF-8 text; undecodable bytes were replaced.")
        return data.decode("utf-8", "replace")


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size < 10 * 2**20 else f"{size / 2**20:.0f} MB"


def _open_regular(path: str, *, follow: bool):
    """Open a regular file for reading without ever blocking on a FIFO or a device."""
    st = os.stat(path) if follow else os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        raise SubmissionError(f"{text.name(os.path.basename(path))} is not a regular file.")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between the stat and the open
            raise SubmissionError(f"{text.name(os.path.basename(path))} is not a regular file.")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_bounded(handle, limit: int) -> bytes:
    """At most ``limit`` bytes; _TooLarge when there are more."""
    chunks, size = [], 0
    while True:
        chunk = handle.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _TooLarge()


def load(path: str) -> Submission:
    """Read ``path``; raise SubmissionError with a clear message when it is not a submission."""
    name = student_id(path)
    shown = text.name(os.path.basename(os.path.normpath(path)))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise SubmissionError(f"{text.name(path)} does not exist.") from None
    except OSError as exc:
        raise SubmissionError(f"{text.name(path)} cannot be read ({text.clean(exc.strerror or exc)}).") from None
    if stat.S_ISDIR(st.st_mode):
        tree = _FolderTree(path)
        kind = "folder"
    elif not stat.S_ISREG(st.st_mode):
        raise SubmissionError(f"{shown} is not a submission: it is not a regular file or a folder "
                              "(a pipe, a socket or a device).")
    elif path.lower().endswith(".ipynb"):
        budget = _Budget()
        data = _read_notebook_file(path, shown, budget)
        return _from_notebook(data, name, shown)
    elif path.lower().endswith(".zip"):
        tree = _ZipTree(path, shown)
        kind = "zip"
    elif path.lower().endswith(".py"):
        raise SubmissionError(f"{shown} is a single file: submit the folder that holds it, "
                              "a .zip of that folder, or one .ipynb notebook.")
    else:
        raise SubmissionError(f"{shown} is not a submission: expected a folder of module files, "
                              "a .zip of such a folder, or one Jupyter notebook (.ipynb).")
    try:
        return _from_tree(tree, name, kind)
    finally:
        tree.close()


def _read_notebook_file(path: str, shown: str, budget: "_Budget") -> bytes:
    try:
        with _open_regular(path, follow=True) as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_NOTEBOOK:
                raise SubmissionError(_too_large_notebook(shown, size))
            data = _read_bounded(f, MAX_NOTEBOOK)
    except _TooLarge:
        raise SubmissionError(_too_large_notebook(shown, MAX_NOTEBOOK + 1)) from None
    except OSError as exc:
        raise SubmissionError(f"{shown} cannot be read ({text.clean(exc.strerror or exc)}).") from None
    budget.spend(len(data))
    return data


def _too_large_notebook(shown: str, size: int) -> str:
    return (f"{shown} is too large ({'more than ' if size == MAX_NOTEBOOK + 1 else ''}{_mb(size)}; notebooks "
            f"up to {MAX_NOTEBOOK // 2**20} MB are read). Clear its outputs (Kernel > Restart & Clear Output), "
            "save it and submit it again.")


class _Budget:
    """Bytes read from one submission so far."""

    def __init__(self):
        self.used = 0

    def left(self) -> int:
        return MAX_READ - self.used

    def spend(self, n: int) -> None:
        self.used += n


# --------------------------------------------------------------------------- trees: folders and zips

@dataclass
class _File:
    path: str   # relative, "/"-separated, as listed (may hold surrogate escapes)
    size: int   # as declared (zip) or as stat says (folder)
    ref: object  # what the tree needs to read it


class _Tree:
    """A folder or a zip, listed to MAX_DEPTH folders down: folder -> {file name: _File}, subfolders."""

    def __init__(self):
        self.files: dict[str, dict[str, _File]] = {}
        self.dirs: dict[str, set[str]] = {}
        self.notes: list[str] = []

    def _add_file(self, rel: str, size: int, ref) -> None:
        folder, _, fname = rel.rpartition("/")
        self.files.setdefault(folder, {})[fname] = _File(rel, size, ref)
        self._add_dir(folder)

    def _add_dir(self, rel: str) -> None:
        while True:
            self.dirs.setdefault(rel, set())
            if not rel:
                return
            parent, _, child = rel.rpartition("/")
            self.dirs.setdefault(parent, set()).add(child)
            rel = parent

    def read(self, f: _File, limit: int) -> bytes:
        raise NotImplementedError

    def start(self) -> str:
        return ""

    def close(self) -> None:
        pass


def _junk(name: str) -> bool:
    return name in JUNK_DIRS or name.startswith(".")


class _FolderTree(_Tree):
    def __init__(self, root: str):
        super().__init__()
        self.root = root
        self.zips: list[str] = []  # .zip files in the top folder
        skipped = 0
        listed = 0
        todo = [("", 0)]
        while todo:  # breadth first, bounded: no recursion, no symlinks followed
            rel, depth = todo.pop(0)
            if listed >= MAX_TREE_ENTRIES:
                self.notes.append(f"The submission holds more than {MAX_TREE_ENTRIES} files and folders; "
                                  "only the first ones were looked at.")
                break
            full = os.path.join(root, rel) if rel else root
            self._add_dir(rel)
            try:
                with os.scandir(full) as it:
                    for count, entry in enumerate(it):
                        if count >= MAX_DIR_ENTRIES:
                            self.notes.append(f"{text.name(rel or '.')} holds more than {MAX_DIR_ENTRIES} entries; "
                                              "only the first ones were looked at.")
                            break
                        listed += 1
                        child = f"{rel}/{entry.name}" if rel else entry.name
                        try:
                            st = entry.stat(follow_symlinks=False)
                        except OSError:
                            continue
                        if stat.S_ISLNK(st.st_mode):
                            if entry.name.endswith((".py", ".ipynb")) or entry.name in MODULE_FILES:
                                skipped += 1
                            continue
                        if stat.S_ISDIR(st.st_mode):
                            if depth < MAX_DEPTH and not _junk(entry.name):
                                todo.append((child, depth + 1))
                        elif stat.S_ISREG(st.st_mode):
                            self._add_file(child, st.st_size, os.path.join(full, entry.name))
                            if depth == 0 and entry.name.lower().endswith(".zip"):
                                self.zips.append(os.path.join(full, entry.name))
            except OSError as exc:
                if not rel:
                    raise SubmissionError(f"The folder cannot be read ({text.clean(exc.strerror or exc)}).") from None
        if skipped:
            self.notes.append(f"{skipped} symbolic link(s) to .py or .ipynb files were ignored: "
                              "submit the files themselves.")

    def read(self, f: _File, limit: int) -> bytes:
        with _open_regular(f.ref, follow=False) as handle:
            return _read_bounded(handle, limit)


def _zip_directory(handle) -> tuple[int, int]:
    """(member count, size of the central directory in bytes) as the zip's end record declares them.

    Read before ``zipfile.ZipFile`` parses the directory into one object per member, so that a
    small zip that declares millions of members is refused without listing them. Both numbers
    bound what zipfile reads (it walks the directory by its size), and (0, 0) when they
    cannot be read here (zipfile then reports the damage itself).
    """
    try:
        end = zipfile._EndRecData(handle)  # noqa: SLF001 - no public API reads only the end record
        if end:
            return int(end[zipfile._ECD_ENTRIES_TOTAL]), int(end[zipfile._ECD_SIZE])
    except Exception:  # noqa: BLE001 - a private API that may change: fall back to the count after listing
        pass
    return 0, 0


def _too_many_members(shown: str, count: int) -> str:
    return (f"{shown} holds {count} entries; a submission zip may hold at most {MAX_ZIP_MEMBERS}. "
            "Zip only the folder with your exercise files.")


class _ZipTree(_Tree):
    def __init__(self, path: str, shown: str):
        super().__init__()
        try:
            with _open_regular(path, follow=True) as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > MAX_ZIP_FILE:
                    raise SubmissionError(f"{shown} is too large ({_mb(size)}; a submission zip may be at most "
                                          f"{MAX_ZIP_FILE // 2**20} MB). Zip only your exercise files.")
                # the member count, from the end record, before zipfile lists every member in memory
                count, directory = _zip_directory(handle)
                if count > MAX_ZIP_MEMBERS:
                    raise SubmissionError(_too_many_members(shown, count))
                if directory > MAX_ZIP_DIRECTORY:
                    raise SubmissionError(f"{shown} lists too many or too long file names ({_mb(directory)} of them). "
                                          "Zip only the folder with your exercise files.")
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise SubmissionError(f"{shown} is not a readable zip file ({text.clean(exc, one_line=True)}).") from None
        infos = self.archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            self.archive.close()
            raise SubmissionError(_too_many_members(shown, len(infos)))
        links = 0
        for info in infos:
            rel = info.filename.replace("\\", "/")
            parts = [p for p in rel.split("/") if p not in ("", ".")]
            if not parts or ".." in parts or any(_junk(p) for p in parts[:-1]):
                continue
            if len(parts) > MAX_DEPTH + 2:  # + 1: the folder a zip of a folder holds (see start())
                continue
            mode = info.external_attr >> 16
            if info.is_dir() or stat.S_ISDIR(mode):
                self._add_dir("/".join(parts))
                continue
            if stat.S_ISLNK(mode):
                links += 1
                continue
            if stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # 0: no type recorded (most zip tools)
                continue
            self._add_file("/".join(parts), info.file_size, info)
        if links:
            self.notes.append(f"{links} symbolic link(s) in the zip were ignored: zip the files themselves.")

    def read(self, f: _File, limit: int) -> bytes:
        if f.size > limit:  # judged by the declared size, before anything is decompressed
            raise _TooLarge()
        if f.ref.flag_bits & 0x1:  # zipfile would say "<ZipInfo ...> is encrypted, password required"
            raise SubmissionError(f"{text.name(f.path)} in the zip is encrypted (password-protected), so it "
                                  "cannot be read; zip it again without a password.")
        try:
            with self.archive.open(f.ref) as handle:  # and never more than the limit decompressed
                return _read_bounded(handle, limit)
        except _TooLarge:
            raise
        except Exception as exc:  # noqa: BLE001 - corrupt member, encrypted, bad CRC, unsupported method
            raise SubmissionError(f"{text.name(f.path)} in the zip cannot be read "
                                  f"({text.clean(exc, one_line=True, limit=200)}).") from None

    def close(self) -> None:
        self.archive.close()

    def start(self) -> str:
        """A zip of a folder holds that folder: grade from inside it, as the folder itself is graded."""
        top = self.dirs.get("", set())
        if not self.files.get("") and len(top) == 1:
            return next(iter(top))
        return ""


def _candidates(tree: _Tree, folder: str) -> tuple[list[str], list[str]]:
    names = tree.files.get(folder, {})
    modules = sorted(n for n in names if n in MODULE_FILES)
    notebooks = sorted(n for n in names if n.lower().endswith(".ipynb") and not n.startswith("."))
    return modules, notebooks


def _holds_work(tree: _Tree, folder: str) -> bool:
    modules, notebooks = _candidates(tree, folder)
    return bool(modules or notebooks) or any(
        _holds_work(tree, f"{folder}/{d}" if folder else d) for d in tree.dirs.get(folder, ()))


def _choose_folder(tree: _Tree) -> str | None:
    """The folder graded: the top one, or the one chain of sub-folders that leads to exercise files."""
    folder = tree.start()
    for _ in range(MAX_DEPTH + 1):
        modules, notebooks = _candidates(tree, folder)
        if modules or notebooks:
            return folder
        subs = sorted(d for d in tree.dirs.get(folder, ()) if _holds_work(tree, f"{folder}/{d}" if folder else d))
        if not subs:
            return None
        if len(subs) > 1:
            shown = ", ".join(text.name(f"{folder}/{d}/" if folder else f"{d}/") for d in subs[:5])
            raise SubmissionError(f"Exercise files were found in {len(subs)} different folders ({shown}); "
                                  "the grader cannot tell which one counts. Submit one folder.")
        folder = f"{folder}/{subs[0]}" if folder else subs[0]
    return None


def _from_tree(tree: _Tree, name: str, kind: str) -> Submission:
    budget = _Budget()
    notes = list(tree.notes)
    folder = _choose_folder(tree)
    if folder is None:
        if isinstance(tree, _FolderTree) and len(tree.zips) == 1:
            # a folder that holds just one zip (Gradescope's /autograder/submission after a zip upload)
            inner = _ZipTree(tree.zips[0], text.name(os.path.basename(tree.zips[0])))
            try:
                return _from_tree(inner, name, "zip")
            finally:
                inner.close()
        expected = ", ".join(f"{m}.py" for m in MODULES)
        raise SubmissionError(f"No exercise module found. A submission holds some of: {expected} "
                              f"(or one .ipynb notebook), in its top folder or up to {MAX_DEPTH} folders down.")
    where = f" (in {text.name(folder)}/)" if folder else ""
    modules, notebooks = _candidates(tree, folder)
    entries = tree.files[folder]

    parsed: list[tuple[str, Submission, list[str]]] = []  # (notebook, its submission, exercises it defines)
    failures: list[str] = []
    for nb in notebooks[:MAX_NOTEBOOKS]:
        shown = text.name(nb)
        f = entries[nb]
        try:
            if f.size > MAX_NOTEBOOK:
                raise _TooLarge()
            data = tree.read(f, min(MAX_NOTEBOOK, max(0, budget.left())))
            budget.spend(len(data))
            sub = _from_notebook(data, name, shown)
        except _TooLarge:
            failures.append(_too_large_notebook(shown, f.size if f.size > MAX_NOTEBOOK else MAX_NOTEBOOK + 1)
                            if f.size > MAX_NOTEBOOK or budget.left() >= MAX_NOTEBOOK
                            else f"{shown} was not read: the submission is too large as a whole.")
            continue
        except SubmissionError as exc:
            failures.append(str(exc))
            continue
        parsed.append((nb, sub, exercises_defined(sub.cells)))
    if len(notebooks) > MAX_NOTEBOOKS:
        notes.append(f"{len(notebooks)} notebooks were found; only the first {MAX_NOTEBOOKS} were looked at.")

    best = max(parsed, key=lambda p: (len(p[2]), sum(len(s) for _, s in p[1].cells)), default=None)
    if best is not None and (not modules or len(best[2]) > len(modules)):
        nb, sub, defined = best
        if defined:
            why = f"it defines names of {len(defined)} exercise(s)"
        else:
            why = "it holds the most code" if len(parsed) > 1 else "it is the only notebook"
        others = []
        if modules:
            others.append(f"the module file(s) {', '.join(modules)} ({len(modules)} exercise(s))")
        others += [f"{text.name(o)} ({len(d)} exercise(s))" for o, _, d in parsed if o != nb]
        if others:
            notes.append(f"Graded the notebook {text.name(nb)}{where} because {why}; "
                         f"not graded: {'; '.join(others)}. Submit one notebook, or module files only.")
        notes += failures
        sub.notes[:0] = notes
        sub.notes = text.cap_notes(sub.notes)
        return sub
    if not modules:
        if failures:
            raise SubmissionError(failures[0] if len(failures) == 1 else " ".join(failures[:3]))
        raise SubmissionError("No exercise module found.")

    sub = Submission(name=name, kind=kind)
    total = 0
    for fname in sorted(entries):
        if not fname.endswith(".py") or fname.startswith("._"):  # ._x.py: macOS resource forks
            continue
        f = entries[fname]
        shown = text.name(fname)
        if text.name(fname, limit=None) != fname:  # a helper whose name is not plain text: not importable
            sub.notes.append(f"{shown}: a file whose name is not plain text was ignored.")
            continue
        if f.size > MAX_FILE:
            sub.notes.append(f"{shown} is larger than {MAX_FILE // 1024} KiB and was ignored.")
            continue
        if total + f.size > MAX_TOTAL or budget.left() < f.size:
            sub.notes.append("The submission is too large; some files were ignored.")
            break
        try:
            data = tree.read(f, min(MAX_FILE, budget.left()))
        except _TooLarge:
            sub.notes.append(f"{shown} is larger than {MAX_FILE // 1024} KiB and was ignored.")
            continue
        except SubmissionError as exc:  # a damaged or encrypted zip member: only that file is lost
            sub.notes.append(f"{exc} It was ignored.")
            continue
        except OSError as exc:
            sub.notes.append(f"{shown} cannot be read ({text.clean(exc.strerror or exc)}) and was ignored.")
            continue
        total += len(data)
        budget.spend(len(data))
        sub.files[fname] = _decode(data, shown, sub.notes)
    if not any(f in sub.files for f in MODULE_FILES):
        raise SubmissionError("No exercise module could be read: " + " ".join(sub.notes[:3]))
    if parsed or failures:
        graded = ", ".join(m for m in modules)
        nbs = "; ".join(f"{text.name(o)} ({len(d)} exercise(s))" for o, _, d in parsed)
        why = (f"they cover {len(modules)} exercise(s)" + (f", at least as many as the notebook(s): {nbs}" if nbs
                                                           else ""))
        notes.append(f"Graded the module files {graded}{where} because {why}; the notebook(s) "
                     f"{', '.join(text.name(n) for n in notebooks)} were not graded. "
                     "Submit one notebook, or module files only.")
    sub.notes[:0] = notes
    sub.notes = text.cap_notes(sub.notes)
    return sub


# --------------------------------------------------------------------------- notebooks

class _SkipCounter:
    def __init__(self):
        self.count = 0


def strip_magics(source: str, index: int, notes: list[str], counter: _SkipCounter | None = None) -> str:
    """Drop IPython magics and shell escapes, which are not Python; keep line numbers.

    Only the first MAX_SKIPPED_LINE_NOTES skipped lines are named in the notes (the
    caller adds the count of the others).
    """
    counter = counter or _SkipCounter()

    def note(message: str) -> None:
        counter.count += 1
        if counter.count <= MAX_SKIPPED_LINE_NOTES:
            notes.append(message)

    found = re.search(r"\S[^\n]*", source)
    first = found.group().strip() if found else ""
    if first.startswith("%%"):
        shown = text.clean(first[:40], one_line=True)
        if not CODE_CELL_MAGIC.match(first):  # %%bash, %%html, %%writefile...: not Python
            note(f"Cell {index}: the cell magic `{shown}` was skipped.")
            return ""
        # %%time, %%timeit, %%capture run the cell's code: keep it (and its line numbers)
        note(f"Cell {index}: the cell magic line `{shown}` was skipped; the cell's code was run.")
        source = source[:found.start()] + source[found.end():]

    def assigned(match: re.Match) -> str:
        value = "[]" if match.group(2).startswith("!") else "None"
        line = text.clean(match.group(0).strip()[:40], one_line=True)
        note(f"Cell {index}: in the IPython line `{line}`, the value of `{text.clean(match.group(2)[:20], one_line=True)}` "
             f"was replaced by {value} (the grader runs no shell or magic).")
        return f"{match.group(1)}= {value}"

    def skip(match: re.Match) -> str:
        note(f"Cell {index}: the IPython line `{text.clean(match.group(1).rstrip()[:40], one_line=True)}` was skipped.")
        return ""

    # line by line, without a list of two million lines
    return MAGIC_LINE.sub(skip, MAGIC_ASSIGNMENT.sub(assigned, source))


def _is_nbgrader_test(cell: dict) -> bool:
    """An nbgrader autograder-test cell: the course's own feedback code, not the student's.

    nbgrader restores these cells from the course's source at autograde time, and
    in our course notebooks they only show feedback; the points come from the checks.
    """
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return isinstance(meta, dict) and meta.get("grade") is True and not meta.get("solution")


def _language(nb: dict) -> str | None:
    """The notebook's language as its metadata says (None when it says nothing)."""
    meta = nb.get("metadata")
    if not isinstance(meta, dict):
        return None
    for key, field_ in (("language_info", "name"), ("kernelspec", "language")):
        value = meta.get(key)
        if isinstance(value, dict) and isinstance(value.get(field_), str) and value[field_].strip():
            return value[field_].strip()
    return None


def _from_notebook(data: bytes, name: str, fname: str) -> Submission:
    fname = text.name(fname)
    if len(data) > MAX_NOTEBOOK:
        raise SubmissionError(_too_large_notebook(fname, len(data)))
    values = data.count(b"{") + data.count(b"[")  # an upper bound, counted before parsing
    if values > MAX_JSON_VALUES:
        raise SubmissionError(f"{fname} is too large to read: it holds more than {MAX_JSON_VALUES:,} JSON values. "
                              "Clear its outputs (Kernel > Restart & Clear Output), save it and submit it again.")
    try:
        nb = json.loads(data)
        cells = nb["cells"]
        assert isinstance(cells, list)
    except RecursionError:
        raise SubmissionError(f"{fname} is not a valid Jupyter notebook (its JSON is nested too deeply).") from None
    except Exception:  # noqa: BLE001
        raise SubmissionError(f"{fname} is not a valid Jupyter notebook (JSON with a list of cells).") from None
    del data
    language = _language(nb)
    if language is not None and not language.lower().startswith(("python", "ipython")):
        raise SubmissionError(f"{fname} is not a Python notebook: its kernel language is "
                              f"{text.clean(language, one_line=True, limit=40)}. Write the exercises in a "
                              "Python 3 notebook.")
    sub = Submission(name=name, kind="notebook", cells=[])
    counter = _SkipCounter()
    code_cells = 0
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or _is_nbgrader_test(cell):
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str) or not source.strip():
            continue
        code_cells += 1
        if code_cells > MAX_CELLS:
            raise SubmissionError(f"{fname} has more than {MAX_CELLS} code cells; a submission may have at most "
                                  f"{MAX_CELLS}. Put the exercises in fewer cells.")
        code = strip_magics(text.unsurrogate(source), index, sub.notes, counter)
        if len(code) > MAX_FILE:  # as a .py file: reading its code would cost the grader gigabytes
            sub.notes.append(f"Cell {index} holds more than {MAX_FILE // 1024} KiB of code and was ignored.")
            continue
        sub.cells.append((index, code))
    if counter.count > MAX_SKIPPED_LINE_NOTES:
        sub.notes.append(f"({counter.count - MAX_SKIPPED_LINE_NOTES} more IPython lines were skipped.)")
    if not sub.cells:
        raise SubmissionError(f"{fname} has no code cells.")
    if sum(len(s) for _, s in sub.cells) > MAX_TOTAL:
        raise SubmissionError(f"{fname} holds more than {MAX_TOTAL // 2**20} MB of code; "
                              "a submission may hold at most that.")
    return sub
