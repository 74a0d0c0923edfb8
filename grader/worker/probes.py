"""Worker-side routines for checks that need live objects (autograd, layers, how a value was computed).

Each probe receives the student's object (function or class) and plain values,
does the minimum of work that cannot be done with plain calls, and returns a dict
of plain values. The trusted side compares them with its own oracles; a probe
never judges anything.

Student code shares this process, so what a probe measures about *how* a value
was computed is hardened, and what cannot be hardened is audited:

- this module is imported in the zygote, before any student code, and the child
  removes it from ``sys.modules`` and the worker folder from ``sys.path`` before the
  submission is loaded (see session.Session.seal): student code cannot reach it
  by name;
- the torch and Python functions it relies on are captured here, at import time,
  and :func:`snapshot` / :func:`changed` notice when student code has replaced any
  of them since the child started: a probe then refuses to measure;
- operations are observed with a ``TorchFunctionMode`` that sees every torch
  operation, on the argument and on every tensor derived from it, whoever calls it;
- the trusted side scans the submission's source for ways of reaching into the
  worker (frames, the garbage collector, ctypes, the mode stack) and zeroes the
  exercises whose grade rests on these measurements (grader/integrity.py).
"""
from __future__ import annotations

import builtins
import sys

import torch
from torch.overrides import TorchFunctionMode, resolve_name

# ----------------------------------------------------------------------------- integrity

_autograd_grad = torch.autograd.grad
_getframe = sys._getframe
_isinstance = builtins.isinstance
_Tensor = torch.Tensor
_Module = torch.nn.Module
_equal = torch.equal
_ones = torch.ones
_no_grad = torch.no_grad
_DisableSubclass = torch._C.DisableTorchFunctionSubclass
_current_mode = torch.overrides._get_current_function_mode

# What the probes rely on and cannot capture one by one: the tensor and module classes, autograd,
# the override machinery. torch's and numpy's top-level functions are captured above instead, so a
# notebook that patches, say, torch.allclose for its own reasons does not stop the measurements.
WATCHED = {
    "builtins": builtins,
    "sys": sys,
    "torch.autograd": torch.autograd,
    "torch.overrides": torch.overrides,
    "torch.Tensor": torch.Tensor,
    "torch._C.TensorBase": torch._C.TensorBase,
    "torch.nn.Module": torch.nn.Module,
    "torch.nn.Parameter": torch.nn.Parameter,
    "torch.overrides.TorchFunctionMode": TorchFunctionMode,
}
IGNORED = {("sys", "modules"), ("sys", "path"), ("sys", "stdout"), ("sys", "stderr"), ("sys", "stdin"),
           ("sys", "displayhook"), ("sys", "excepthook"), ("sys", "path_importer_cache"), ("sys", "last_type"),
           ("sys", "last_value"), ("sys", "last_traceback"), ("sys", "ps1"), ("sys", "ps2"),
           ("builtins", "_"), ("sys", "exc_info_cache"), ("sys", "argv"), ("sys", "dont_write_bytecode")}
# replaced by torch itself on the first call of a function compiled with torch.compile
DYNAMO_PATCHES = {("torch.nn.Module", "__init__"), ("torch.nn.Module", "__setstate__")}


BASELINE: dict | None = None  # snapshot() taken in the zygote before each fork (see take_baseline)


def take_baseline() -> None:
    """In the zygote, after its imports: the snapshot every child starts from. A child that took
    its own would touch (copy from the zygote) each watched attribute's page: 500 pages, 1.5 ms."""
    global BASELINE
    BASELINE = snapshot()


class Snapshot(dict):
    """(owner, name) -> identity of the value; ``names``: the names each owner had."""

    names: dict


def snapshot() -> Snapshot:
    """Identity of every attribute of the watched modules and classes, taken before student code runs."""
    snap = Snapshot()
    snap.names = {}
    for owner, obj in WATCHED.items():
        try:
            items = list(vars(obj).items())
        except TypeError:
            continue
        snap.names[owner] = frozenset(name for name, _ in items)
        for name, value in items:
            if (owner, name) not in IGNORED and not (owner == "sys" and name.startswith("last_")):
                snap[(owner, name)] = id(value)
    return snap


