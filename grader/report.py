"""Reports: Gradescope's results.json, and the table a student reads in the terminal."""
from __future__ import annotations

import json
import os

from grader.contract import MODULES
from grader.text import MAX_TEXT, cap_notes as _cap_notes, clean as _clean, deep_clean as _deep_clean
from grader.runner import Report, Result, load_checks
from grader import seeds

SANDBOX_NOTE = {
    "bwrap": "sandbox: bubblewrap (no network, private /tmp, unprivileged, resource limits)",
    "users": "sandbox: user separation only (no bubblewrap; student code ran as its own unprivileged user, "
             "which cannot read the checks or the references; resource limits)",
    "none": "sandbox: none (bubblewrap is not available here; student code ran as a plain process with resource limits)",
}


def sandbox_note(sandbox: str) -> str:
    """The report's sandbox line: the mode, then what bounded each submission (grader.client.describe)."""
    mode, _, detail = sandbox.partition("; ")
    if mode.startswith("none, secrets readable"):
        return f"sandbox: {sandbox}. WARNING: student code could read these files; this run is not protected."
    line = SANDBOX_NOTE.get(mode, f"sandbox: {mode}")
    return f"{line}; {detail}" if detail else line


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
    name = display_name(report.submission)
    lines = [f"{name + ': ' if name else 'Score: '}{fmt(report.score)} / {fmt(report.max_score)} points",
             sandbox_note(report.sandbox)]
    lines += _cap_notes(report.notes)
    tests = [r.to_gradescope() for r in report.results]
    for i, primary in same_cause(report.results).items():
        tests[i]["output"] = same_cause_text(report.results[i], report.results[primary])
    return _deep_clean({  # submission text: no lone surrogate, no terminal escape, bounded length
        "score": round(report.score, 4),
        "output": "\n".join(lines),
        "execution_time": round(report.seconds, 3),
        "tests": tests,
        "extra_data": {"sandbox": report.sandbox, "seed": seeds.label(report.seed),
                       "exercises": {m: dict(zip(("score", "max_score"), report.exercise(m)))
                                     for m in MODULES if any(r.module == m for r in report.results)}},
    }, limit=MAX_TEXT)


def write_json(path: str, data: dict) -> None:
    """Write atomically: a reader sees the old file or the new one, never half of one."""
    from grader.gradebook import write_atomic

    write_atomic(path, json.dumps(_deep_clean(data), indent=1, ensure_ascii=False), prefix=".results-")


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


GENERIC_NAMES = ("submission", "submissions", "")  # Gradescope's /autograder/submission says nothing


def display_name(name: str) -> str | None:
    """The submission's name for a header, or None when it is only the name of an upload folder."""
    return None if str(name).strip().lower() in GENERIC_NAMES else str(name)


# ----------------------------------------------------------------------------- cutting feedback text

PRINTED = "\nYour code printed:\n"
MAX_LINES = 24      # lines of one check's feedback in the terminal, the .txt feedback and nbgrader cells
MAX_ROWS = 8        # a tensor taller than this shows its first KEEP_ROWS rows and says how many more
KEEP_ROWS = 6
MAX_PRINTED = 6     # lines of what the student's code printed
WIDTH = 100         # text lines (not tensor rows) are wrapped at this many columns


def _units(lines: list[str]) -> list[list[str]]:
    """Lines grouped so that a tensor (its label and all its rows) is one unit, never split."""
    units: list[list[str]] = []
    label: list[str] = []
    for line in lines:
        if line.startswith("["):
            if units and units[-1] and units[-1][-1].startswith("[") and not label:
                units[-1].append(line)
            else:
                units.append(label + [line])
                label = []
        elif line.endswith(":") or line.endswith(" ="):
            label.append(line)
        else:
            if label:
                units.append(label)
                label = []
            units.append([line])
    if label:
        units.append(label)
    return units


def _elide_rows(unit: list[str]) -> list[str]:
    rows = [line for line in unit if line.startswith("[")]
    if len(rows) <= MAX_ROWS:
        return unit
    head = [line for line in unit if not line.startswith("[")]
    return head + rows[:KEEP_ROWS] + [f"... {len(rows) - KEEP_ROWS} more rows"]


