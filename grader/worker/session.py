"""One child's view of a submission: load it, then answer requests about it."""
from __future__ import annotations

import importlib
import os
import random
import sys
import traceback
import types

from protocol import decode, encode, safe_str, type_name

import notebook
import probes


def describe_exception(exc: BaseException, workdir: str) -> dict:
    """Type, message and the last line of student code the traceback went through."""
    info = {"status": "raised", "type": type_name(exc), "message": safe_str(exc)}
    if isinstance(exc, SyntaxError):
        info["where"] = {"file": os.path.basename(exc.filename or "?"), "line": exc.lineno,
                         "text": (exc.text or "").strip()[:200]}
        return info
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.startswith(workdir) or f.filename.startswith("<cell")]
        if frames:
            last = frames[-1]
            info["where"] = {"file": os.path.basename(last.filename), "line": last.lineno,
                             "text": (last.line or "")[:200]}
    except BaseException:
        pass
    return info


class Session:
    def __init__(self, workdir: str, output):
        self.workdir = workdir
        self.output = output
        self.target = None

    # requests -------------------------------------------------------------
    def handle(self, request: dict) -> dict:
        op = request.get("op")
        try:
            if op == "setup":
                return self.setup(request)
            self.reseed(int(request.get("seed", 0)))
            if op == "call":
                return self.call(request)
            if op == "get":
                return self.get(request)
            if op == "probe":
                return self.probe(request)
            return {"status": "worker_error", "message": f"unknown op {op!r}"}
        except BaseException as exc:  # noqa: BLE001 - SystemExit and friends included
            return describe_exception(exc, self.workdir)

    def reseed(self, seed: int) -> None:
        import numpy
        import torch

        torch.manual_seed(seed)
        random.seed(seed)
        numpy.random.seed(seed % 2**32)
        torch.set_grad_enabled(True)

    def setup(self, request: dict) -> dict:
        for name, text in request.get("files", {}).items():
            if "/" in name or name.startswith("."):
                continue
            with open(os.path.join(self.workdir, name), "w", encoding="utf-8") as f:
                f.write(text)
        sys.path.insert(0, self.workdir)
        importlib.invalidate_caches()
        self.reseed(int(request.get("seed", 0)))
        cells = request.get("cells")
        if cells is not None:
            module, report = notebook.run_cells(cells, request.get("aliases", []), self.workdir,
                                                float(request.get("cell_seconds", 10.0)))
            self.target = module
            return {"status": "ok", "cells": report}
        name = request["module"]
        if not os.path.exists(os.path.join(self.workdir, name + ".py")):
            return {"status": "missing"}
        try:
            self.target = importlib.import_module(name)
        except BaseException as exc:  # noqa: BLE001
            return describe_exception(exc, self.workdir)
        return {"status": "ok"}

    def lookup(self, name: str):
        if self.target is None:
            raise LookupError("nothing was loaded")
        namespace = vars(self.target) if isinstance(self.target, types.ModuleType) else self.target
        if name not in namespace:
            return False, None
        return True, namespace[name]

    def call(self, request: dict) -> dict:
        found, fn = self.lookup(request["name"])
        if not found:
            return {"status": "missing"}
        if not callable(fn):
            return {"status": "not_callable", "value": encode(fn)}
        args = [decode(a) for a in request.get("args", [])]
        kwargs = {k: decode(v) for k, v in request.get("kwargs", {}).items()}
        try:
            value = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001
            return describe_exception(exc, self.workdir)
        return {"status": "returned", "value": encode(value)}

    def get(self, request: dict) -> dict:
        found, value = self.lookup(request["name"])
        if not found:
            return {"status": "missing"}
        return {"status": "returned", "value": encode(value)}

    def probe(self, request: dict) -> dict:
        routine = probes.PROBES.get(request.get("probe"))
        if routine is None:
            return {"status": "worker_error", "message": f"unknown probe {request.get('probe')!r}"}
        params = {k: decode(v) for k, v in request.get("params", {}).items()}
        found, obj = self.lookup(params.pop("name"))
        if not found:
            return {"status": "missing"}
        try:
            result = routine(obj, **params)
        except BaseException as exc:  # noqa: BLE001
            return describe_exception(exc, self.workdir)
        return {"status": "returned", "value": encode(result)}
