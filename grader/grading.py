"""The trusted side of one submission: the ``sub`` fixture that checks talk to.

Each exercise module gets its own worker child (a module that patches torch or
calls ``os._exit`` at import can only hurt its own exercise); a notebook gets one
child for all exercises, since its cells share one namespace. A child that hangs
is killed and replaced for the next check; a function that hung once is not
called again in this submission.
"""
from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass

import torch

from grader import fallback, integrity, seeds
from grader.checking import Outcome, Raised, StudentRaised, StudentStopped, Unavailable, Mismatch, describe
from grader.client import WorkerDied, WorkerMalformed, WorkerTimeout, Zygote
from grader.contract import BASE_FUNCTION, BASE_MODULE, MODULES
from grader.submission import Submission, libraries_used
from grader.worker.protocol import DECODED, ProtocolError, decode, encode


@dataclass
class Limits:
    call_seconds: float = 10.0       # wall clock for one call into student code
    import_seconds: float = 30.0     # wall clock for importing a module / running a notebook
    submission_seconds: float = 240.0  # wall clock for the whole submission
    memory_bytes: int = 1 << 30      # address space a child may add to the warm worker
    cpu_seconds: int = 60            # CPU time of one child
    processes: int = 16              # processes/threads per child uid
    file_bytes: int = 4 << 20        # largest file (and captured output) a child may write

    def for_child(self) -> dict:
        return {"memory_bytes": self.memory_bytes, "cpu_seconds": self.cpu_seconds,
                "processes": self.processes, "file_bytes": self.file_bytes}


