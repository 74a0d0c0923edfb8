"""How a worker starts: the audit child is forked before the zygote's imports, the libraries a
submission needs can be asked for before it is read, and the collector is paused only while
importing. None of it may change what a child is or what the audit finds."""
from __future__ import annotations

import contextlib
import re
import json
import select
import subprocess
import sys

import pytest

from grader.client import Zygote
from grader.worker.protocol import FIRST_CHILD_UID, decode

LIMITS = {"memory_bytes": 1 << 30}


@pytest.fixture(scope="module")
def zygote():
    z = Zygote(preload=("scipy",))
    yield z
    z.close()


@contextlib.contextmanager
def child_of(z):
    child = z.spawn(LIMITS)
    try:
        yield child
    finally:
        child.close()


def method_probe(child) -> dict:
    """The "method" probe of the notebook's corr2d: what it refuses or measures."""
    return child.request({"op": "probe", "module": "cross_correlation", "probe": "method", "seed": 1,
                          "params": {"name": {"t": "str", "v": "corr2d"}}}, 30)


def run_cell(child, code: str, name: str):
    """Run ``code`` as a notebook cell in ``child``; the value it left in ``name``."""
    reply = child.request({"op": "setup", "files": {}, "seed": 1, "cells": [(0, code)],
                           "aliases": ["cross_correlation"]}, 60)
    assert reply["status"] == "ok", reply
    assert child.request({"op": "load", "module": "cross_correlation", "seed": 1}, 30)["status"] == "ok"
    reply = child.request({"op": "get", "module": "cross_correlation", "name": name, "seed": 1}, 30)
    assert reply["status"] == "returned", reply
    return decode(reply["value"])


def test_the_audit_is_answered_while_the_zygote_still_imports():
    z = Zygote()
    try:
        z.control.sendall(b'{"op": "ping"}')  # answered once the zygote has imported everything
        audit_id = z.audit_child.id
        z.audit()
        assert not z.ready and z.owed == ["spawned"]  # nothing waited for the zygote
        assert z._read(60) == {"op": "spawned", "id": audit_id}  # the audit child, forked first
        # the audit is answered, the ping not yet: the zygote forked the audit child before importing
        assert not select.select([z.control], [], [], 0)[0]
        assert z._read(180) == {"op": "pong"}
        z.owed.clear()
        z.ready = True
        with child_of(z) as child:  # and the zygote serves as before
            assert run_cell(child, "import sys\nseen = 'torch' in sys.modules", "seen") is True
    finally:
        z.close()


def test_an_audit_child_forked_before_the_imports_finds_what_a_later_one_finds():
    z = Zygote()
    try:
        early = dict(z.audit())
        z.wait_ready()
        late = dict(z.audit())  # the first is used: this one is forked after the imports
        uids = early.pop("uid"), late.pop("uid")
        assert all(uid >= FIRST_CHILD_UID for uid in uids) and uids[0] != uids[1]
        assert early == late and early["readable"] == []
    finally:
        z.close()


def test_an_audit_child_runs_no_code():
    z = Zygote()
    try:
        z.wait_ready()
        child = z._fork(LIMITS, audit=True)
        try:
            reply = child.request({"op": "setup", "files": {}, "seed": 1, "aliases": ["cross_correlation"],
                                   "cells": [(0, "open('ran', 'w').close()")]}, 30)
            assert reply["status"] == "worker_error" and "only the audit" in reply["message"]
            reply = child.request({"op": "audit", "paths": []}, 30)
            assert reply["status"] == "returned"
        finally:
            child.close()
    finally:
        z.close()


def test_children_run_with_the_collector_on(zygote):
    """Paused while the zygote imports, on again before any fork; the zygote's objects are frozen."""
    with child_of(zygote) as child:
        state = run_cell(child, "import gc\nstate = [gc.isenabled(), gc.get_freeze_count() > 0]", "state")
        assert state == [True, True]
    zygote.ensure(["optim"])  # a preload asked for later pauses it too, and turns it back on
    with child_of(zygote) as child:
        assert run_cell(child, "import gc\nstate = gc.isenabled()", "state") is True


def test_a_library_asked_for_before_the_zygote_is_ready_is_imported_before_the_first_child():
    z = Zygote()
    try:
        z.preload_soon(["scipy"])
        assert z.loaded == {"scipy"}
        with child_of(z) as child:
            assert z.owed == [] and z.ready
            assert run_cell(child, "import sys\nloaded = 'scipy.signal' in sys.modules", "loaded") is True
        z.preload_soon(["scipy"])  # already there: nothing is sent, nothing is owed
        assert z.owed == []
    finally:
        z.close()


