"""``sub.prefetch``: a check's next calls of one function run in one batch request.

A batch must change nothing but the time it takes: every call keeps the random state and
the time limit it would have had on its own, a hang or a crash in the middle is reported
for the call that caused it, and a call the check makes other than it declared runs on
its own.
"""
from __future__ import annotations

import json
import os
import time

import pytest
import torch

from grader import drawn
from grader.checking import StudentStopped, Unavailable, examples
from grader.client import Zygote
from grader.contract import MODULES
from grader.grading import Limits, SubmissionRun
from grader.runner import grade
from grader.submission import load
from tests.helpers import SOLUTIONS

RANDOM = ("import numpy, os, time, torch\n\n\n"
          "def corr2d(X, K):\n"
          "    if float(X[0, 0]) == 7:\n"
          "        time.sleep(60)\n"
          "    if float(X[0, 0]) == 9:\n"
          "        os._exit(3)\n"
          "    return torch.rand(2) + float(numpy.random.rand())\n")


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    yield z
    z.close()


def _sub(zygote, folder, source=RANDOM, limits=None):
    (folder / "cross_correlation.py").write_text(source)
    run = SubmissionRun(load(str(folder)), zygote, seed=5, limits=limits)
    sub = run.exercise("cross_correlation")
    sub.begin_check(11)
    return run, sub


def _corr2d(*body: str) -> str:
    """A cross_correlation.py whose corr2d runs these lines."""
    return "import torch\n\n\ndef corr2d(X, K):\n" + "".join(f"    {line}\n" for line in body)


def _inputs(first_values):
    return [(torch.full((3, 3), float(v)), torch.ones(2, 2)) for v in first_values]


def test_prefetched_calls_return_what_calls_on_their_own_return(zygote, tmp_path):
    calls = _inputs([1, 2, 3, 4])
    run, sub = _sub(zygote, tmp_path)
    try:
        alone = [sub.call("corr2d", X, K) for X, K in calls]
        sub.begin_check(11)
        sub.prefetch("corr2d", calls)
        batched = [sub.call("corr2d", X, K) for X, K in calls]
    finally:
        run.close()
    assert all(torch.equal(a, b) for a, b in zip(alone, batched))  # the same random state, call by call
    assert not torch.equal(alone[0], alone[1])
    assert sub.prefetch_misses == 0


def test_a_call_other_than_declared_runs_on_its_own(zygote, tmp_path):
    calls = _inputs([1, 2, 3])
    run, sub = _sub(zygote, tmp_path)
    try:
        expected = [sub.call("corr2d", *calls[0]), sub.call("corr2d", *calls[2])]
        sub.begin_check(11)
        sub.prefetch("corr2d", calls)
        got = [sub.call("corr2d", *calls[0]), sub.call("corr2d", *calls[2])]  # skips the second
    finally:
        run.close()
    assert sub.prefetch_misses == 1
    assert torch.equal(got[0], expected[0]) and torch.equal(got[1], expected[1])


def test_a_hang_inside_a_batch_costs_one_call_limit_and_is_that_calls(zygote, tmp_path):
    calls = _inputs([1, 7, 2])
    run, sub = _sub(zygote, tmp_path, limits=Limits(call_seconds=1.5))
    try:
        start = time.monotonic()
        sub.prefetch("corr2d", calls)
        elapsed = time.monotonic() - start
        first = sub.call("corr2d", *calls[0])
        with pytest.raises(StudentStopped, match="did not finish within 1.5 s"):
            sub.call("corr2d", *calls[1])
        with pytest.raises(StudentStopped, match="was not run"):
            sub.call("corr2d", *calls[2])
    finally:
        run.close()
    assert isinstance(first, torch.Tensor)
    assert elapsed < 10  # one call's limit, not one per call of the batch


def test_a_crash_inside_a_batch_is_that_calls(zygote, tmp_path):
    calls = _inputs([1, 9, 2])
    run, sub = _sub(zygote, tmp_path)
    try:
        sub.prefetch("corr2d", calls)
        assert isinstance(sub.call("corr2d", *calls[0]), torch.Tensor)
        with pytest.raises(StudentStopped, match="ended the worker process"):
            sub.call("corr2d", *calls[1])
        assert isinstance(sub.call("corr2d", *calls[2]), torch.Tensor)  # a fresh child answers the next
    finally:
        run.close()