_MISSING = object()


def changed(snap: dict) -> list[str]:
    """Watched attributes that were replaced or deleted since ``snap``, and names added to a watched
    class that hide a method or descriptor a base class defines (``torch.Tensor.sum`` over
    ``TensorBase.sum``): a replacement too. Other new names are fine (lazy imports, a class's
    ``__slotnames__`` once an instance was pickled)."""
    found = []
    spaces = {}
    for owner, obj in WATCHED.items():
        try:
            spaces[owner] = vars(obj)
        except TypeError:
            continue
    for (owner, name), ident in snap.items():
        now = spaces.get(owner)
        if now is None:
            continue
        value = now.get(name, _MISSING)
        if value is _MISSING or id(value) != ident:
            if (owner, name) in DYNAMO_PATCHES and "torch._dynamo" in sys.modules \
                    and str(getattr(value, "__module__", "")).startswith("torch._dynamo"):
                continue
            found.append(f"{owner}.{name}")
            if len(found) >= 5:
                return found
    names = getattr(snap, "names", {})
    for owner, obj in WATCHED.items():
        if not isinstance(obj, type) or owner not in spaces or owner not in names:
            continue
        for name in spaces[owner].keys() - names[owner]:
            if name in LAZY_CLASS_DATA:
                continue
            hidden = next((vars(base)[name] for base in obj.__mro__[1:] if name in vars(base)), _MISSING)
            if hidden is not _MISSING and (callable(hidden) or hasattr(type(hidden), "__get__")):
                found.append(f"{owner}.{name}")
                if len(found) >= 5:
                    return found
    return found


# what Python itself adds to a class on first use: __annotations__ when read (help(), inspect),
# __slotnames__ when an instance is first pickled (torch.save of a module with its parameters)
LAZY_CLASS_DATA = frozenset({"__annotations__", "__slotnames__"})


# ----------------------------------------------------------------------------- autograd and layers

def _grads(outputs, inputs, grad_output):
    """Gradients of sum(outputs * grad_output) with respect to each input (None if unused)."""
    wanted = [t for t in inputs if _isinstance(t, _Tensor) and t.requires_grad]
    if not _isinstance(outputs, _Tensor) or not outputs.requires_grad or not wanted:
        return [None] * len(inputs)
    got = _autograd_grad(outputs, wanted, grad_outputs=grad_output.to(outputs.dtype), allow_unused=True)
    by_id = {id(t): g for t, g in zip(wanted, got)}
    return [by_id.get(id(t)) for t in inputs]


def grad(fn, args=(), wrt=(), grad_output=None, **_):
    """Call ``fn(*args)`` with ``args[i]`` requiring grad for i in ``wrt``; backpropagate."""
    args = list(args)
    for i in wrt:
        args[i] = args[i].detach().clone().requires_grad_(True)
    value = fn(*args)
    grads = _grads(value, [args[i] for i in wrt], grad_output) if grad_output is not None else []
    return {"value": value, "grads": grads}


def layer(cls, args=(), set=None, x=None, grad_output=None, input_grad=False, **_):
    """Build ``cls(*args)``, optionally overwrite its parameters, run it on ``x`` and backpropagate."""
    net = cls(*args)
    report = {"is_module": _isinstance(net, _Module)}
    params = dict(net.named_parameters()) if report["is_module"] else {}
    report["parameters"] = [[name, list(p.shape)] for name, p in params.items()]
    report["init"] = {name: p.detach().clone() for name, p in params.items()}
    if set:
        with _no_grad():
            for name, value in set.items():
                getattr(net, name).copy_(value)
    if x is None:
        return report
    if input_grad:
        x = x.detach().clone().requires_grad_(True)
    out = net(x)
    report["output"] = out
    if grad_output is not None and _isinstance(out, _Tensor) and out.requires_grad:
        names = [n for n, p in params.items() if p.requires_grad]
        wanted = [params[n] for n in names] + ([x] if input_grad else [])
        got = _autograd_grad(out, wanted, grad_outputs=grad_output.to(out.dtype), allow_unused=True) \
            if wanted else []
        by_name = dict(zip(names, got))
        report["grads"] = {name: (by_name[name].detach().clone() if by_name.get(name) is not None else None)
                           for name in params}
        report["input_grad"] = got[-1] if input_grad and got else None
    return report


