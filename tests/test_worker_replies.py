"""A submission that forges or garbles the worker's answers is graded, not retried.

Student code shares the worker child's process and can write raw frames to its socket.
Whatever arrives (nested 200,000 levels deep, wrong types, too large, trickled), the
submission scores 0 on what it touched with "the worker sent a malformed answer", its row
is recorded as graded, and a second batch run does not grade it again.
"""
from __future__ import annotations

import os
import shutil
import sqlite3

from tests.helpers import copy_modules, run_grader

HOSTILE = os.path.join(os.path.dirname(__file__), "hostile")


def test_malformed_answers_are_the_submissions_and_recorded_once(tmp_path, monkeypatch):
    # the integrity scan would zero these files before they run: switch it off to test what runs behind it
    monkeypatch.setenv("GRADER_INTEGRITY_SCAN", "off")
    klass = tmp_path / "class"
    shutil.copytree(os.path.join(HOSTILE, "malformed_replies"), klass / "mallory",
                    ignore=shutil.ignore_patterns("expected.json"))
    copy_modules(str(klass / "ann"), ["cross_correlation", "diagonal_edges"])
    db = str(tmp_path / "grades.db")
    args = ("batch", str(klass), "--gradebook", db, "-j", "1", "-q", "--only", "cross_correlation",
            "diagonal_edges", "transpose_effect")
    first = run_grader(*args, timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("SELECT student, status FROM grades").fetchall())
        results = conn.execute("SELECT results FROM grades WHERE student = 'mallory'").fetchone()[0]
        graded_at = conn.execute("SELECT graded_at FROM grades WHERE student = 'mallory'").fetchone()[0]
    assert rows == {"ann": "graded", "mallory": "graded"}, rows
    assert "the worker sent a malformed answer" in results
    assert "Grader error" not in results and "tell your instructor" not in results
    second = run_grader(*args, timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        again = conn.execute("SELECT graded_at FROM grades WHERE student = 'mallory'").fetchone()[0]
    assert again == graded_at  # not retried


def test_a_well_formed_reply_that_does_not_echo_the_request_is_refused():
    """A reply written in advance by student code (right format, right answer even) cannot
    know the request's nonce."""
    import socket
    import threading

    import pytest

    from grader.client import Child, WorkerMalformed
    from grader.worker.protocol import recv_request, send_reply

    class FakeZygote:
        def send(self, request):
            pass

    ours, theirs = socket.socketpair()

    def worker(echo: bool):
        request = recv_request(theirs.fileno())
        reply = {"status": "returned", "value": {"t": "int", "v": 3}}
        if echo:
            reply["nonce"] = request["nonce"]
        send_reply(theirs.fileno(), reply)

    threading.Thread(target=worker, args=(True,), daemon=True).start()
    child = Child(FakeZygote(), 1, ours)
    assert child.request({"op": "call"}, 5)["value"] == {"t": "int", "v": 3}
    threading.Thread(target=worker, args=(False,), daemon=True).start()
    with pytest.raises(WorkerMalformed, match="does not answer this request"):
        child.request({"op": "call"}, 5)
    theirs.close()


def test_a_trickled_reply_cannot_outlast_the_deadlines(tmp_path, monkeypatch):
    """One byte every few seconds: one absolute deadline covers the reply, the submission's holds too."""
    import json
    import time

    monkeypatch.setenv("GRADER_INTEGRITY_SCAN", "off")  # let the trickling code run
    sub = tmp_path / "trickle"
    shutil.copytree(os.path.join(HOSTILE, "trickle_reply"), sub, ignore=shutil.ignore_patterns("expected.json"))
    out = tmp_path / "results.json"
    start = time.monotonic()
    proc = run_grader("grade", str(sub), "--json", str(out), "--call-timeout", "3", "--submission-timeout", "20",
                      timeout=300)
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert elapsed < 90, elapsed  # 20 s of submission budget plus start-up; before the fix: hundreds of seconds
    results = json.loads(out.read_text(encoding="utf-8"))
    touched = [t for t in results["tests"] if t["tags"][0] == "cross_correlation"]
    assert touched and all(t["score"] == 0 for t in touched)