def test_a_forged_batch_reply_is_malformed(zygote, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_INTEGRITY_SCAN", "off")  # the scan would flag os.write: test what is behind it
    source = ("import os, struct, json, torch\n\n\n"
              "def corr2d(X, K):\n"
              "    body = json.dumps({'status': 'returned', 'index': 1, 'value': {'t': 'int', 'v': 1}}).encode()\n"
              "    for fd in range(3, 40):\n"
              "        try:\n"
              "            os.write(fd, struct.pack('>I', len(body)) + body)\n"
              "        except OSError:\n"
              "            pass\n"
              "    return torch.zeros(2, 2)\n")
    run, sub = _sub(zygote, tmp_path, source=source)
    try:
        sub.prefetch("corr2d", _inputs([1, 2]))
        with pytest.raises(StudentStopped, match="malformed"):
            sub.call("corr2d", *_inputs([1])[0])
    finally:
        run.close()


def _lists():
    from hypothesis import strategies as st

    return st.lists(st.integers(0, 9), min_size=1, max_size=4)


def test_examples_are_drawn_once_copied_and_kept_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(drawn, "_memory", {})
    monkeypatch.setattr(drawn, "_disk", None)
    first = examples(_lists, 123, key="tests.lists")
    first[0].append("changed")
    again = examples(_lists, 123, key="tests.lists")
    assert "changed" not in again[0]
    assert len(again) == 12 and again == examples(_lists, 123, key="tests.lists")
    assert examples(_lists, 124, key="tests.lists") != again
    (cache,) = (tmp_path / "examples").iterdir()
    assert oct(cache.stat().st_mode & 0o777) == "0o600"

    # a new process reads them back without drawing
    monkeypatch.setattr(drawn, "_memory", {})
    monkeypatch.setattr(drawn, "_disk", None)
    monkeypatch.setattr(drawn, "_draw", lambda *a: pytest.fail("drew again"))
    assert examples(_lists, 123, key="tests.lists") == again


def _tensors():
    from hypothesis import strategies as st

    shapes = st.tuples(st.integers(1, 3), st.integers(1, 3))
    return st.tuples(shapes.map(lambda s: torch.rand(*s)), st.just(torch.ones(2, 2).t()), st.just((1.5, "x")))


def test_each_caller_gets_its_own_copy_of_drawn_tensors(tmp_path, monkeypatch):
    import numpy

    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path))
    _fresh(monkeypatch)
    first = examples(_tensors, 5, key="tests.tensors", count=3)
    again = examples(_tensors, 5, key="tests.tensors", count=3)
    for (a, k, plain), (b, k2, plain2) in zip(first, again):
        assert a is not b and torch.equal(a, b) and a.dtype == b.dtype
        assert k.stride() == k2.stride() == (1, 2)  # a transposed tensor stays transposed
        assert plain == plain2 == (1.5, "x")
        a.add_(1)
        assert not torch.equal(a, b)
    arrays = [numpy.arange(3.0)]
    copied = drawn._copy(arrays)
    copied[0][0] = 7
    assert arrays[0][0] == 0


def _fresh(monkeypatch):
    monkeypatch.setattr(drawn, "_memory", {})
    monkeypatch.setattr(drawn, "_disk", None)


def test_an_altered_or_foreign_example_cache_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path))
    _fresh(monkeypatch)
    want = examples(_lists, 7, key="tests.lists")
    (cache,) = (tmp_path / "examples").iterdir()
    good = cache.read_text()
    emptied = json.loads(good)
    emptied["entries"] = {k: {"t": "list", "items": []} for k in emptied["entries"]}
    for text, mode in (("{not json", 0o600), (good.replace('"v":', '"w":'), 0o600), (good, 0o666),
                       ("[" * 5000 + "]" * 5000, 0o600), (json.dumps(emptied), 0o600)):
        cache.write_text(text)
        cache.chmod(mode)
        _fresh(monkeypatch)
        assert examples(_lists, 7, key="tests.lists") == want
        assert json.loads(cache.read_text())["entries"]  # replaced by good inputs again

    cache.unlink()
    os.mkfifo(cache)  # a FIFO must not block the grader
    _fresh(monkeypatch)
    assert examples(_lists, 7, key="tests.lists") == want


def test_an_example_cache_folder_others_may_write_or_relative_is_not_used(tmp_path, monkeypatch):
    (tmp_path / "examples").mkdir(mode=0o777)
    (tmp_path / "examples").chmod(0o777)
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path))
    _fresh(monkeypatch)
    assert len(examples(_lists, 8, key="tests.lists")) == 12
    assert list((tmp_path / "examples").iterdir()) == []

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GRADER_CACHE_DIR", "relative")
    _fresh(monkeypatch)
    assert len(examples(_lists, 8, key="tests.lists")) == 12
    assert not (tmp_path / "relative").exists()


