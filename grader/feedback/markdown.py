"""The Markdown report; pictures are PNG files next to it, referenced by relative name.

Text from a submission goes into fenced code blocks (nothing in them is interpreted);
other text is backslash-escaped, so that no raw HTML reaches a Markdown renderer.
"""
from __future__ import annotations

import os
import re
import unicodedata

from grader.feedback import figures, i18n
from grader.feedback.view import CheckView, exercises, fmt, fmt_value, small
from grader.report import wrap
from grader import seeds

ICON = {"passed": "✅", "partial": "🟠", "failed": "❌", "skipped": "⏭️", "error": "⚠️"}


def md(text) -> str:
    """Plain text, with every Markdown and HTML special character escaped."""
    return re.sub(r"([\\`*_{}\[\]<>#|&~])", r"\\\1", str(text)).replace("\n", "  \n")


def fence(text: str, indent: str = "") -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    mark = "`" * max(3, longest + 1)
    body = "\n".join(indent + line for line in text.splitlines())
    return f"{indent}{mark}text\n{body}\n{indent}{mark}"


def grid(t, mask=None) -> list[str]:
    cells = [[fmt_value(float(t[i, j])) for j in range(t.shape[1])] for i in range(t.shape[0])]
    if mask is not None:
        cells = [[f"[{c}]" if bool(mask[i, j]) else f" {c} " for j, c in enumerate(row)]
                 for i, row in enumerate(cells)]
    width = max(len(c) for row in cells for c in row)
    return [" ".join(c.rjust(width) for c in row) for row in cells]


def width(text: str) -> int:
    """Columns a string takes in a monospace font (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def side_by_side(blocks: list[tuple[str, list[str]]]) -> str:
    widths = [max([width(title)] + [len(line) for line in lines]) for title, lines in blocks]
    height = max(len(lines) for _, lines in blocks)
    out = ["    ".join(pad(title, w) for (title, _), w in zip(blocks, widths)).rstrip()]
    for k in range(height):
        out.append("    ".join(pad(lines[k] if k < len(lines) else "", w)
                               for (_, lines), w in zip(blocks, widths)).rstrip())
    return "\n".join(out)


def data_md(view: CheckView, words: dict, lang: str, picture_path) -> list[str]:
    data, out = view.data, []
    shape = lambda t: "×".join(map(str, t.shape))  # noqa: E731
    if data["inputs"] and all(small(t) for t in data["inputs"].values()):
        blocks = [(f"{name} ({shape(t)})", grid(t)) for name, t in data["inputs"].items()]
        out += [f"  **{md(words['input'])}**", "", fence(side_by_side(blocks), "  "), ""]
    pair = [(words["expected"], data["expected"], None), (words["got"], data["got"], data["mask"])]
    pair = [(f"{cap} ({shape(t)})", grid(t, mask)) for cap, t, mask in pair if t is not None]
    if pair and all(small(t) for t in (data["expected"], data["got"]) if t is not None):
        note = f"  ({md(words['md_marked'])})" if data["mask"] is not None else ""
        out += [f"  **{md(words['expected'])} / {md(words['got'])}**{note}", "",
                fence(side_by_side(pair), "  "), ""]
    if picture_path and figures.available():
        png = figures.picture(data, figures.labels(lang))
        if png:
            with open(picture_path, "wb") as f:
                f.write(png)
            out += [f"  ![{md(data['call'])}]({os.path.basename(picture_path)})", "",
                    f"  *{md(words['picture_caption'])}*", ""]
    return out


def check_md(view: CheckView, words: dict, lang: str, picture_path) -> list[str]:
    same = f" · *{md(words['same_cause'])}*" if view.same_as else ""
    line = (f"- {ICON[view.status]} **{md(words[view.status])}** · {md(view.title)} "
            f"({fmt(view.score)} / {fmt(view.max_score)}){same}")
    if not view.has_body:
        return [line]
    out = [line, ""]
    if view.same_as:
        out += [fence(wrap(view.message), "  "), ""]
        if view.printed:
            out += [f"  **{md(words['printed'])}**", "", fence(view.printed, "  "), ""]
        return out
    hint = [f"  > **{md(words['hint'])}{words['colon']}** {md(view.hint)}", ""] if view.hint else []
    if view.message:
        out += [fence(wrap(view.message), "  "), ""]
    if view.detail:
        out += [f"  **{md(words['why_skipped'])}**", "", fence(wrap(view.detail), "  "), ""] + hint
    else:
        out += hint
    if view.data:
        out += data_md(view, words, lang, picture_path)
    if view.printed:
        out += [f"  **{md(words['printed'])}**", "", fence(view.printed, "  "), ""]
    return out


def render(report, lang: str = "en", path: str | None = None) -> str:
    """The report as Markdown; with ``path``, pictures are written next to it."""
    words = i18n.ui(lang)
    c = words["colon"]
    stem = os.path.splitext(path)[0] if path else None
    out = [f"# {md(words['report'])}", "",
           f"**{md(words['submission'])}{c}** {md(report.submission)}  ",
           f"**{md(words['total'])}{c}{fmt(report.score)} / {fmt(report.max_score)} {md(words['points'])}**  ",
           f"{md(i18n.sandbox_line(report.sandbox, lang))} · {md(words['seed'])} {seeds.label(report.seed)} · "
           f"{md(words['time'])} {report.seconds:.1f} {md(words['seconds'])}", ""]
    if words["runtime_note"]:
        out += [f"> {md(words['runtime_note'])}", ""]
    if report.error:
        what, text = i18n.error_banner(report.error, lang)
        out += [f"**{md(what)}{c}**", "", fence(text), ""]
    if report.notes:
        out += [f"## {md(words['notes'])}", ""] + [f"- {md(i18n.translate(n, lang))}" for n in report.notes] + [""]
    exs = exercises(report, lang)
    if exs:
        out += [f"| {md(words['exercise'])} | | {md(words['points'])} | |", "|---|---|---:|---|"]
        out += [f"| `{ex.module}.py` | {md(ex.name)} | {fmt(ex.score)} / {fmt(ex.max_score)} | "
                f"{md(words[ex.state])} |" for ex in exs] + [""]
    for ex in exs:
        out += [f"## `{ex.module}.py` · {md(ex.name)}{c}{fmt(ex.score)} / {fmt(ex.max_score)} "
                f"({md(words[ex.state])})", ""]
        if ex.skipped:
            out += [fence(ex.skipped), ""]
        for view in ex.checks:
            picture = f"{stem}-{view.slug}.png" if stem else None
            out += check_md(view, words, lang, picture)
        out.append("")
    return "\n".join(out).rstrip() + "\n"
