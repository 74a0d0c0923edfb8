"""Throughput of ``grader batch`` against one cold ``grader grade`` and a process per submission.

    .venv/bin/python benchmarks/batch.py [-n 60] [--jobs J] [--naive 6] [--only MODULE ...]

Builds N submissions in a temporary folder (copies of solutions/, exercises/ and the
cases of tests/corpus/, cycled; most corpus cases hold one exercise module, so
``--full-only`` is the heavier mix of whole submissions), then measures in this one run:
  (a) one cold ``grader grade`` of the solutions copy (a fresh process: torch imported
      in the grader and in its zygote), median of 3;
  (b) ``grader batch`` over all N, fresh gradebook, J parallel graders;
  (c) the naive design, a fresh ``grader grade`` process per submission, J at a time,
      on a few evenly spread submissions, extrapolated to N.
It prints seconds per submission, the ratio batch_total / cold_grade (target <= 5 for
N=60 on 2 cores) and the speed-up over (c). Timings include whatever else the
machine is doing: the load average is printed before and after.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADER = [sys.executable, "-m", "grader"]


def sources(full_only: bool = False) -> list[tuple[str, str]]:
    out = [("solutions", os.path.join(REPO, "solutions")), ("exercises", os.path.join(REPO, "exercises"))]
    corpus = os.path.join(REPO, "tests", "corpus")
    if os.path.isdir(corpus) and not full_only:
        for case in sorted(os.listdir(corpus)):
            path = os.path.join(corpus, case)
            if os.path.isdir(path) and any(f.endswith(".py") for f in os.listdir(path)):
                out.append((case, path))
    return out


def build(folder: str, n: int, full_only: bool) -> list[str]:
    pool = sources(full_only)
    paths = []
    for i in range(n):
        name, src = pool[i % len(pool)]
        dest = os.path.join(folder, f"s{i:03d}_{name}")
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns("expected.json", "__pycache__"))
        paths.append(dest)
    return paths


def run(cmd: list[str], timeout: float = 900) -> float:
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed


class MemorySampler(threading.Thread):
    """Peak of the summed PSS of this process's descendants (shared torch pages counted once)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0
        self.stop = threading.Event()

    def descendants(self) -> list[int]:
        parent = {}
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    with open(f"/proc/{pid}/stat") as f:
                        parent[int(pid)] = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    pass
        found, frontier = [], [os.getpid()]
        while frontier:
            kids = [p for p, pp in parent.items() if pp in frontier]
            found += kids
            frontier = kids
        return found

    def run(self) -> None:
        while not self.stop.wait(0.3):
            total = 0
            for pid in self.descendants():
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as f:
                        total += sum(int(line.split()[1]) for line in f if line.startswith("Pss:"))
                except (OSError, ValueError, IndexError):
                    pass
            self.peak = max(self.peak, total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=60, help="submissions in the batch (default 60)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="parallel graders (default: CPUs)")
    parser.add_argument("--naive", type=int, default=6, help="submissions graded the naive way (default 6)")
    parser.add_argument("--cold", type=int, default=3, help="cold single grades, for the median (default 3)")
    parser.add_argument("--only", nargs="+", metavar="MODULE", help="grade only these exercises")
    parser.add_argument("--full-only", action="store_true",
                        help="only copies of solutions/ and exercises/ (every exercise present), no corpus cases")
    args = parser.parse_args()
    only = ["--only", *args.only] if args.only else []
    cores = os.cpu_count()
    print(f"machine: {cores} CPUs, load average {os.getloadavg()[0]:.2f} at start; jobs={args.jobs}, N={args.n}"
          + (f", exercises {' '.join(args.only)}" if args.only else ", all exercises"))

    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        subs = os.path.join(tmp, "subs")
        os.makedirs(subs)
        paths = build(subs, args.n, args.full_only)
        print(f"built {len(paths)} submissions from {len(sources(args.full_only))} sources "
              + ("(solutions, exercises)" if args.full_only else "(solutions, exercises, corpus cases)"))

        cold = [run(GRADER + ["grade", paths[0], "-q", "--json", os.path.join(tmp, f"cold{i}.json"), *only])
                for i in range(args.cold)]
        cold_grade = statistics.median(cold)
        rss_after_cold = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss

        sampler = MemorySampler()
        sampler.start()
        batch_total = run(GRADER + ["batch", subs, "--gradebook", os.path.join(tmp, "grades.db"), "-q",
                                    "--jobs", str(args.jobs), *only])
        sampler.stop.set()
        sampler.join()
        rss_after_batch = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss

        k = max(1, min(args.naive, args.n))
        picked = [paths[round(i * args.n / k)] for i in range(k)]
        start = time.monotonic()
        with ThreadPoolExecutor(args.jobs) as ex:
            list(ex.map(lambda p: run(GRADER + ["grade", p, "-q", "--json", p + ".json", *only]), picked))
        naive_per_sub = (time.monotonic() - start) / k
        naive_total = naive_per_sub * args.n

    ratio = batch_total / cold_grade
    print(f"(a) cold `grader grade` of one submission: {cold_grade:.2f} s (median of {', '.join(f'{c:.2f}' for c in cold)})")
    print(f"(b) `grader batch` of {args.n}: {batch_total:.1f} s total, {batch_total / args.n:.3f} s per submission")
    print(f"    batch_total / cold_grade = {ratio:.2f}   (target <= 5 for N=60 on 2 cores: "
          f"{'met' if ratio <= 5 else 'NOT met'})")
    print(f"(c) naive, a fresh `grader grade` per submission ({args.jobs} at a time, {k} measured): "
          f"{naive_per_sub:.2f} s per submission, {naive_total:.0f} s extrapolated to {args.n}")
    print(f"    speed-up of batch over naive: {naive_total / batch_total:.1f}x")
    print(f"memory: peak summed PSS of the batch's processes {sampler.peak / 1024:.0f} MiB; "
          f"largest single process (ru_maxrss of children) {rss_after_cold / 1024:.0f} MiB after (a), "
          f"{rss_after_batch / 1024:.0f} MiB after (b)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