def book_loop(cls, steps=10, lr=3e-2, **_):
    """Run the chapter's training loop on ``cls((1, 2))`` fed 4-D tensors; return what it raised."""
    X = _ones((6, 8))
    X[:, 2:6] = 0
    Y = X[:, :-1] - X[:, 1:]
    net = cls((1, 2))
    X, Y = X.reshape((1, 1, 6, 8)), Y.reshape((1, 1, 6, 7))
    try:
        for _ in range(steps):
            Y_hat = net(X)
            loss = (Y_hat - Y) ** 2
            net.zero_grad()
            loss.sum().backward()
            net.weight.data[:] -= lr * net.weight.grad
    except Exception as exc:  # noqa: BLE001 - the point is to see what it raises
        return {"raised": exc}
    return {"raised": None}


# ----------------------------------------------------------------------------- how a value was computed

MATMULS = {"matmul", "__matmul__", "__rmatmul__", "mm", "spmm",  # torch.mm resolves to the name torch.spmm
           "mv", "bmm", "einsum", "tensordot", "linear", "inner",
           "addmm", "addmv", "baddbmm", "addbmm", "chain_matmul", "multi_dot", "vecdot"}
ESCAPES = {"numpy", "tolist", "__array__", "item", "__float__", "__int__", "__complex__", "__index__",
           "data_ptr", "untyped_storage", "storage", "_typed_storage", "__dlpack__", "__reduce_ex__"}
METADATA = {"shape", "size", "dim", "ndim", "ndimension", "dtype", "device", "requires_grad", "is_floating_point",
            "__len__", "numel", "nelement", "layout", "is_cuda", "names", "is_leaf", "grad_fn", "stride",
            "is_contiguous", "element_size", "__format__", "__repr__", "__str__", "__hash__", "__bool__"}
# operations that only move, copy or convert values: a result that comes out of a matrix product
# through these alone still *is* that product (anything else, e.g. `0 * P + L`, is new arithmetic)
REARRANGING = {"reshape", "view", "view_as", "reshape_as", "squeeze", "unsqueeze", "flatten", "unflatten",
               "contiguous", "clone", "detach", "to", "float", "double", "half", "type", "type_as", "__getitem__",
               "t", "T", "mT", "transpose", "permute", "movedim", "moveaxis", "swapaxes", "swapdims", "narrow",
               "select", "squeeze_", "unsqueeze_", "copy_", "requires_grad_", "as_subclass", "cpu", "resolve_conj",
               "resolve_neg", "__setitem__", "ravel", "expand_as", "stack", "cat", "hstack", "vstack", "chunk",
               "split", "unbind", "split_with_sizes"}
MAX_RECORDS = 400
MAX_MATMULS = 16
MAX_OPERAND = 1 << 16


def _short(func) -> str:
    name = resolve_name(func) or getattr(func, "__name__", "?")
    return name


def _base(name: str) -> str:
    return name.replace(".__get__", "").rsplit(".", 1)[-1]


def _tensors(obj, depth=0):
    if _isinstance(obj, _Tensor):
        yield obj
    elif depth < 3 and _isinstance(obj, (list, tuple)):
        for item in obj[:64]:
            yield from _tensors(item, depth + 1)
    elif depth < 3 and _isinstance(obj, dict):
        for item in list(obj.values())[:64]:
            yield from _tensors(item, depth + 1)


def _plain(t):
    with _DisableSubclass():
        return _Tensor.detach(t).clone().as_subclass(_Tensor)


