"""``Zygote.prespawn``: a class batch forks the next submission's child ahead of time.

A spare child must change nothing but the time a submission waits for its child: the
same scores with and without one, never a child forked before a library the submission
needs was imported, and a spare that ended while it waited is replaced, never blamed on
the submission that would have used it.
"""
from __future__ import annotations

import os
import time

import pytest

from grader.client import Zygote
from grader.grading import Limits
from grader.runner import grade
from grader.submission import load
from tests.helpers import REPO, SOLUTIONS

MODULES = ["cross_correlation", "diagonal_edges"]
LIMITS = Limits().for_child()


def scores(report) -> list[tuple[str, float]]:
    return [(r.function, r.score) for r in report.results]


@pytest.fixture(scope="module")
def zygote():
    z = Zygote(preload=("sympy",))  # what the references use: no spare is dropped for a new library
    z.sandbox  # noqa: B018 - the audit: no spare before it
    z.wait_ready()
    yield z
    z.close()


def test_a_spare_child_is_used_and_grades_the_same(zygote):
    submission = load(SOLUTIONS)
    plain = grade(submission, zygote, seed=3, modules=MODULES)
    zygote.prespawn(LIMITS)
    spare = zygote.spare
    assert spare is not None and spare.idle()
    taken = zygote.spawn(dict(LIMITS))
    assert taken is spare and zygote.spare is None
    taken.close()
    zygote.prespawn(LIMITS)
    again = grade(submission, zygote, seed=3, modules=MODULES)
    assert zygote.spare is None, "the spare was not taken"
    assert scores(again) == scores(plain) and again.score == again.max_score


def test_a_spare_with_other_limits_is_ended_unused(zygote):
    zygote.prespawn(LIMITS)
    spare = zygote.spare
    child = zygote.spawn({**LIMITS, "memory_bytes": LIMITS["memory_bytes"] // 2})
    try:
        assert child is not spare and spare.closed
    finally:
        child.close()


def test_a_spare_that_ended_is_replaced_not_blamed(zygote):
    """The spare is killed while it waits (as an out-of-memory kill would): the submission still
    gets a child of its own and full marks."""
    submission = load(SOLUTIONS)
    zygote.prespawn(LIMITS)
    spare = zygote.spare
    zygote.send({"op": "kill", "id": spare.id})
    deadline = time.monotonic() + 10
    while spare.idle() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not spare.idle()
    report = grade(submission, zygote, seed=3, modules=MODULES)
    assert report.score == report.max_score, [(r.function, r.output) for r in report.results if r.score < r.points]


def test_no_spare_is_forked_before_a_library_the_submission_needs():
    """A spare forked before the zygote imported scipy would make the child import it again."""
    submission = load(os.path.join(REPO, "tests", "corpus", "cross_correlation__scipy_numpy"))
    z = Zygote()
    try:
        z.sandbox  # noqa: B018
        plain = grade(submission, z, seed=3, modules=["cross_correlation"])
    finally:
        z.close()
    z = Zygote()
    try:
        z.sandbox  # noqa: B018
        z.wait_ready()  # the audit no longer waits for the zygote's imports: a spare does
        z.prespawn(LIMITS)
        spare = z.spare
        report = grade(submission, z, seed=3, modules=["cross_correlation"])
        assert spare.closed and "scipy" in z.loaded
        assert scores(report) == scores(plain)
    finally:
        z.close()


def test_the_batch_grader_forks_a_spare_after_each_submission():
    from grader.batch_worker import serve

    answers = []
    z = Zygote()
    try:
        tasks = [f'{{"id": {i}, "student": "s{i}", "path": "{SOLUTIONS}", "seed": 3, '
                 f'"modules": ["diagonal_edges"]}}\n' for i in range(2)]
        serve(0, iter(tasks), answers.append, z)
        assert [a["op"] for a in answers] == ["ready", "result", "result"]
        assert all(a["status"] == "graded" and a["total"] == a["max_total"] for a in answers[1:])
        assert z.spare is not None and z.spare.idle()
    finally:
        z.close()


ZOMBIES = ("import os\n\n\ndef others():\n"
           "    seen = []\n"
           "    for pid in filter(str.isdigit, os.listdir('/proc')):\n"
           "        try:\n"
           "            with open(f'/proc/{pid}/status') as f:\n"
           "                fields = dict(line.split(':', 1) for line in f if ':' in line)\n"
           "        except OSError:\n"
           "            continue\n"
           "        uid = int(fields['Uid'].split()[0])\n"
           "        if uid != os.getuid() and uid != 0:\n"
           "            seen.append(f\"{pid} {uid} {fields['State'].strip()}\")\n"
           "    return seen\n")


@pytest.mark.parametrize("spare", [False, True])
def test_the_next_child_sees_no_trace_of_the_previous_one_in_proc(zygote, spare):
    """Not even its zombie: the zygote collects an ended child before it forks the next one."""
    for _ in range(6):
        first = zygote.spawn(dict(LIMITS))
        big = ZOMBIES + "\nBIG = b'x' * (300 << 20)  # slow to tear down when it is killed\n"
        assert first.request({"op": "setup", "files": {"m.py": big}, "seed": 1}, 30)["status"] == "ok"
        assert first.request({"op": "load", "module": "m", "seed": 1}, 30)["status"] == "ok"
        first.close()
        if spare:
            zygote.prespawn(LIMITS)
        second = zygote.spawn(dict(LIMITS))
        try:
            assert second.request({"op": "setup", "files": {"m.py": ZOMBIES}, "seed": 1}, 30)["status"] == "ok"
            assert second.request({"op": "load", "module": "m", "seed": 1}, 30)["status"] == "ok"
            reply = second.request({"op": "call", "module": "m", "name": "others", "args": [], "kwargs": {},
                                    "seed": 1}, 30)
            assert reply["status"] == "returned" and reply["value"] == {"t": "list", "items": []}, reply
        finally:
            second.close()