def test_the_grader_imports_with_the_collector_paused_and_turns_it_back_on():
    script = ("import gc, json, sys\n"
              "from grader.cli import import_trusted\n"
              "import_trusted(['cross_correlation'])\n"
              "print(json.dumps([gc.isenabled(), gc.get_freeze_count() > 0, 'scipy.signal' in sys.modules,\n"
              "                  'grader.checks.cross_correlation' in sys.modules]))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [True, True, True, True], out.stderr


def test_the_probes_baseline_taken_in_the_zygote_is_what_a_child_starts_from(zygote):
    """Nothing a child does before student code (dropping root, its output, its session, setup)
    replaces a watched attribute: the zygote's snapshot stands for the child's own."""
    code = ("import gc\n"
            "s = next(o for o in gc.get_objects() if type(o).__name__ == 'Session')\n"
            "g = s._changed.__globals__\n"
            "facts = [g['BASELINE'] is not None, s._snapshot is g['BASELINE'], g['changed'](g['BASELINE']),\n"
            "         sorted(map(str, set(g['BASELINE']) - set(g['snapshot']())))]\n")
    with child_of(zygote) as child:
        assert run_cell(child, code, "facts") == [True, True, [], []]


CORR2D = "import torch\ndef corr2d(X, K):\n    return X\n"


@pytest.mark.parametrize("patch, name", [
    ("torch.Tensor.backward = lambda self, *args, **kwargs: None", "torch.Tensor.backward"),  # replaced
    ("torch.Tensor.sum = lambda self, *args, **kwargs: 0", "torch.Tensor.sum"),  # hides TensorBase.sum
    ("setattr(torch.nn.Parameter, '__matmul__', lambda a, b: a)", "torch.nn.Parameter.__matmul__"),
])
def test_a_replaced_torch_function_is_found_against_the_zygote_baseline(zygote, patch, name):
    with child_of(zygote) as child:
        assert run_cell(child, CORR2D + patch + "\ndone = True\n", "done") is True
        reply = method_probe(child)
        assert reply["status"] == "integrity" and name in reply["message"], reply


@pytest.mark.parametrize("code", [
    "torch.Tensor.my_helper = 1",  # hides nothing
    "import pydoc\npydoc.render_doc(torch.nn.Parameter)",  # help(): Python adds __annotations__
    "import inspect\ninspect.getmembers(torch.nn.Parameter)",
    "import pickle\npickle.dumps(torch.nn.Parameter(torch.zeros(2)))",  # copyreg adds __slotnames__
    "torch.save(torch.nn.Linear(2, 2), 'model.pt')",
    "torch.save(torch.nn.Linear(2, 2).state_dict(keep_vars=True), 'state.pt')",
    "import sys\nsys.argv = ['notebook', '--steps', '3']",  # argparse in a notebook (red team)
    "import sys\nsys.dont_write_bytecode = False",  # compiled files for its own modules (red team)
    "double = torch.compile(lambda t: t * 2, backend='eager')\ndouble(torch.ones(2))",  # dynamo's own patches
])
def test_what_python_adds_to_a_watched_class_by_itself_is_no_replacement(zygote, code):
    """Found by the red team: help(nn.Parameter) and torch.save(model) cost a right answer 11 and 7
    points, torch.compile and setting sys.argv 1 point."""
    with child_of(zygote) as child:
        assert run_cell(child, CORR2D + code + "\ndone = True\n", "done") is True
        assert method_probe(child)["status"] != "integrity"


def test_a_child_and_what_it_starts_are_in_the_child_s_own_cgroups(zygote):
    """The child moves itself into its cgroups (runtime.Cgroups.join; on cgroup v1 through the
    ``tasks`` file, which moves the one thread a fresh fork has): its threads and processes follow."""
    if zygote.plan.cgroups is None:
        pytest.skip("no cgroups here")
    code = ("import os, re, subprocess, sys, threading\n"
            "def mine(text):\n"
            "    return sorted(re.sub(r'^\\d+:', '', line) for line in text.splitlines()\n"
            "                  if re.search(r'^\\d+:(memory|pids):', line))\n"
            "seen = [mine(open('/proc/self/cgroup').read())]\n"
            "t = threading.Thread(target=lambda: seen.append(mine(open(f'/proc/self/task/{threading.get_native_id()}/cgroup').read())))\n"
            "t.start(); t.join()\n"
            "seen.append(mine(subprocess.run([sys.executable, '-c', \"print(open('/proc/self/cgroup').read())\"],\n"
            "                                capture_output=True, text=True).stdout))\n")
    with child_of(zygote) as child:
        seen = run_cell(child, code, "seen")
    own, thread, process = seen
    version = zygote.plan.cgroups.get("version")
    if version == 2:
        assert own and all(re.search(r"/c\d+$", line) for line in own), own
    else:
        assert [line.split(":")[0] for line in own] == ["memory", "pids"], own
        assert all(re.search(r"/c\d+$", line) for line in own), own
    assert thread == own and process == own
