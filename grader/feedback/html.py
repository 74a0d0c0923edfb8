"""The HTML report: one self-contained page (inline CSS, pictures as data: URIs, no scripts).

Everything that comes from a submission (names, messages, printed output) goes through
``esc``; nothing else is inserted raw.
"""
from __future__ import annotations

import base64
import html
import re

from grader.feedback import figures, i18n
from grader.feedback.view import CheckView, ExerciseView, exercises, fmt, fmt_value, small
from grader import seeds

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC","Microsoft YaHei",
"Noto Sans CJK SC",sans-serif;color:#1d2330;background:#f4f5f7;margin:0}
main{max-width:1080px;margin:0 auto;padding:24px 20px 60px}
h1{font-size:24px;margin:0 0 4px} h2{font-size:19px;margin:0}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:16px 20px;margin:16px 0}
.meta{color:#5b6475;font-size:13px} .meta span{margin-right:14px}
.total{font-size:30px;font-weight:700;margin:8px 0 2px}
.bar{height:8px;background:#e6e9ee;border-radius:4px;overflow:hidden;min-width:60px}
.bar i{display:block;height:100%;background:#2f9e44}
.bar.some i{background:#f08c00} .bar.none i{background:#e03131}
table{border-collapse:collapse} .summary{width:100%} .summary td,.summary th{padding:5px 8px;text-align:left;
border-bottom:1px solid #edf0f3} .summary th{font-size:13px;color:#5b6475;font-weight:600}
.summary td.pts{white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums} .summary td.b{width:140px}
a{color:#1c64c8;text-decoration:none} a:hover{text-decoration:underline}
.badge{display:inline-block;font-size:12px;font-weight:600;border-radius:10px;padding:1px 9px;white-space:nowrap}
.passed,.full{background:#d3f9d8;color:#1b6b2a} .failed,.none{background:#ffe3e3;color:#a51d1d}
.partial,.some{background:#fff0d1;color:#8a5300} .skipped{background:#eceef1;color:#4d5566}
.error{background:#f1e4ff;color:#6230a8}
.ex-head{display:flex;align-items:center;gap:12px;flex-wrap:wrap}
.ex-head .pts{margin-left:auto;font-size:17px;font-weight:700}
.ex-name{color:#5b6475;font-size:14px}
.check{border-top:1px solid #edf0f3;padding:7px 0}
.check-head{display:flex;gap:10px;align-items:baseline}
.check-head .t{flex:1} .check-head .p{white-space:nowrap;color:#5b6475;font-variant-numeric:tabular-nums}
.body{margin:8px 0 6px 0;padding:12px 14px;background:#fbfbfc;border-left:4px solid #e03131;border-radius:4px}
.st-skipped{border-left-color:#adb5bd} .st-error{border-left-color:#7048e8} .st-partial{border-left-color:#f08c00}
.label{font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.04em;color:#5b6475;margin:12px 0 4px}
.msg{white-space:pre-wrap;overflow-wrap:anywhere}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:13px}
.msg code{background:#eef1f5;border-radius:3px;padding:0 4px}
pre{background:#f1f3f5;border-radius:4px;padding:8px 10px;margin:4px 0;overflow-x:auto;white-space:pre-wrap}
.hint{background:#e7f5ff;border:1px solid #a5d8ff;border-radius:6px;padding:8px 12px;margin-top:12px;
overflow-wrap:anywhere;white-space:normal}
.st-same{border-left-color:#adb5bd;background:#f8f9fa} .same{color:#5b6475;font-size:12px;font-weight:600}
.hint b{color:#1864ab}
.mats{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.mat caption{font-size:13px;font-weight:600;text-align:left;padding-bottom:3px;white-space:nowrap}
.mat td{border:1px solid #dde1e7;padding:1px 6px;text-align:right;font:12px ui-monospace,Menlo,Consolas,monospace;
background:#fff} .mat td.bad{background:#ffc9c9;outline:2px solid #e03131;outline-offset:-2px;font-weight:700}
.pic img{max-width:100%;border:1px solid #dde1e7;border-radius:4px;background:#fff}
.pic p{font-size:13px;color:#5b6475;margin:4px 0 0}
details summary{cursor:pointer;color:#5b6475;font-size:13px;margin-top:10px}
.notes li{margin:2px 0} .warn{border-color:#ffa8a8;background:#fff5f5}
html:lang(zh-CN) body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC",
"Microsoft YaHei","WenQuanYi Micro Hei","Heiti SC",system-ui,sans-serif}
html:lang(zh-CN) code,html:lang(zh-CN) pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,
"DejaVu Sans Mono","Noto Sans Mono CJK SC","Noto Sans CJK SC","Microsoft YaHei",monospace}
"""


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def rich(text: str) -> str:
    """Escaped text with `backtick` spans shown as code."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", esc(text))


def bar(score: float, total: float, state: str) -> str:
    width = 0 if not total else round(100 * score / total)
    return f'<div class="bar {state}"><i style="width:{width}%"></i></div>'


def matrix(t, caption: str, mask=None) -> str:
    rows = []
    for i in range(t.shape[0]):
        cells = []
        for j in range(t.shape[1]):
            bad = ' class="bad"' if mask is not None and bool(mask[i, j]) else ""
            cells.append(f"<td{bad}>{esc(fmt_value(float(t[i, j])))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    shape = "×".join(map(str, t.shape))
    return f'<table class="mat"><caption>{esc(caption)} <span class="meta">({shape})</span></caption>' \
           + "".join(rows) + "</table>"


def tables(data: dict, words: dict) -> str:
    out = []
    if data["inputs"] and all(small(t) for t in data["inputs"].values()):
        out.append(f'<div class="label">{esc(words["input"])}</div><div class="mats">'
                   + "".join(matrix(t, name) for name, t in data["inputs"].items()) + "</div>")
    pair = [(words["expected"], data["expected"], None), (words["got"], data["got"], data["mask"])]
    pair = [p for p in pair if p[1] is not None]
    if pair and all(small(t) for _, t, _ in pair):
        head = words["expected"] + " / " + words["got"]
        out.append(f'<div class="label">{esc(head)}</div><div class="mats">'
                   + "".join(matrix(t, cap, mask) for cap, t, mask in pair) + "</div>")
    return "".join(out)


def data_block(view: CheckView, words: dict, lang: str) -> str:
    """The picture, with the numbers in a collapsed block; the numbers alone without matplotlib."""
    data = view.data
    numbers = tables(data, words)
    png = figures.picture(data, figures.labels(lang)) if figures.available() else None
    if not png:
        note = "" if figures.available() else f'<p class="meta">{esc(words["no_picture"])}</p>'
        return numbers + note
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    caption = words["picture_caption"]
    if words["no_cjk_font"] and figures.cjk_font() is None:  # the clear fallback: say why titles are English
        caption += " " + words["no_cjk_font"]
    out = (f'<div class="label">{esc(words["picture"])}</div><div class="pic">'
           f'<img alt="{esc(data["call"])}" src="{src}"><p>{esc(caption)}</p></div>')
    if numbers:
        out += f"<details><summary>{esc(words['numbers'])}</summary>{numbers}</details>"
    return out


def check_html(view: CheckView, words: dict, lang: str) -> str:
    status = words[view.status]
    same = f' <span class="same">{esc(words["same_cause"])}</span>' if view.same_as else ""
    head = (f'<div class="check-head"><span class="badge {view.status}">{esc(status)}</span>'
            f'<span class="t">{esc(view.title)}{same}</span>'
            f'<span class="p">{fmt(view.score)} / {fmt(view.max_score)}</span></div>')
    if not view.has_body:
        return f'<div class="check">{head}</div>'
    if view.same_as:
        printed = f'<div class="label">{esc(words["printed"])}</div><pre>{esc(view.printed)}</pre>' \
            if view.printed else ""
        return (f'<div class="check" id="{esc(view.slug)}">{head}'
                f'<div class="body st-same"><div class="msg">{rich(view.message)}</div>{printed}</div></div>')
    hint = f'<div class="hint"><b>{esc(words["hint"] + words["colon"])}</b> {rich(view.hint)}</div>' \
        if view.hint else ""
    body = [f'<div class="msg">{rich(view.message)}</div>'] if view.message else []
    if view.detail:  # skipped because corr2d fails: what the check saw is secondary
        inner = f'<div class="msg">{rich(view.detail)}</div>{hint}'
        if view.data:
            inner += data_block(view, words, lang)
        body.append(f"<details><summary>{esc(words['why_skipped'])}</summary>{inner}</details>")
    else:
        body.append(hint)
        if view.data:
            body.append(data_block(view, words, lang))
    if view.printed:
        body.append(f'<div class="label">{esc(words["printed"])}</div><pre>{esc(view.printed)}</pre>')
    return (f'<div class="check" id="{esc(view.slug)}">{head}'
            f'<div class="body st-{view.status}">{"".join(body)}</div></div>')


def exercise_html(ex: ExerciseView, words: dict, lang: str) -> str:
    head = (f'<div class="ex-head"><h2>{esc(ex.module)}.py</h2><span class="ex-name">{esc(ex.name)}</span>'
            f'<span class="badge {ex.state}">{esc(words[ex.state])}</span>'
            f'<span class="pts">{fmt(ex.score)} / {fmt(ex.max_score)}</span></div>')
    checks = "".join(check_html(c, words, lang) for c in ex.checks)
    if ex.skipped:
        checks = f'<div class="body st-skipped"><div class="msg">{rich(ex.skipped)}</div></div>' + checks
    return f'<section class="card" id="{esc(ex.module)}">{head}<div style="margin-top:10px">{checks}</div></section>'


def summary(exs: list[ExerciseView], words: dict) -> str:
    rows = [f'<tr><th>{esc(words["exercise"])}</th><th></th><th></th>'
            f'<th style="text-align:right">{esc(words["points"])}</th><th></th></tr>']
    for ex in exs:
        rows.append(f'<tr><td><a href="#{esc(ex.module)}"><code>{esc(ex.module)}.py</code></a></td>'
                    f'<td class="ex-name">{esc(ex.name)}</td>'
                    f'<td><span class="badge {ex.state}">{esc(words[ex.state])}</span></td>'
                    f'<td class="pts">{fmt(ex.score)} / {fmt(ex.max_score)}</td>'
                    f'<td class="b">{bar(ex.score, ex.max_score, ex.state)}</td></tr>')
    return '<table class="summary">' + "".join(rows) + "</table>"


def render(report, lang: str = "en") -> str:
    words = i18n.ui(lang)
    exs = exercises(report, lang)
    state = "full" if report.max_score and report.score >= report.max_score else (
        "none" if report.score == 0 else "some")
    top = [f'<h1>{esc(words["report"])}</h1>',
           f'<div class="meta"><span>{esc(words["submission"] + words["colon"])}'
           f'<b>{esc(report.submission)}</b></span></div>',
           f'<div class="total">{esc(words["total"] + words["colon"])}{fmt(report.score)} / {fmt(report.max_score)} '
           f'<span style="font-size:16px;font-weight:400">{esc(words["points"])}</span></div>',
           bar(report.score, report.max_score, state),
           f'<div class="meta" style="margin-top:8px"><span>{esc(i18n.sandbox_line(report.sandbox, lang))}</span>'
           f'<span>{esc(words["seed"])} {esc(seeds.label(report.seed))}</span>'
           f'<span>{esc(words["time"])} {report.seconds:.1f} {esc(words["seconds"])}</span></div>']
    if words["runtime_note"]:
        top.append(f'<p class="meta">{esc(words["runtime_note"])}</p>')
    parts = [f'<header class="card">{"".join(top)}</header>']
    if report.error:
        what, text = i18n.error_banner(report.error, lang)
        parts.append(f'<div class="card warn"><b>{esc(what + words["colon"])}</b>'
                     f'<span class="msg">{rich(text)}</span></div>')
    if report.notes:
        items = "".join(f"<li>{rich(i18n.translate(n, lang))}</li>" for n in report.notes)
        parts.append(f'<div class="card"><b>{esc(words["notes"])}</b><ul class="notes">{items}</ul></div>')
    if exs:
        parts.append(f'<div class="card">{summary(exs, words)}</div>')
    parts += [exercise_html(ex, words, lang) for ex in exs]
    title = f'{words["report"]}: {report.submission}'
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head>"
            f'<body><main>{"".join(parts)}</main></body></html>\n')
