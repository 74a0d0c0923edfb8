"""Worker-side routines for checks that need live objects (autograd, layers).

Each probe receives the student's object (function or class) and plain values,
does the minimum of work that cannot be done with plain calls, and returns a dict
of plain values. The trusted side compares them with its own oracles; a probe
never judges anything.
"""
from __future__ import annotations

import torch
from torch.overrides import resolve_name


def _grads(outputs, inputs, grad_output):
    """Gradients of sum(outputs * grad_output) with respect to each input (None if unused)."""
    wanted = [t for t in inputs if isinstance(t, torch.Tensor) and t.requires_grad]
    if not isinstance(outputs, torch.Tensor) or not outputs.requires_grad or not wanted:
        return [None] * len(inputs)
    got = torch.autograd.grad(outputs, wanted, grad_outputs=grad_output.to(outputs.dtype),
                              allow_unused=True)
    by_id = {id(t): g for t, g in zip(wanted, got)}
    return [by_id.get(id(t)) for t in inputs]


def grad(fn, args=(), wrt=(), grad_output=None):
    """Call ``fn(*args)`` with ``args[i]`` requiring grad for i in ``wrt``; backpropagate."""
    args = list(args)
    for i in wrt:
        args[i] = args[i].detach().clone().requires_grad_(True)
    value = fn(*args)
    grads = _grads(value, [args[i] for i in wrt], grad_output) if grad_output is not None else []
    return {"value": value, "grads": grads}


def layer(cls, args=(), set=None, x=None, grad_output=None, input_grad=False):
    """Build ``cls(*args)``, optionally overwrite its parameters, run it on ``x`` and backpropagate."""
    net = cls(*args)
    report = {"is_module": isinstance(net, torch.nn.Module)}
    params = dict(net.named_parameters()) if report["is_module"] else {}
    report["parameters"] = [[name, list(p.shape)] for name, p in params.items()]
    report["init"] = {name: p.detach().clone() for name, p in params.items()}
    if set:
        with torch.no_grad():
            for name, value in set.items():
                getattr(net, name).copy_(value)
    if x is None:
        return report
    if input_grad:
        x = x.detach().clone().requires_grad_(True)
    out = net(x)
    report["output"] = out
    if grad_output is not None and isinstance(out, torch.Tensor) and out.requires_grad:
        out.backward(grad_output.to(out.dtype))
        report["grads"] = {name: (p.grad.detach().clone() if p.grad is not None else None)
                           for name, p in params.items()}
        report["input_grad"] = x.grad if input_grad else None
    return report


def book_loop(cls, steps=10, lr=3e-2):
    """Run the chapter's training loop on ``cls((1, 2))`` fed 4-D tensors; return what it raised."""
    X = torch.ones((6, 8))
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


def watch_ops(fn, args=(), watch=0):
    """Call ``fn(*args)`` recording every torch operation applied directly to ``args[watch]``."""
    ops = []
    target = args[watch]

    class Watched(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, fargs=(), kwargs=None):
            if any(a is watched for a in fargs) or any(a is watched for a in (kwargs or {}).values()):
                ops.append(resolve_name(func) or getattr(func, "__name__", "?"))
            with torch._C.DisableTorchFunctionSubclass():
                return func(*fargs, **(kwargs or {}))

    watched = target.as_subclass(Watched)
    args = list(args)
    args[watch] = watched
    value = fn(*args)
    if isinstance(value, torch.Tensor) and type(value) is not torch.Tensor:
        with torch._C.DisableTorchFunctionSubclass():
            value = value.as_subclass(torch.Tensor)
    return {"value": value, "ops": ops}


PROBES = {"grad": grad, "layer": layer, "book_loop": book_loop, "watch_ops": watch_ops}