def label_of(name: str, args, kwargs) -> str:
    def one(v):
        if isinstance(v, torch.Tensor):
            return "<" + "x".join(map(str, v.shape)) + " " + str(v.dtype).replace("torch.", "") + ">"
        text = repr(v)
        return text if len(text) <= 30 else text[:27] + "..."
    parts = [one(a) for a in args] + [f"{k}={one(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


_IMMUTABLE = (int, float, complex, str, bytes, bool, type(None))


def _versions(args: tuple, kwargs: dict) -> tuple | None:
    """The version counters of the tensors among a call's arguments (None when an argument is
    neither a tensor nor an immutable value: then only its encoding can tell it is unchanged)."""
    versions = []
    for value in (*args, *kwargs.values()):
        if isinstance(value, torch.Tensor):
            try:
                versions.append(value._version)
            except RuntimeError:  # an inference tensor has no version counter
                return None
        elif type(value) not in _IMMUTABLE:
            return None
    return tuple(versions)


class SubmissionRun:
    """Everything about grading one submission that outlives a single exercise."""

    def __init__(self, submission: Submission, zygote: Zygote, seed: int, limits: Limits | None = None):
        self.submission = submission
        self.zygote = zygote
        self.seed = seed
        self.limits = limits or Limits()
        self.deadline = time.monotonic() + self.limits.submission_seconds
        self.hung: dict[tuple[str, str], str] = {}
        self.notes: list[str] = list(submission.notes)
        self.shared = None  # the child serving the exercises
        self.served = 0  # loads the shared child has run (ok or not): after one, each load asks "reuse"
        self.libraries = None  # what the zygote should have imported for it (libraries_used), once known
        self.uses_fallback = not submission.defines_corr2d
        if self.uses_fallback:
            self.notes.append(fallback.NOTE)
        self.cell_report_seen = False
        self.audit = integrity.audit(submission)
        if os.environ.get("GRADER_INTEGRITY_SCAN") == "off":  # the project's tests of the runtime defences only
            self.audit = integrity.Audit({}, [])
            self.notes.append("Integrity scan switched off (GRADER_INTEGRITY_SCAN=off).")
        if not self.audit.clean:
            self.notes.append("Integrity: " + "; ".join(f.describe() for f in self.audit.anywhere[:5])
                              + (f" (and {len(self.audit.anywhere) - 5} more)" if len(self.audit.anywhere) > 5 else ""))

    def files(self) -> dict[str, str]:
        files = dict(self.submission.files)
        if self.uses_fallback:
            files[f"{BASE_MODULE}.py"] = fallback.SOURCE
        return files

    def aliases(self) -> list[str]:
        return [m for m in MODULES if not (m == BASE_MODULE and self.uses_fallback)]

    def exercise(self, module: str) -> "Sub":
        return Sub(self, module)

    def shared_child(self, sub: "Sub"):
        """The child that serves this submission's exercises, spawned and set up when needed.

        One child serves every exercise (forking a warm worker costs more than grading
        some exercises); a fresh one replaces it after a crash or a timeout, or once
        student code has patched torch, numpy or builtins ("tainted", see ``Sub._load``),
        so that such a patch can only affect the exercise that made it.
        """
        if self.shared is not None and self.shared.closed:
            self.drop_shared()
        if self.shared is not None:
            return self.shared
        notebook = self.submission.is_notebook
        try:
            if self.libraries is None:
                self.libraries = libraries_used(self.submission)
            self.zygote.ensure(self.libraries)
            child = self.zygote.spawn(self.limits.for_child())
        except (WorkerTimeout, WorkerDied, OSError) as exc:
            raise RuntimeError(f"the grader could not start a worker: {exc}") from None
        setup = {"op": "setup", "files": self.files(), "seed": seeds.derive(self.seed, "setup")}
        load_seconds = self.limits.import_seconds
        if notebook:
            setup.update(cells=self.submission.cells, aliases=self.aliases(),
                         cell_seconds=self.limits.call_seconds)
            load_seconds += self.limits.call_seconds * len(self.submission.cells)
        fname = "the notebook" if notebook else "the submission"
        try:
            response = child.request(setup, sub._timeout(load_seconds))
        except WorkerTimeout:
            sub._fail_load(f"{fname} did not finish loading within {load_seconds:g} s "
                           "(an endless loop or a long computation at load time?).")
        except WorkerDied as exc:
            sub._fail_load(f"{fname}: {WorkerMalformed.MESSAGE} while loading (a forged reply?)."
                           if isinstance(exc, WorkerMalformed) else
                           f"{fname} ended the worker process while loading "
                           "(os._exit, a crash, or a memory/CPU/output limit).")
        sub._keep_output(response)
        if response.get("status") != "ok":
            child.close()
            sub._fail_load(f"{fname} could not be loaded: {response.get('message', response.get('status'))}")
        if not self.cell_report_seen:
            self.cell_report_seen = True
            for cell in response.get("cells", []):
                raised = Raised(cell.get("type", "?"), cell.get("message", ""), cell.get("where"))
                self.notes.append(f"Cell {cell.get('cell')} raised {raised.short_type}: {raised.message[:200]}"
                                  " (the other cells still ran).")
        self.shared, self.served = child, 0
        return child

    def drop_shared(self) -> None:
        if self.shared is not None:
            self.shared.close()
        self.shared, self.served = None, 0

    def close(self) -> None:
        self.drop_shared()

    def time_left(self) -> float:
        return self.deadline - time.monotonic()


class Sub:
    """The submission's module ``module``, reached only through the worker."""

    def __init__(self, run: SubmissionRun, module: str):
        self.run = run
        self.module = module
        self.child = None
        self.unavailable: str | None = None
        self.check_seed = seeds.derive(run.seed, "exercise", module)
        self.calls = 0
        self.batch = None  # the open batch of prefetched calls (client.Batch), if any
        self.batch_items: list[dict] = []  # its calls, as the requests they stand for
        self.batch_args: list[tuple] = []  # and as the check gave them: (name, args, kwargs, versions)
        self.prefetch_misses = 0  # calls that did not match what was prefetched (a check's mistake)
        self.captured: list[str] = []
        self.seed_pin: dict | None = None  # set inside `with sub.fixed_seed():`

    # lifecycle -------------------------------------------------------------
    def _scope(self) -> str:
        return "" if self.run.submission.is_notebook else self.module

    @property
    def reference_corr2d(self) -> bool:
        return self.run.uses_fallback

    def begin_check(self, seed: int) -> None:
        self.check_seed = seed
        self._settle()
        self.calls = 0
        self.captured = []
        self.seed_pin = None

    @contextlib.contextmanager
    def fixed_seed(self):
        """Every request inside the block runs under the random state its first request got.

        For checks that compare two calls of one function (learn_kernel with steps=0 and
        steps=k): the submission's own random initialisation is then the same in both.
        """
        self.seed_pin = {}
        try:
            yield
        finally:
            self.seed_pin = None

    def close(self) -> None:
        """Done with this exercise; its child stays for the next one, unless it is left unfit (``_load``)."""
        self._settle()
        self.child = None

    def _timeout(self, seconds: float) -> float:
        left = self.run.time_left()
        if left <= 0:
            raise StudentStopped("The submission used up its time budget "
                                 f"({self.run.limits.submission_seconds:g} s); the remaining checks were not run.")
        return min(seconds, left)

    def _keep_output(self, response: dict) -> None:
        text = response.get("output") or ""
        if text:
            self.captured.append(text + (" [output truncated]" if response.get("output_truncated") else ""))

    def _fail_load(self, message: str):
        self.unavailable = message
        raise Unavailable(message)

    def _load(self):
        """The child serving this exercise, with the exercise's module imported in it."""
        if self.unavailable:
            raise Unavailable(self.unavailable)
        if self.child is not None and not self.child.closed:
            return self.child
        run = self.run
        if not run.submission.has_module(self.module):
            self._fail_load(f"{self.module}.py was not submitted.")
        findings = run.audit.for_module(self.module)
        if findings:
            self.unavailable = None
            raise Mismatch(run.audit.message(findings, f"the exercise {self.module}"))
        if self.module == BASE_MODULE and run.uses_fallback:
            # the grader's own corr2d serves the other exercises; it must never earn corr2d's marks,
            # however a notebook imports or re-exports it
            self._fail_load(f"The notebook does not define `{BASE_FUNCTION}` itself (importing it does not count); "
                            f"write `def {BASE_FUNCTION}(X, K):` in a code cell.")
        fname = "the notebook" if run.submission.is_notebook else f"{self.module}.py"
        child = run.shared_child(self)
        response = self._load_in(child, fname)
        if response.get("status") == "tainted" and run.served and not run.submission.is_notebook:
            # what the earlier exercises left (a patched torch, numpy or builtins, memory, files) stays there
            run.drop_shared()
            child = run.shared_child(self)
            response = self._load_in(child, fname)
        self._keep_output(response)
        status = response.get("status")
        if status == "missing":
            self._fail_load(f"{self.module}.py was not submitted.")
        if status == "raised":
            raised = Raised(response.get("type", "?"), response.get("message", ""), response.get("where"))
            where = f" ({raised.where})" if raised.where else ""
            sub = run.submission
            source = ("".join(src for _, src in sub.cells) if sub.is_notebook
                      else sub.files.get(f"{self.module}.py", ""))
            if raised.short_type in ("SyntaxError", "ValueError") and "\x00" in source:
                self._fail_load(f"{fname} holds a NUL byte (character code 0), which Python cannot read; "
                                "remove it (save the file again as plain text).")
            if raised.short_type == "SyntaxError":
                self._fail_load(f"{fname} has a syntax error: {raised.message}{where}")
            if raised.short_type == "SystemExit":
                self._fail_load(f"{fname} called sys.exit() while being imported; remove that call.")
            self._fail_load(f"{fname} raised {raised.short_type} while being imported: {raised.message}{where}")
        if status != "ok":
            self._fail_load(f"{fname} could not be loaded: {response.get('message', status)}")
        self.child = child
        return child

    def _load_in(self, child, fname: str) -> dict:
        """Ask ``child`` to import this exercise's module; its reply. A child that served earlier
        exercises of a module submission first says whether they left it fit ("reuse"; a notebook
        is one namespace: there is nothing to keep apart), and "tainted" when not."""
        run = self.run
        reuse = run.served > 0 and not run.submission.is_notebook
        try:
            response = child.request({"op": "load", "module": self.module, "reuse": reuse,
                                      "seed": seeds.derive(run.seed, "load", self.module)},
                                     self._timeout(run.limits.import_seconds))
        except WorkerTimeout:
            run.drop_shared()
            self._fail_load(f"{fname} did not finish importing within {run.limits.import_seconds:g} s "
                            "(an endless loop or a long computation at import time?).")
        except WorkerDied as exc:
            run.drop_shared()
            self._fail_load(f"{fname}: {WorkerMalformed.MESSAGE} while being imported (a forged reply?)."
                            if isinstance(exc, WorkerMalformed) else
                            f"{fname} ended the worker process while being imported "
                            "(os._exit, a crash, or a memory/CPU/output limit).")
        run.served += 1  # whatever the import did, raising included, the next exercise asks first
        return response

    def _request(self, message: dict, label: str, hung_key=None) -> dict:
        served = self._prefetched(message)
        if served is not None:
            response = served(label, hung_key)
        else:
            if hung_key in self.run.hung:
                raise StudentStopped(f"`{label}` was not run: {self.run.hung[hung_key]}")
            child = self._load()
            message["seed"] = self._next_seed()
            try:
                response = child.request(message, self._timeout(self.run.limits.call_seconds))
            except (WorkerTimeout, WorkerDied) as exc:
                self._stopped(exc, label, hung_key)
        self._keep_output(response)
        status = response.get("status")
        if status == "worker_error":
            raise StudentStopped(f"`{label}` could not be completed by the worker: "
                                 f"{str(response.get('message', ''))[:300]}")
        if status == "missing":
            where = "the notebook" if self.run.submission.is_notebook else f"{self.module}.py"
            name = message.get("name")
            if not name:  # a probe: the name travels encoded in its params
                try:
                    name = decode(message.get("params", {}).get("name"))
                except (ProtocolError, TypeError, ValueError):
                    name = "?"
            raise Unavailable(f"`{name}` is not defined in {where}.")
        return response

    def _next_seed(self) -> int:
        """The worker's random state for the next request: the call's place in the check."""
        self.calls += 1
        seed = seeds.mix(self.check_seed, "call", self.calls)  # the instructor's seed stays here
        if self.seed_pin is not None:  # inside `with sub.fixed_seed():` (see there)
            seed = self.seed_pin.setdefault("seed", seed)
        return seed

    def _stopped(self, exc: Exception, label: str, hung_key=None):
        """A call that timed out or ended its child: the child is gone, the check fails."""
        self.child = None
        self.run.drop_shared()
        if isinstance(exc, WorkerTimeout):
            reason = f"it did not finish within {self.run.limits.call_seconds:g} s earlier"
            if hung_key is not None:
                self.run.hung[hung_key] = reason
            raise StudentStopped(f"`{label}` did not finish within {self.run.limits.call_seconds:g} s and was "
                                 "stopped (an endless loop, or far too slow?).") from None
        if isinstance(exc, WorkerMalformed):
            raise StudentStopped(f"`{label}`: {WorkerMalformed.MESSAGE} (a forged or garbled reply); "
                                 "this check scores 0.") from None
        raise StudentStopped(f"`{label}` ended the worker process (os._exit, a crash, or a "
                             "memory/CPU/output limit was hit).") from None

    # batches ---------------------------------------------------------------
    MAX_BATCH = 200  # calls in one batch request
    DRAIN_SECONDS = 0.5  # how long calls whose check has ended may take before their child is ended

    def prefetch(self, name: str, calls) -> None:
        """Send the check's next calls of ``name`` in one request; they are then answered from it.

        ``calls`` lists the check's next calls of ``name``, each an args tuple or an
        ``(args, kwargs)`` pair, in the order the check makes them, with nothing else asked
        of the submission in between. The worker runs them one after another, each under
        the seed it would have had on its own, and streams the replies back; ``call`` and
        ``attempt`` take them in order, each within the time limit of a call of its own.
        A call that does not match the next one sent (other arguments) ends the batch and
        runs on its own, so a wrong list costs time, never a verdict. When the check ends
        before it took them all, the rest are read and dropped, and a child still busy with
        them after ``DRAIN_SECONDS`` is ended: a call the check did not need is never
        reported, nor held against the submission's time.
        """
        self._settle()
        items, given = [], []
        for call in list(calls)[:self.MAX_BATCH]:
            args, kwargs = call if (len(call) == 2 and isinstance(call[0], tuple) and isinstance(call[1], dict)) \
                else (tuple(call), {})
            items.append(self._call_message(name, args, kwargs))
            given.append((name, args, kwargs, _versions(args, kwargs)))
        if len(items) < 2 or (self._scope(), name) in self.run.hung:
            return
        try:
            child = self._load()
            timeout = self._timeout(self.run.limits.call_seconds)
        except (Unavailable, Mismatch, StudentStopped):
            return  # the first call reports it, on its own
        first = self.calls
        seeds_ = [self._next_seed() for _ in items]
        self.calls = first  # each call counts when it is taken (see _prefetched)
        calls = [{"name": m["name"], "args": m["args"], "kwargs": m["kwargs"], "seed": seed}
                 for m, seed in zip(items, seeds_)]
        try:
            self.batch = child.start_batch({"op": "batch", "module": self.module, "calls": calls}, len(calls),
                                           timeout, max(0.05, self.run.time_left()))
        except (WorkerTimeout, WorkerDied):
            self.child = None
            self.run.drop_shared()  # the calls run on their own, in a fresh child
            return
        self.batch_items, self.batch_args = items, given

    def _as_prefetched(self, name: str, args: tuple, kwargs: dict) -> dict | None:
        """The open batch's next request when the check calls it with the very objects it prefetched,
        unchanged since (tensors by their version counter, which every in-place operation moves;
        other mutable values never match): then nothing needs to be encoded again to compare."""
        batch = self.batch
        if batch is None or batch.taken >= len(self.batch_args):
            return None
        then_name, then_args, then_kwargs, versions = self.batch_args[batch.taken]
        if name != then_name or len(args) != len(then_args) or kwargs.keys() != then_kwargs.keys() \
                or not all(a is b for a, b in zip(args, then_args)) \
                or not all(kwargs[k] is then_kwargs[k] for k in kwargs):
            return None
        if versions is None or _versions(args, kwargs) != versions:
            return None
        return self.batch_items[batch.taken]

    def _prefetched(self, message: dict):
        """The batch's answer to ``message`` (a function giving it), or None to ask the worker."""
        batch = self.batch
        if batch is None:
            return None
        item = self.batch_items[batch.taken]
        if message.get("op") != "call" or \
                (item["name"], item["args"], item["kwargs"]) != (message["name"], message["args"], message["kwargs"]):
            self.prefetch_misses += message.get("op") == "call"  # the check asks for something else
            self._settle()
            return None
        self._next_seed()
        try:
            reply = batch.next()
        except (WorkerTimeout, WorkerDied) as exc:
            self.batch = None
            return lambda label, hung_key, failure=exc: self._stopped(failure, label, hung_key)
        if not batch.left:
            self.batch = None
        return lambda label, hung_key: reply

    def _settle(self) -> None:
        """Close the open batch: read what its calls left behind (a patched namespace counts), and
        end the child if they are still running after DRAIN_SECONDS."""
        batch, self.batch = self.batch, None
        if batch is None or not batch.left:
            return
        _replies, complete = batch.drain(min(self.DRAIN_SECONDS, self.run.limits.call_seconds))
        if not complete:
            self.child = None
            self.run.drop_shared()

    def _call_message(self, name: str, args, kwargs) -> dict:
        return {"op": "call", "module": self.module, "name": name,
                "args": [encode(a) for a in args], "kwargs": {k: encode(v) for k, v in kwargs.items()}}

    def _value(self, response: dict, label: str):
        if DECODED in response:  # decoded once, when the reply was checked
            return response[DECODED]
        try:
            return decode(response.get("value"))
        except (ProtocolError, ValueError, KeyError, TypeError) as exc:
            raise Mismatch(f"`{label}` returned something the grader cannot read ({exc}).") from None

    # the API used by checks ------------------------------------------------
    def attempt(self, name: str, *args, **kwargs) -> Outcome:
        label = label_of(name, args, kwargs)
        message = self._as_prefetched(name, args, kwargs) or self._call_message(name, args, kwargs)
        response = self._request(message, label, hung_key=(self._scope(), name))
        status = response.get("status")
        if status == "not_callable":
            value = self._value(response, name)
            raise Mismatch(f"`{name}` should be a function, but it is {describe(value)}.")
        if status == "raised":
            return Outcome(raised=Raised(response.get("type", "?"), response.get("message", ""),
                                         response.get("where")))
        return Outcome(value=self._value(response, label))

    def call(self, name: str, *args, **kwargs):
        outcome = self.attempt(name, *args, **kwargs)
        if outcome.raised is not None:
            raise StudentRaised(label_of(name, args, kwargs), outcome.raised)
        return outcome.value

    def constant(self, name: str):
        response = self._request({"op": "get", "module": self.module, "name": name}, name)
        return self._value(response, name)

    def probe(self, probe: str, name: str, **params) -> dict:
        label = f"{name} ({probe})"
        if not self.run.audit.clean:  # a measurement inside the worker cannot be trusted then
            raise Mismatch(self.run.audit.message(self.run.audit.anywhere, "this check (it measures, inside the "
                                                  "worker, how your code computes its result)"))
        payload = {"name": encode(name)}
        payload.update({k: encode(v) for k, v in params.items()})
        response = self._request({"op": "probe", "module": self.module, "probe": probe, "params": payload}, label,
                                 hung_key=(self._scope(), name))
        if response.get("status") == "raised":
            raised = Raised(response.get("type", "?"), response.get("message", ""), response.get("where"))
            raise StudentRaised(label, raised)
        if response.get("status") == "integrity":
            raise Mismatch(f"Integrity: `{label}` could not be measured: {str(response.get('message', ''))[:300]}. "
                           "The grader measures how your code computes with torch as it was; do not replace "
                           "torch's, numpy's or Python's own functions.")
        value = self._value(response, label)
        if not isinstance(value, dict):
            raise Mismatch(f"`{label}` returned something unexpected.")
        return value
