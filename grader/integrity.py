"""A trusted-side scan of a submission's source for code that reaches into the grader.

Student code shares the worker process with the probes that measure *how* a value
was computed (did gradients flow through autograd, did the function transpose X,
did a matrix product produce the result). Those probes are sealed away before the
submission is loaded (grader/worker/session.py), but Python offers ways around any
seal: frames, the garbage collector, ctypes, the torch-function mode stack, writing
raw frames to the worker's socket. None of them is needed to solve a single
exercise of this chapter, so their presence is reported, not guessed about:

- the exercise whose own file (or notebook cell) holds such code scores 0, with an
  "integrity" message an instructor can read and act on;
- every check that rests on a worker-side measurement scores 0 as well, in every
  exercise of the submission, since the code may run in the same process.

Value checks elsewhere are unaffected: values are always compared in the trusted process.
"""
from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass

from grader.contract import MODULES
from grader.submission import NAMES, Submission

# modules whose import alone is a way into the worker's internals
MODULES_FLAGGED = {
    "ctypes": "ctypes can rewrite the worker's memory",
    "_ctypes": "ctypes can rewrite the worker's memory",
    "cffi": "cffi can rewrite the worker's memory",
    "__main__": "the worker's main module is the grader's",
    "probes": "a module of the grader's worker",
    "session": "a module of the grader's worker",
    "protocol": "a module of the grader's worker",
    "notebook": "a module of the grader's worker",
    "runtime": "a module of the grader's worker",
    "socket": "the worker's socket carries its answers to the grader",
    "mmap": "mmap can map the worker's memory",
    "faulthandler": "reads the grader's frames",
    "tracemalloc": "reads the grader's allocations",
    "threading": "a thread keeps running after the grader's call returns",
    "_thread": "a thread keeps running after the grader's call returns",
    "multiprocessing": "a second process can write to the grader's socket",
    "signal": "signals interrupt the grader's own handlers",
    "pickle": "unpickling can run arbitrary code in the grader's objects",
    "marshal": "marshal builds code objects",
    "types": "types builds code and function objects",
    "code": "interactive interpreters run arbitrary code",
    "codeop": "compiles arbitrary code",
}
# attributes and names: frames, code and function internals, interpreter hooks, the mode stack
NAMES_FLAGGED = {
    "_getframe": "walks the grader's stack frames",
    "_current_frames": "walks the grader's stack frames",
    "settrace": "installs a tracer over the grader's code",
    "setprofile": "installs a profiler over the grader's code",
    "addaudithook": "installs a hook that runs inside the grader's own operations",
    "gettrace": "reads the grader's tracer",
    "getprofile": "reads the grader's profiler",
    "f_back": "walks the grader's stack frames",
    "f_globals": "reads the grader's globals",
    "f_locals": "reads the grader's locals",
    "f_builtins": "reads the grader's builtins",
    "tb_frame": "walks the grader's stack frames",
    "tb_next": "walks the grader's stack frames",
    "gi_frame": "walks the grader's stack frames",
    "cr_frame": "walks the grader's stack frames",
    "ag_frame": "walks the grader's stack frames",
    "__globals__": "reads the globals of functions it did not write",
    "__closure__": "reads the closures of functions it did not write",
    "cell_contents": "reads the closures of functions it did not write",
    "__code__": "rewrites code objects",
    "__subclasses__": "finds the grader's classes",
    "__traceback__": "walks the grader's stack frames",
    "get_objects": "the garbage collector can hand out the grader's own objects",
    "currentframe": "walks the grader's stack frames",
    "stack": None,  # inspect.stack only, below
    "getouterframes": "walks the grader's stack frames",
    "getinnerframes": "walks the grader's stack frames",
    "getframeinfo": "walks the grader's stack frames",
    "getgeneratorlocals": "reads the grader's locals",
    "getclosurevars": "reads the closures of functions it did not write",
    "attrgetter": "reaches attributes by computed names",
    "methodcaller": "reaches methods by computed names",
    "__getattribute__": "reaches attributes by computed names",
    "__dict__": "reads namespaces by computed names",
    "_getframemodulename": "walks the grader's stack frames",
    "get_referrers": "the garbage collector can hand out the grader's own objects",
    "get_referents": "the garbage collector can hand out the grader's own objects",
    "modules": None,  # only as sys.modules, see below
    "DisableTorchFunction": "switches off the grader's observation of torch operations",
    "DisableTorchFunctionSubclass": "switches off the grader's observation of torch operations",
    "_pop_mode": "switches off the grader's observation of torch operations",
    "_push_mode": "switches off the grader's observation of torch operations",
    "_pop_torch_function_stack": "switches off the grader's observation of torch operations",
    "_len_torch_function_stack": "reads the grader's observation of torch operations",
    "_get_current_function_mode": "reads the grader's observation of torch operations",
    "_get_current_function_mode_stack": "reads the grader's observation of torch operations",
    "_disabled_torch_function_impl": "switches off the grader's observation of torch operations",
    "TorchFunctionMode": "switches off the grader's observation of torch operations",
    "TorchDispatchMode": "intercepts the grader's torch operations",
    "overrides": "switches off the grader's observation of torch operations",
    "_C": "torch's C internals, below what the grader observes",
    "__import__": "imports modules by computed names",
    "exec": "runs code the grader cannot read",
    "eval": "runs code the grader cannot read",
    "compile": "builds code the grader cannot read",
    "breakpoint": "stops the worker",
    "fdopen": "opens the worker's file descriptors",
    "FileIO": "opens the worker's file descriptors",
    "dup": "copies the worker's file descriptors",
    "dup2": "replaces the worker's file descriptors",
    "sendfile": "writes to the worker's file descriptors",
    "pwrite": "writes to the worker's file descriptors",
    "writev": "writes to the worker's file descriptors",
    "kill": "signals processes",
    "killpg": "signals processes",
    "fork": "starts processes that outlive the grader's call",
    "forkpty": "starts processes that outlive the grader's call",
    "setrecursionlimit": None,
}
# os.write(fd, ...) is flagged as an attribute call of os; plain names are too common
OS_CALLS = {"write": "writes raw bytes to the worker's file descriptors (its socket)"}
# names that are also ordinary words: flagged as code, not inside strings
PLAIN_WORDS = {"exec", "eval", "compile", "kill", "killpg", "fork", "forkpty", "dup", "dup2", "fdopen", "sendfile",
               "pwrite", "writev", "overrides", "breakpoint", "modules"}