def clip(text: str, max_lines: int = MAX_LINES, more: str = "") -> str:
    """A check's feedback cut to about ``max_lines`` lines without cutting any tensor mid-way.

    Tall tensors keep their first rows and say how many more there are; whole blocks
    (a tensor with its label) that do not fit are left out and counted; the hint is always
    kept; what the student's code printed keeps its first lines. ``more`` is added to the
    "(N more lines not shown)" note (say where everything can be seen).
    """
    if not text:
        return text
    printed = None
    at = text.find(PRINTED)
    if at >= 0:
        text, printed = text[:at], text[at + len(PRINTED):]
    lines = text.split("\n")
    hints = [line for line in lines if line.startswith("Hint: ") or line.startswith("(Hint: ")]
    body = [line for line in lines if line not in hints]
    units = [_elide_rows(u) for u in _units(body)]
    kept, used, dropped = [], len(hints), 0
    for k, unit in enumerate(units):
        if k == 0 or (not dropped and used + len(unit) <= max_lines):
            kept.append(unit)
            used += len(unit)
        else:
            dropped += len([line for line in unit if not line.startswith("...")])
    out = [line for unit in kept for line in unit]
    if dropped:
        out.append(f"({dropped} more lines not shown{more})")
    out += hints
    if printed is not None:
        plines = printed.rstrip("\n").split("\n")
        out.append(PRINTED.strip("\n"))
        out += plines[:MAX_PRINTED]
        if len(plines) > MAX_PRINTED:
            out.append(f"({len(plines) - MAX_PRINTED} more lines not shown)")
    return "\n".join(out)


