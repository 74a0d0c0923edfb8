"""Reports: Gradescope's results.json, and the table a student reads in the terminal."""
from __future__ import annotations

import json
import os
import tempfile

from grader.contract import MODULES
from grader.runner import Report, Result, load_checks

SANDBOX_NOTE = {
    "bwrap": "sandbox: bubblewrap (no network, private /tmp, unprivileged, resource limits)",
    "none": "sandbox: none (bubblewrap is not available here; student code ran as a plain process with resource limits)",
}


def unavailable_report(name: str, message: str, seed: int, sandbox: str = "none", modules=MODULES) -> Report:
    """A report of zeros for a submission that could not be read, one entry per check."""
    report = Report(submission=name, seed=seed, sandbox=sandbox, error=message)
    for module in modules:
        for check in load_checks(module):
            report.results.append(Result(module, check.function, check.title, 0.0, check.points,
                                         "skipped", f"Skipped: {message}"))
    report.notes.append(message)
    return report


def to_gradescope(report: Report) -> dict:
    lines = [f"{report.submission}: {fmt(report.score)} / {fmt(report.max_score)} points",
             SANDBOX_NOTE.get(report.sandbox, f"sandbox: {report.sandbox}")]
    lines += report.notes
    return {
        "score": round(report.score, 4),
        "output": "\n".join(lines),
        "execution_time": round(report.seconds, 3),
        "tests": [r.to_gradescope() for r in report.results],
        "extra_data": {"sandbox": report.sandbox, "seed": report.seed,
                       "exercises": {m: dict(zip(("score", "max_score"), report.exercise(m)))
                                     for m in MODULES if any(r.module == m for r in report.results)}},
    }


def write_json(path: str, data: dict) -> None:
    """Write atomically: a reader sees the old file or the new one, never half of one."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".results-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
    os.replace(tmp, path)


def placeholder(name: str, seed: int, modules=MODULES) -> dict:
    """The zero-score report written before any student code runs."""
    report = Report(submission=name, seed=seed)
    for module in modules:
        for check in load_checks(module):
            report.results.append(Result(module, check.function, check.title, 0.0, check.points,
                                         "failed", "Not graded: grading did not finish."))
    data = to_gradescope(report)
    data["output"] = "Grading did not finish; this placeholder scores 0."
    return data


def fmt(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x:.2f}"


def terminal(report: Report, verbose: bool = False, lang: str = "en") -> str:
    """Points per exercise and, for each exercise not at full marks, its first failure."""
    from grader.feedback import i18n

    words = i18n.ui(lang)
    out = [f"{words['submission']} {report.submission}  ({i18n.sandbox_line(report.sandbox, lang)})", ""]
    if words["runtime_note"]:
        out[1:1] = [words["runtime_note"]]
    width = max(len(m) for m in MODULES) + 2
    for module in MODULES:
        results = [r for r in report.results if r.module == module]
        if not results:
            continue
        score, total = report.exercise(module)
        mark = words["mark"]["full" if report.full(module) else ("none" if score == 0 else "some")]
        out.append(f"  {mark}  {module:<{width}} {fmt(score):>5} / {fmt(total)}")
        shown = results if verbose else [r for r in results if r.score < r.max_score][:1]
        for r in shown:
            status = words["short"].get("passed" if r.score >= r.max_score else r.status, r.status)
            out.append(f"        [{status}] {i18n.title(r, lang)}  ({fmt(r.score)}/{fmt(r.max_score)})")
            if r.score < r.max_score and r.output:
                lines = r.output.splitlines()
                lines = lines[:14] + [x for x in lines[14:] if x.startswith("Hint: ")]  # never cut the hint
                for line in i18n.translate("\n".join(lines), lang).splitlines():
                    out.append(f"            {line}")
    out.append("")
    out.append(f"  {words['total']}{words['colon']}{fmt(report.score)} / {fmt(report.max_score)}    "
               f"({report.seconds:.1f} {words['seconds']})")
    for note in report.notes:
        out.append(f"  {words['note']}{words['colon']}{i18n.translate(note, lang)}")
    return "\n".join(out)