def test_the_references_make_no_call_other_than_they_prefetched(zygote):
    report = grade(load(SOLUTIONS), zygote, modules=list(MODULES))
    assert report.score == report.max_score
    assert report.prefetch_misses == 0


PATCHING = ("import time, torch\n\n\n"
            "def corr2d(X, K):\n"
            "    torch.rt_leak = True\n"
            "    if float(X[0, 0]) == 7:\n"
            "        time.sleep(60)\n"
            "    return torch.zeros(1)\n\n\n"
            "def leaked():\n"
            "    return hasattr(torch, 'rt_leak')\n")


def test_a_patch_from_calls_the_check_did_not_take_stays_in_its_exercise(zygote, tmp_path):
    run, sub = _sub(zygote, tmp_path, source=PATCHING)
    try:
        sub.prefetch("corr2d", _inputs([1, 2, 3]))
        sub.call("corr2d", *_inputs([1])[0])  # the check fails here and ends
        sub.close()
        first = run.shared
        other = run.exercise("cross_correlation")
        other.begin_check(12)
        assert other.call("leaked") is False  # a fresh child: the patch came from calls nobody took
        assert run.shared is not first
    finally:
        run.close()


def test_calls_an_ended_check_did_not_take_cost_at_most_the_drain_time(zygote, tmp_path):
    run, sub = _sub(zygote, tmp_path, source=PATCHING)
    try:
        sub.prefetch("corr2d", _inputs([1, 7, 2]))
        sub.call("corr2d", *_inputs([1])[0])
        start = time.monotonic()
        sub.begin_check(13)  # the next check: the call of 7, still running, is not waited for
        assert time.monotonic() - start < sub.DRAIN_SECONDS + 1
        assert not run.hung  # nor reported: the check did not need it
        assert isinstance(sub.call("corr2d", *_inputs([8])[0]), torch.Tensor)
    finally:
        run.close()


def test_printing_in_every_call_never_fills_the_output_file(zygote, tmp_path):
    run, sub = _sub(zygote, tmp_path, source=_corr2d("print('x' * 1_500_000)", "return torch.zeros(1)"))
    try:
        sub.prefetch("corr2d", _inputs(range(1, 6)))
        for X, K in _inputs(range(1, 6)):
            assert isinstance(sub.call("corr2d", X, K), torch.Tensor)  # 7.5 MB in all, over the 4 MiB file limit
        assert isinstance(sub.call("corr2d", *_inputs([8])[0]), torch.Tensor)
    finally:
        run.close()


def test_a_patch_made_by_a_call_whose_reply_was_too_large_stays_in_its_exercise(zygote, tmp_path):
    source = _corr2d("torch.rt_leak = True", "return tuple(torch.zeros(900_000) for _ in range(3))")
    run, sub = _sub(zygote, tmp_path, source=source + PATCHING.split("return torch.zeros(1)\n", 1)[1])
    try:
        with pytest.raises(StudentStopped, match="could not be completed"):
            sub.call("corr2d", *_inputs([1])[0])
        sub.close()
        other = run.exercise("cross_correlation")
        other.begin_check(12)
        assert other.call("leaked") is False
    finally:
        run.close()


# What one exercise leaves behind is looked at once, when the next exercise is loaded in the same child.
LEAVING = {
    "patch": "torch.rt_leak = True",
    "stdout": "import sys; sys.stdout = None; KEEP.append(1)",  # every later print would fail (red team)
    "import hook": "import sys; sys.meta_path.insert(0, type('F', (), {'find_spec': staticmethod("
                   "lambda *a, **k: None)})()); KEEP.append(1)",
    "working directory": "import os; os.chdir('/'); KEEP.append(1)",
    "memory": "KEEP.append(bytearray(300 << 20))",  # kept past MEMORY_SLACK
    # files of at most 4 MiB each (the file size limit), 280 MiB in all, charged to the child's cgroup
    "files": "[open(f'{tempfile.gettempdir()}/left{i}', 'wb').write(b'x' * (4 << 20)) for i in range(70)]",
}


