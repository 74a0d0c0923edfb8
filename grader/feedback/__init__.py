"""Student-facing feedback reports: HTML or Markdown, in English or Chinese.

``write_report(report, "out.html", lang="zh")`` picks the format from the extension.
Nothing here is imported by grading itself; matplotlib only when a picture is drawn.
"""
from __future__ import annotations

import os
import sys
import traceback

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


def report_format(path: str) -> str:
    """The format for ``path``, or ValueError naming the extensions that work."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise ValueError(f"--report {path}: the file name must end in .html or .md")
    return FORMATS[ext]


def usage_check(path: str) -> None:
    """Stop before grading when the report could not be written anyway."""
    try:
        report_format(path)
    except ValueError as exc:
        raise SystemExit(f"grader: {exc}") from None


def render(report, path: str, lang: str = "en") -> str:
    if report_format(path) == "html":
        from grader.feedback import html
        return html.render(report, lang)
    from grader.feedback import markdown
    return markdown.render(report, lang, path=path)


def save(report, path: str, lang: str = "en") -> None:
    """Write atomically; Markdown pictures land next to the file as <stem>-<module>-<check>.png."""
    from grader.gradebook import write_atomic

    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    write_atomic(path, render(report, path, lang), prefix=".report-")


def write_report(report, path: str, lang: str = "en", quiet: bool = False) -> bool:
    """``save`` for the command line: says where the report went, or why it could not be written."""
    from grader.feedback.i18n import ui

    try:
        save(report, path, lang)
    except Exception as exc:  # noqa: BLE001 - the scores are already out; say what failed
        print(f"grader: could not write the report {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return False
    if not quiet:
        print(f"{ui(lang)['written']} {path}")
    return True