class Recorder(TorchFunctionMode):
    """Sees every torch operation while the student's function runs.

    ``watch``: the argument whose derived tensors are followed (``from_x``).
    ``exempt``: code objects and file names of the submission's own corr2d (what
    corr2d does inside is its own business); operations below such a frame are
    not attributed to the function under test, and corr2d's result is not
    "derived from X" for this purpose.
    """

    def __init__(self, watch, exempt_codes=(), exempt_files=()):
        super().__init__()
        self.x = watch
        self.xt = _plain(watch).T.double() if watch is not None and watch.dim() == 2 else None
        if self.xt is not None and self.xt.shape[0] == self.xt.shape[1] and bool(_equal(self.xt, self.xt.T)):
            self.xt = None  # a symmetric X: its transpose cannot be told from X itself
        self.keep = [watch]
        self.from_x = {id(watch)} if watch is not None else set()
        self.x_memory = _memory_of(watch) if watch is not None else None
        self.exempt_codes = set(exempt_codes)
        self.exempt_files = set(exempt_files)
        self.stop_code = None
        self.own_ops: list[str] = []        # operations on X or what was derived from it, outside corr2d
        self.transposed: list[str] = []     # operations whose result equals X transposed
        self.escapes: list[str] = []        # X's entries taken out of torch (numpy, lists, Python numbers)
        self.convolutions: list[str] = []   # correlation routines called anywhere
        self.matmuls: list[dict] = []       # matrix products: operands and result
        self.corr2d_calls = 0               # operations seen inside the submission's corr2d
        self.product_of: dict[int, int] = {}  # tensor id -> index of the matrix product it rearranges
        self.errors = 0

    def _aliases_x(self, t) -> bool:
        return self.x_memory is not None and _memory_of(t) == self.x_memory

    def record_export(self, name: str, tensor) -> None:
        """A DLPack export (see guard_dlpack): of X or what came from X, outside corr2d, an escape."""
        if not self._inside_corr2d() and (id(tensor) in self.from_x or self._aliases_x(tensor)):
            if len(self.own_ops) < MAX_RECORDS:
                self.own_ops.append(name)
            self.escapes.append(name)

    def _inside_corr2d(self) -> bool:
        frame = _getframe(3)
        while frame is not None and frame.f_code is not self.stop_code:
            code = frame.f_code
            if code in self.exempt_codes or code.co_filename in self.exempt_files:
                return True
            frame = frame.f_back
        return False

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        try:
            self._record(func, args, kwargs, out)
        except Exception:  # noqa: BLE001 - never let bookkeeping change the student's result
            self.errors += 1
        return out

    def _record(self, func, args, kwargs, out) -> None:
        name = _short(func)
        base = _base(name)
        if base in METADATA:
            return
        inside = self._inside_corr2d()
        if inside:
            self.corr2d_calls += 1
        if "conv" in base and base not in ("convert",) or "correlate" in base:
            self.convolutions.append(name)
        inputs = list(_tensors(args)) + list(_tensors(kwargs))
        if base in MATMULS and len(self.matmuls) < MAX_MATMULS:
            outs = list(_tensors(out))
            if outs and all(t.numel() <= MAX_OPERAND for t in inputs + outs):
                self.matmuls.append({"op": name, "operands": [_plain(t) for t in inputs],
                                     "result": _plain(outs[0])})
                self.product_of[id(outs[0])] = len(self.matmuls) - 1
                self.keep.append(outs[0])
        elif base in REARRANGING:
            sources = {self.product_of[id(t)] for t in inputs if id(t) in self.product_of}
            if len(sources) == 1:
                index = next(iter(sources))
                targets = list(_tensors(out))
                if base.endswith("_") or base == "__setitem__":
                    targets += [t for t in args[:1] if _isinstance(t, _Tensor)]
                for t in targets:
                    self.product_of[id(t)] = index
                    self.keep.append(t)
        if inside:
            return
        # what shares X's memory is X too, however it was made: torch.nn.Parameter(X), the legacy
        # torch.Tensor(X), Variable(X) and _make_subclass are not dispatched to this mode (red team)
        derived = any(id(t) in self.from_x or self._aliases_x(t) for t in inputs)
        outs = list(_tensors(out))
        if base.endswith("_") or base in ("__setitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__") \
                or "out" in kwargs:
            outs += [t for t in (args[:1] if args else []) if _isinstance(t, _Tensor)]
            outs += list(_tensors(kwargs.get("out")))
        if derived:
            if len(self.own_ops) < MAX_RECORDS:
                self.own_ops.append(name)
            if base in ESCAPES:
                self.escapes.append(name)
            for t in outs:
                if id(t) not in self.from_x:
                    self.from_x.add(id(t))
                    self.keep.append(t)
        if self.xt is not None:
            for t in outs:
                if tuple(t.shape) == tuple(self.xt.shape) and t.dtype.is_floating_point and t.numel() > 1:
                    with _DisableSubclass():
                        values = _Tensor.detach(t).double()
                        if bool(_equal(values, self.xt)):
                            self.transposed.append(name)