STRING_MARKERS = ("/proc/", "/dev/fd", "/run/grader-worker", "grader-worker")


# imported by the worker before any submission is loaded: a submission's file of that name is dead code
PRELOADED = {"torch", "numpy", "scipy", "sympy", "json", "os", "sys", "socket", "struct", "base64", "math",
             "random", "types", "traceback", "importlib", "signal", "resource", "io", "tempfile", "shutil"}


@dataclass(frozen=True)
class Finding:
    where: str      # "cross_correlation.py" or "cell 4"
    line: int
    construct: str  # what was found, e.g. "gc.get_objects"
    why: str

    def describe(self) -> str:
        return f"{self.where} line {self.line}: `{self.construct}` ({self.why})"


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _folded(node):
    """The value of a string expression built from literals ("_get" + "frame"), else None.
    Iterative: a sum of thousands of literals is valid Python and must not exhaust our stack."""
    parts = []
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            parts.append(node.value)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            stack += [node.right, node.left]  # the left one is taken first
        elif isinstance(node, ast.JoinedStr) and \
                all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in node.values):
            parts.append("".join(v.value for v in node.values))
        else:
            return None  # a name, a call, an f-string formatted at run time: computed
    return "".join(parts)


def _string_built(node) -> bool:
    """A path expression that can only be a string: os.path.join(...), an f-string, str + str."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call):
        dotted = _dotted(node.func)
        return dotted.endswith(("path.join", "path.abspath", "path.dirname", "path.expanduser")) or dotted in (
            "str", "Path", "pathlib.Path")
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
        spine = []  # down the left operands, without recursion (a + b + c + ... nests to the left)
        while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
            spine.append(node)
            node = node.left
        if _string_built(node):
            return True
        value = _folded(node)  # the folded left operand of each spine node, from the bottom up
        for b in reversed(spine):
            if value is not None:
                return True
            right = _folded(b.right) if isinstance(b.op, ast.Add) else None
            value = value + right if value is not None and right is not None else None
        return False
    return False


_scanned: dict = {}  # (sha256 of the source, where) -> findings: cells and stubs repeat across a class
MAX_SCANNED = 4096


def scan_source(source: str, where: str) -> list[Finding]:
    key = (hashlib.sha256(source.encode("utf-8", "surrogatepass")).digest(), where)
    if key not in _scanned:
        if len(_scanned) >= MAX_SCANNED:
            _scanned.clear()
        _scanned[key] = tuple(_scan(source, where))
    return list(_scanned[key])


def _scan(source: str, where: str) -> list[Finding]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # it will not run either; the loader reports the syntax error
    found: list[Finding] = []

    def add(node, construct, why):
        if why and len(found) < 50:
            found.append(Finding(where, getattr(node, "lineno", 0), construct, why))

    try:
        nodes = list(ast.walk(tree))
    except RecursionError:
        return [Finding(where, 0, "nesting", "nested too deeply for the grader to read")]
    imported = {alias.asname or alias.name.split(".")[0] for node in nodes if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {"builtins", "__builtins__"}
    sys_names = {"sys"} | {alias.asname for node in nodes if isinstance(node, ast.Import)
                           for alias in node.names if alias.name == "sys" and alias.asname}
    for node in nodes:  # a module's namespace read by computed names hides what is taken from it
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            target = node.args[0]
            if node.func.id == "vars" and isinstance(target, ast.Name) and target.id in imported:
                add(node, f"vars({target.id})", "reads a module's namespace by computed names")
            if node.func.id in ("getattr", "setattr", "delattr") and len(node.args) >= 2 \
                    and isinstance(target, ast.Name) and target.id in imported and _folded(node.args[1]) is None:
                add(node, f"{node.func.id}({target.id}, <computed name>)",
                    "reaches a module's attributes by computed names")
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name) \
                and node.args[0].id in imported and _dotted(node.func).split(".")[-1] == "getmembers":
            add(node, f"getmembers({node.args[0].id})", "reads a module's namespace by computed names")
        if isinstance(node, ast.Attribute) and node.attr in ("__dict__", "__getattribute__") \
                and isinstance(node.value, ast.Name) and node.value.id in imported:
            add(node, f"{node.value.id}.{node.attr}", "reads a module's namespace by computed names")
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                add(node, f"import {alias.name}", MODULES_FLAGGED.get(top))
                if alias.name.startswith("torch._C") or alias.name.startswith("torch.overrides"):
                    add(node, f"import {alias.name}", NAMES_FLAGGED["_C"])
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            top = module.split(".")[0]
            add(node, f"from {module} import ...", MODULES_FLAGGED.get(top))
            if module.startswith(("torch._C", "torch.overrides", "torch.utils._python_dispatch")):
                add(node, f"from {module} import ...", NAMES_FLAGGED["_C"])
            for alias in node.names:
                why = NAMES_FLAGGED.get(alias.name)
                if why:
                    add(node, f"from {module} import {alias.name}", why)
                if module in ("sys",) and alias.name == "modules":
                    add(node, "from sys import modules", "sys.modules holds the grader's worker modules")
                if module == "os" and alias.name in OS_CALLS:
                    add(node, f"from os import {alias.name}", OS_CALLS[alias.name])
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            why = NAMES_FLAGGED.get(node.attr)
            if node.attr == "modules":
                why = "sys.modules holds the grader's worker modules" if dotted.endswith("sys.modules") \
                    or dotted in {f"{name}.modules" for name in sys_names} else None
            elif node.attr == "_C" and not dotted.startswith("torch"):
                why = None
            elif node.attr == "overrides" and not dotted.startswith("torch"):
                why = None
            elif node.attr in ("kill", "killpg", "fork", "forkpty", "dup", "dup2", "fdopen", "sendfile",
                               "pwrite", "writev") and not dotted.startswith("os."):
                why = None
            elif node.attr in ("stack", "trace") and dotted.startswith("inspect."):
                why = "walks the grader's stack frames"
            elif node.attr in OS_CALLS and dotted == f"os.{node.attr}":
                why = OS_CALLS[node.attr]
            elif node.attr in ("compile", "eval", "exec"):
                why = None  # re.compile and friends are fine; the builtins are names, below
            add(node, dotted or node.attr, why)
        elif isinstance(node, ast.Name):
            if node.id in ("exec", "eval", "compile", "__import__", "breakpoint", "globals", "vars", "getattr",
                           "setattr", "delattr"):
                if node.id in ("exec", "eval", "compile", "__import__", "breakpoint"):
                    add(node, node.id, NAMES_FLAGGED[node.id])
            elif node.id in ("__builtins__",):
                add(node, node.id, "reaches the interpreter's builtins")
        elif isinstance(node, ast.Call):
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else (fn.attr if isinstance(fn, ast.Attribute) else "")
            if name in ("getattr", "setattr", "delattr", "hasattr") and len(node.args) >= 2:
                text = _folded(node.args[1])
                if text is None and isinstance(fn, ast.Name):
                    add(node, f"{name}(..., <computed name>)", "reaches attributes by computed names")
                if text is not None:
                    why = NAMES_FLAGGED.get(text) or MODULES_FLAGGED.get(text)
                    if text == "modules":
                        why = "sys.modules holds the grader's worker modules"
                    add(node, f"{name}(..., {text!r})", why)
            if name in ("import_module", "__import__") and node.args:
                text = _folded(node.args[0])
                if text is not None:
                    add(node, f"{name}({text!r})", MODULES_FLAGGED.get(text.split(".")[0]))
            if name in ("open", "FileIO") and node.args and _folded(node.args[0]) is None \
                    and not _string_built(node.args[0]):
                add(node, f"{name}(<file descriptor or computed path>)",
                    "opens the worker's file descriptors (its socket)")
        if isinstance(node, (ast.Constant, ast.BinOp, ast.JoinedStr)):
            text = _folded(node)
            if text and len(text) < 200:
                if any(marker in text for marker in STRING_MARKERS):
                    add(node, repr(text[:40]), "reads the worker's process or files")
                elif text in NAMES_FLAGGED and NAMES_FLAGGED[text] and text not in PLAIN_WORDS:
                    add(node, repr(text), NAMES_FLAGGED[text])
    return found


@dataclass
class Audit:
    """Findings per exercise module (module files) or per cell (a notebook)."""

    by_module: dict[str, list[Finding]]
    anywhere: list[Finding]

    @property
    def clean(self) -> bool:
        return not self.anywhere

    def for_module(self, module: str) -> list[Finding]:
        return self.by_module.get(module, [])

    def message(self, findings: list[Finding], what: str) -> str:
        shown = "; ".join(f.describe() for f in findings[:3])
        more = f" (and {len(findings) - 3} more)" if len(findings) > 3 else ""
        return (f"Integrity: {what} scores 0 because the submission contains code that can reach into the "
                f"grader: {shown}{more}. None of this is needed for the exercises; remove it. "
                "(Instructors: the finding is listed in the report; regrade by hand if it is harmless.)")


def audit(submission: Submission) -> Audit:
    by_module: dict[str, list[Finding]] = {}
    anywhere: list[Finding] = []
    if submission.is_notebook:
        for index, source in submission.cells or []:
            findings = scan_source(source, f"cell {index}")
            if not findings:
                continue
            anywhere += findings
            defined = _defined_names(source)
            for module in MODULES:
                if defined & set(NAMES.get(module, ())):
                    by_module.setdefault(module, []).extend(findings)
        return Audit(by_module, anywhere)
    for fname, source in submission.files.items():
        findings = scan_source(source, fname)
        if not findings:
            continue
        module = fname[:-3] if fname.endswith(".py") else fname
        if module in PRELOADED:
            continue  # the worker imported the real one before the submission: this file never runs
        anywhere += findings
        if module in MODULES:
            by_module.setdefault(module, []).extend(findings)
        else:  # a helper module: every exercise that imports it
            for other, text in submission.files.items():
                if other != fname and _imports(text, module):
                    by_module.setdefault(other[:-3], []).extend(findings)
    return Audit(by_module, anywhere)


def _defined_names(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _imports(source: str, module: str) -> bool:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return module in source
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == module for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == module:
            return True
    return False