@pytest.mark.parametrize("what", sorted(LEAVING))
def test_what_an_exercise_leaves_behind_never_reaches_the_next_one(zygote, tmp_path, monkeypatch, what):
    if what == "files" and zygote.plan.cgroups is None:
        pytest.skip("files are charged to a child only where it has a memory cgroup")
    monkeypatch.setenv("GRADER_INTEGRITY_SCAN", "off")  # a runtime defence (the scan flags open() of a computed path)
    source = ("import tempfile, torch\nKEEP = []\n\n\ndef corr2d(X, K):\n"
              f"    {LEAVING[what]}\n    return torch.zeros(1)\n\n\n"
              "def left():\n    return hasattr(torch, 'rt_leak') or bool(KEEP)\n")
    run, sub = _sub(zygote, tmp_path, source=source)
    try:
        assert sub.call("left") is False
        sub.close()
        first = run.shared
        same = run.exercise("cross_correlation")  # nothing left yet: the same child serves it
        same.begin_check(12)
        same.call("corr2d", *_inputs([1])[0])
        same.close()
        assert run.shared is first
        other = run.exercise("cross_correlation")
        other.begin_check(13)
        assert other.call("left") is False
        assert run.shared is not first
    finally:
        run.close()


def test_an_input_changed_in_place_after_it_was_prefetched_is_sent_as_it_is_now(zygote, tmp_path):
    run, sub = _sub(zygote, tmp_path, source=_corr2d("return X.sum() + K.sum()"))
    try:
        X, K = torch.ones(3, 3), torch.ones(2, 2)
        other = torch.zeros(3, 3)
        sub.prefetch("corr2d", [(X, K), (other, K)])
        X.add_(1)  # the batch was sent with the old values
        assert float(sub.call("corr2d", X, K)) == 22.0
        assert sub.prefetch_misses == 1
        sub.prefetch("corr2d", [(X, K), (other, K)])
        assert float(sub.call("corr2d", X, K)) == 22.0  # the same objects, unchanged: taken from the batch
        assert float(sub.call("corr2d", other, K)) == 4.0
        assert sub.prefetch_misses == 1
    finally:
        run.close()


def test_a_patch_made_by_an_import_that_then_raises_stays_in_its_exercise(zygote, tmp_path):
    """The first exercise a child loads patches torch and raises: the next one still asks first."""
    (tmp_path / "diagonal_edges.py").write_text("import torch\ntorch.rt_leak = True\nraise NameError('oops')\n")
    run, sub = _sub(zygote, tmp_path, source=PATCHING)
    try:
        broken = run.exercise("diagonal_edges")
        broken.begin_check(10)
        with pytest.raises(Unavailable, match="NameError"):
            broken.constant("K")
        broken.close()
        assert sub.call("leaked") is False  # a fresh child
    finally:
        run.close()


def test_rebinding_torch_s_dtype_names_changes_no_encoding(zygote, tmp_path):
    source = ("import torch\n\n\ndef corr2d(X, K):\n"
              "    torch.int32, torch.float32 = torch.float32, torch.int64\n"
              "    return X.float(), str(X.dtype)\n")
    run, sub = _sub(zygote, tmp_path, source=source)
    try:
        for _ in range(2):  # the first call rebinds the names; the second runs with them rebound
            got, seen = sub.call("corr2d", torch.ones(2, 2, dtype=torch.int32), torch.ones(1, 1))
            assert got.dtype == torch.float32 and seen == "torch.int32"
    finally:
        run.close()


IN_FOLDER = "os.path.join(os.path.dirname(__file__), "  # the start of a path beside the module


@pytest.mark.parametrize("change, fresh", [
    (f"open({IN_FOLDER}'diagonal_edges.py'), 'w').write('K = 1\\n')", True),  # rewritten
    (f"os.mkdir({IN_FOLDER}'fresh'))", True),  # a package that could shadow a module
    # rewritten with the same size and modification time (only the change time tells)
    (f"p = {IN_FOLDER}'diagonal_edges.py'); t = os.stat(p); "
     "open(p, 'r+').write('K = 1'); os.utime(p, ns=(t.st_atime_ns, t.st_mtime_ns))", True),
    (f"open({IN_FOLDER}'timings.npy'), 'wb').write(b'x')", False),  # data: no import finds it
])
def test_a_working_folder_changed_by_one_exercise_is_not_the_next_one_s(zygote, tmp_path, monkeypatch, change,
                                                                       fresh):
    monkeypatch.setenv("GRADER_INTEGRITY_SCAN", "off")  # a runtime defence (the scan flags open() of a computed path)
    (tmp_path / "diagonal_edges.py").write_text("K = 2\n")
    source = f"import os, torch\n\n\ndef corr2d(X, K):\n    {change}\n    return torch.zeros(1)\n"
    run, sub = _sub(zygote, tmp_path, source=source)
    try:
        sub.call("corr2d", *_inputs([1])[0])
        sub.close()
        first = run.shared
        other = run.exercise("diagonal_edges")
        other.begin_check(12)
        assert other.constant("K") == 2  # the submission's file
        assert (run.shared is not first) == fresh
    finally:
        run.close()