def columns(text: str) -> int:
    """Columns a string takes in a terminal (Chinese characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wrap_line(line: str, width: int, indent: str) -> list[str]:
    """Greedy wrap by display columns: at spaces, or between two wide (Chinese) characters."""
    import re
    import unicodedata

    tokens = re.findall(r"\S+\s*|\s+", line)
    pieces = []
    for token in tokens:  # a token of Chinese text may break between any two of its characters
        if any(unicodedata.east_asian_width(c) in "WF" for c in token):
            pieces += re.findall(r"[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+\s*|.\s*", token)
        else:
            pieces.append(token)
    out, current = [], ""
    for piece in pieces:
        while columns(piece.rstrip()) > width - columns(indent):  # a word longer than a line
            room = width - columns(indent) - columns(current)
            if room <= 0:
                out.append(current.rstrip())
                current = indent
                continue
            out.append((current + piece[:room]).rstrip())
            piece, current = piece[room:], indent
        if current.strip() and columns(current + piece.rstrip()) > width:
            out.append(current.rstrip())
            current = indent
        current += piece
    if current.strip():
        out.append(current.rstrip())
    return out or [line]


def wrap(text: str, width: int = WIDTH) -> str:
    """Long text lines wrapped by display width (continuations indented); tensor rows are left whole."""
    out = []
    for line in text.split("\n"):
        if columns(line) <= width or line.startswith("["):
            out.append(line)
        else:
            indent = "  " if not line.startswith(" ") else line[:len(line) - len(line.lstrip())] + "  "
            out += _wrap_line(line, width, indent)
    return "\n".join(out)


# ----------------------------------------------------------------------------- one cause, many checks

SAME_CAUSE = "Same cause as “{title}” (the first failing check of this exercise): fix that one first."


def same_cause(results) -> dict[int, int]:
    """Index of a failing check -> index of the first failing check of its exercise that it repeats.

    Two failures repeat each other when the checks' diagnosis of what is wrong is the same: the
    same mistake code (grader/mistakes.py; not the general ones such as "not implemented yet",
    which different functions share) or, without one, the same hint, read off the wrong values.
    One bug, reported once, the others marked.
    """
    first: dict[tuple, int] = {}
    out: dict[int, int] = {}
    for i, r in enumerate(results):
        if r.score >= r.max_score or r.status != "failed":
            continue
        code = getattr(r, "code", None)
        if code and not code.startswith("general/") and not code.endswith("/other"):
            key = (r.module, "code", code)
        elif r.hint:
            key = (r.module, "hint", r.hint.strip())
        else:
            continue
        if key in first:
            out[i] = first[key]
        else:
            first[key] = i
    return out


def same_cause_text(result, primary, title: str | None = None) -> str:
    """What a repeated failure says instead of its full feedback: the cause, and its own first line."""
    output = result.output or ""
    own = output.split("\n", 1)[0]
    at = output.find(PRINTED)  # what its code printed is its own: kept
    printed = output[at:] if at > 0 else ""
    return SAME_CAUSE.format(title=title or primary.name) + (f"\n{own}" if own else "") + printed


def terminal(report: Report, verbose: bool = False, lang: str = "en", more_hint: str = "-v") -> str:
    """Points per exercise and, for each exercise not at full marks, its first failure."""
    from grader.feedback import i18n

    words = i18n.ui(lang)
    name = display_name(report.submission)
    head = f"{words['submission']} {name}" if name else words["submission"]
    out = [f"{head}  ({i18n.sandbox_line(report.sandbox, lang)})", ""]
    if words["runtime_note"]:
        out[1:1] = [words["runtime_note"]]
    width = max(len(m) for m in MODULES) + 2
    repeats = same_cause(report.results)
    index = {id(r): i for i, r in enumerate(report.results)}
    hidden = 0
    for module in MODULES:
        results = [r for r in report.results if r.module == module]
        if not results:
            continue
        score, total = report.exercise(module)
        mark = words["mark"]["full" if report.full(module) else ("none" if score == 0 else "some")]
        out.append(f"  {mark}  {module:<{width}} {fmt(score):>5} / {fmt(total)}")
        failing = [r for r in results if r.score < r.max_score]
        shown = results if verbose else failing[:1]
        for r in shown:
            status = words["short"].get("passed" if r.score >= r.max_score else r.status, r.status)
            out.append(f"        [{status}] {i18n.title(r, lang)}  ({fmt(r.score)}/{fmt(r.max_score)})")
            if r.score < r.max_score and r.output:
                primary = repeats.get(index[id(r)])
                if primary is not None:
                    first = report.results[primary]
                    text = same_cause_text(r, first, i18n.title(first, lang))
                else:
                    text = r.output
                    if r.status == "skipped" and not verbose:  # "fix corr2d first": the details are secondary
                        text = text.split("\n(What went wrong here: ", 1)[0]
                    text = clip(text, more="; --report report.html shows everything")
                for line in wrap(i18n.translate(text, lang), WIDTH - 12).splitlines():
                    out.append(f"            {line}")
        if not verbose and len(failing) > 1:
            first_line = (failing[0].output or "").split("\n", 1)[0]
            rest = failing[1:]
            same = sum(1 for r in rest if index[id(r)] in repeats
                       or (r.status == failing[0].status == "skipped" and r.output.split("\n", 1)[0] == first_line))
            if same < len(rest) or failing[0].status != "skipped":  # "not submitted" six times says nothing
                hidden += len(rest)
                out.append("        " + i18n.translate(more_failures(len(rest), same), lang))
    out.append("")
    out.append(f"  {words['total']}{words['colon']}{fmt(report.score)} / {fmt(report.max_score)}    "
               f"({report.seconds:.1f} {words['seconds']})")
    if hidden:
        out.append("  " + i18n.translate(f"{hidden} more failing checks are not shown: run with {more_hint} "
                                         "to see every check.", lang))
    recorded = sum(1 for r in report.results if r.output.startswith("Recorded:"))
    if recorded:  # a student release: the right answers are not in it (grader/answers.py is left out)
        out.append("  " + i18n.translate(f"{recorded} answers (multiple choice, MIN_SIZE) were only recorded: this "
                                         "self-check gives a valid answer its points; your instructor grades it.", lang))
    for note in _cap_notes(report.notes):
        out.append(f"  {words['note']}{words['colon']}{i18n.translate(note, lang)}")
    return _clean("\n".join(out))  # what a submission supplied cannot drive the terminal


def more_failures(n: int, same: int) -> str:
    checks = "check" if n == 1 else "checks"
    cause = f", {same} with the same cause" if same else ""
    return f"(+{n} more failing {checks} in this exercise{cause})"