def _memory_of(t):
    """The address of the memory ``t`` views (None when it has none): tensors that share it alias each other."""
    try:
        with _DisableSubclass():
            address = _Tensor.untyped_storage(t).data_ptr()
    except Exception:  # noqa: BLE001 - a tensor without ordinary storage aliases nothing here
        return None
    return address or None


def guard_dlpack() -> None:
    """In the zygote, before any student code: route torch's DLPack exports through the recorder.

    ``to_dlpack`` is a C function that torch does not dispatch to modes, so a capsule taken from X
    and read back with ``from_dlpack`` was a copy of X that the recorder did not know came from X
    (its ``.numpy()`` then escaped unseen; found by the red team). The exports now tell the recorder,
    which counts an export of X, or of what came from X, as an escape; they do the same as before."""
    import torch.utils.dlpack as dlpack

    def guarded(original, label):
        def export(tensor, *args, **kwargs):
            mode = _current_mode()
            if type(mode) is Recorder:
                try:
                    mode.record_export(label, tensor)
                except Exception:  # noqa: BLE001 - never let bookkeeping change the student's result
                    mode.errors += 1
            return original(tensor, *args, **kwargs)
        export.__name__ = export.__qualname__ = getattr(original, "__name__", label)
        export.__doc__ = getattr(original, "__doc__", None)
        return export

    for name in ("_to_dlpack", "_to_dlpack_versioned"):
        original = getattr(torch._C, name, None)
        if original is not None:
            wrapper = guarded(original, "to_dlpack")
            setattr(torch._C, name, wrapper)
            for owner in (dlpack, torch):
                if getattr(owner, "to_dlpack", None) is original:
                    owner.to_dlpack = wrapper


def _exempt(corr2d_codes):
    codes = set()
    stack = list(corr2d_codes)
    while stack:
        code = stack.pop()
        if code in codes:
            continue
        codes.add(code)
        stack.extend(c for c in code.co_consts if type(c) is type(code))
    return codes


def _run_recorded(fn, args, watch, exempt_codes, exempt_files):
    recorder = Recorder(args[watch] if watch is not None else None, _exempt(exempt_codes), exempt_files)
    recorder.stop_code = _run_recorded.__code__
    with recorder:
        value = fn(*args)
        intact = _current_mode() is recorder
    recorder.returned_product = recorder.product_of.get(id(value), -1) if type(value) is _Tensor else -1
    if _isinstance(value, _Tensor) and type(value) is not _Tensor:
        value = _plain(value)
    return value, recorder, intact


def watch_ops(fn, args=(), watch=0, exempt_codes=(), exempt_files=(), **_):
    """Call ``fn(*args)``; report what the function's own code did to ``args[watch]`` and what it derived."""
    value, rec, intact = _run_recorded(fn, list(args), watch, exempt_codes, exempt_files)
    return {"value": value, "ops": rec.own_ops[:MAX_RECORDS], "transposed": rec.transposed[:20],
            "escapes": rec.escapes[:20], "intact": intact, "errors": rec.errors}


def method(fn, args=(), exempt_codes=(), exempt_files=(), **_):
    """Call ``fn(*args)``; report the matrix products it computed and the correlation routines it called."""
    value, rec, intact = _run_recorded(fn, list(args), None, exempt_codes, exempt_files)
    return {"value": value, "matmuls": rec.matmuls, "product": rec.returned_product,
            "convolutions": rec.convolutions[:20],
            "corr2d_calls": rec.corr2d_calls, "intact": intact, "errors": rec.errors}


PROBES = {"grad": grad, "layer": layer, "book_loop": book_loop, "watch_ops": watch_ops, "method": method}
