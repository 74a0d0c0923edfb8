"""The words of the student-facing reports, in English and Chinese.

Interface strings live in ``UI``; check titles in :mod:`grader.feedback.zh`.
Messages are built at run time in English; ``translate`` rewrites the common
templates (not implemented yet, not submitted, did not import, timed out,
fix corr2d first, ...) and leaves the rest, which the zh report header says.
"""
from __future__ import annotations

import re

from grader.feedback import zh

LANGS = ("en", "zh")

UI = {
    "en": {
        "report": "Feedback report",
        "colon": ": ",
        "written": "Feedback report written to",
        "submission": "Submission",
        "total": "Total",
        "points": "points",
        "exercise": "Exercise",
        "check": "Check",
        "status": "Status",
        "passed": "passed",
        "failed": "failed",
        "partial": "partial credit",
        "skipped": "skipped",
        "error": "grader error",
        "full": "full marks",
        "some": "some points",
        "none": "no points yet",
        "message": "What went wrong",
        "input": "Failing input",
        "expected": "Expected",
        "got": "Your result",
        "difference": "Your result - expected",
        "fig": {"expected": "expected", "got": "yours", "difference": "yours − expected"},
        "hint": "Hint",
        "printed": "Your code printed",
        "picture": "Picture",
        "picture_caption": "The input(s), the expected result, your result and the difference yours − expected "
                           "(red: yours is too large, blue: too small). Cells outlined in red are wrong; "
                           "the small numbers on the edges are row and column indices.",
        "md_marked": "[bracketed] values are wrong",
        "why_skipped": "What the check saw",
        "same_cause": "same cause",
        "numbers": "The same values as a table",
        "notes": "Notes",
        "note": "Note",
        "seed": "seed",
        "time": "time",
        "seconds": "s",
        "not_read": "The submission could not be read",
        "grader_failed": "The grader failed",
        "no_picture": "(pictures need matplotlib, which is not installed)",
        "no_cjk_font": "",
        "runtime_note": "",
        "mark": {"full": "PASS", "some": "PART", "none": "----"},
        "short": {"passed": "ok", "failed": "failed", "skipped": "skipped", "error": "error"},
    },
    "zh": {
        "report": "评分反馈报告",
        "colon": "：",
        "written": "反馈报告已写入",
        "submission": "提交",
        "total": "总分",
        "points": "分",
        "exercise": "练习",
        "check": "检查项",
        "status": "状态",
        "passed": "通过",
        "failed": "未通过",
        "partial": "部分得分",
        "skipped": "跳过",
        "error": "评分程序错误",
        "full": "满分",
        "some": "部分得分",
        "none": "尚未得分",
        "message": "问题所在",
        "input": "出错的输入",
        "expected": "期望结果",
        "got": "你的结果",
        "difference": "你的结果 - 期望结果",
        "fig": {"expected": "期望", "got": "你的", "difference": "你的 − 期望"},
        "hint": "提示",
        "printed": "你的代码输出",
        "picture": "图示",
        "picture_caption": "输入、期望结果、你的结果，以及差值“你的 − 期望”（红色：你的值偏大，蓝色：偏小）。"
                           "红框标出的格子是错的；边上的小数字是行号和列号。",
        "md_marked": "方括号 [ ] 中的值是错的",
        "why_skipped": "检查时看到的情况",
        "same_cause": "同一原因",
        "numbers": "以表格显示这些数值",
        "notes": "备注",
        "note": "备注",
        "seed": "随机种子",
        "time": "用时",
        "seconds": "秒",
        "sandbox": {
            "bwrap": "沙箱：bubblewrap（无网络、独立 /tmp、无特权、有资源限制）",
            "users": "沙箱：仅用户隔离（没有 bubblewrap；学生代码以独立的无特权用户运行，读不到检查和参考答案；有资源限制）",
            "none": "沙箱：无（此处没有 bubblewrap；学生代码作为普通进程运行，有资源限制）",
        },
        "not_read": "无法读取这份提交",
        "grader_failed": "评分程序出错",
        "no_picture": "（绘图需要 matplotlib，但它没有安装）",
        "no_cjk_font": "（本机没有中文字体，图中的标题用英文显示；安装 Noto CJK 字体（Debian/Ubuntu：fonts-noto-cjk）后即显示中文。）",
        "runtime_note": "说明：界面、检查项标题、提示和评分信息都已译成中文；其中的数值、代码，"
                        "以及你的代码自己抛出的异常信息保持原样。",
        "mark": {"full": "满分", "some": "部分", "none": "----"},
        "short": {"passed": "通过", "failed": "未通过", "skipped": "跳过", "error": "错误"},
    },
}

# (pattern, Chinese replacement), applied in order to runtime messages in zh mode.
TEMPLATES = [
    (r"^this check uses your (\w+), which fails its own checks \((\w+)\): fix \w+ first\.$",
     r"此检查要用到你的 \1，而它没有通过自己的检查（\2）：请先修正 \1。"),
    (r"^\(What went wrong here: ", "（这里出现的问题："),
    (r"`([^`\n]+)` raised NotImplementedError: not implemented yet\.", r"`\1` 抛出 NotImplementedError：尚未实现。"),
    (r"^(\S+) was not submitted\.$", r"没有提交 \1。"),
    (r"^`([^`\n]+)` is not defined in (.+)\.$", r"\2 中没有定义 `\1`。"),
    (r"^(.+?) did not finish loading within (\S+) s \(an endless loop or a long computation at import time\?\)\.$",
     r"\1 没有在 \2 秒内加载完成（导入时有死循环或耗时很长的计算？）。"),
    (r"^(.+?) ended the worker process while loading \(os\._exit, a crash, or a memory/CPU/output limit\)\.$",
     r"\1 在加载时结束了工作进程（os._exit、崩溃，或超出内存/CPU/输出限制）。"),
    (r"^(.+?) has a syntax error: ", r"\1 有语法错误："),
    (r"^(.+?) called sys\.exit\(\) while being imported; remove that call\.$",
     r"\1 在导入时调用了 sys.exit()，请删掉这个调用。"),
    (r"^(.+?) raised (\w+) while being imported: ", r"\1 在导入时抛出 \2，无法导入："),
    (r"^`([^`\n]+)` did not finish within (\S+) s and was stopped \(an endless loop, or far too slow\?\)\.$",
     r"`\1` 没有在 \2 秒内完成，已被终止（死循环，或者太慢？）。"),
    (r"^`([^`\n]+)` was not run: it did not finish within (\S+) s earlier$",
     r"`\1` 没有运行：它之前已经超时（\2 秒）。"),
    (r"^`([^`\n]+)` ended the worker process \(os\._exit, a crash, or a memory/CPU/output limit was hit\)\.$",
     r"`\1` 结束了工作进程（os._exit、崩溃，或超出内存/CPU/输出限制）。"),
    (r"^The submission used up its time budget \((\S+) s\); the remaining checks were not run\.$",
     r"这份提交用完了总时间（\1 秒），其余检查没有运行。"),
    (r"^Grader error: this check could not be run; it scores 0 for now\. Please tell your instructor\.$",
     "评分程序错误：这项检查无法运行，暂记 0 分。请告诉你的老师。"),
    (r"^Grader error: this exercise could not be graded; it scores 0 for now\. Please tell your instructor\.$",
     "评分程序错误：这个练习无法评分，暂记 0 分。请告诉你的老师。"),
    (r"^Not graded: grading did not finish\.$", "未评分：评分没有完成。"),
    (r'^`(\w+)` is still "": set it to one of (.+)\.$', r'`\1` 仍然是 ""：请把它设为 \2 之一。'),
    (r"^cross_correlation\.py was not submitted: the other exercises were graded with a correct corr2d "
     r"supplied by the grader\.$", "没有提交 cross_correlation.py：其他练习使用评分程序提供的正确 corr2d 评分。"),
    (r"^Cell (\S+) raised (\w+): (.*) \(the other cells still ran\)\.$", r"第 \1 个单元格抛出 \2：\3（其他单元格照常运行）。"),
    (r"^Same cause as “(.+)” \(the first failing check of this exercise\): fix that one first\.$",
     r"与“\1”（这个练习中第一个未通过的检查）原因相同：请先修正那一个。"),
    (r"^\(\+1 more failing check in this exercise\)$", "（这个练习还有 1 个检查未通过）"),
    (r"^\(\+(\d+) more failing checks in this exercise\)$", r"（这个练习还有 \1 个检查未通过）"),
    (r"^\(\+(\d+) more failing checks? in this exercise, (\d+) with the same cause\)$",
     r"（这个练习还有 \1 个检查未通过，其中 \2 个原因相同）"),
    (r"^(\d+) more failing checks are not shown: run with (.+) to see every check\.$",
     r"还有 \1 个未通过的检查没有显示：加上 \2 可以看到全部检查。"),
    (r"^\.\.\. (\d+) more rows$", r"……还有 \1 行"),
    (r"^\((\d+) more lines not shown\)$", r"（还有 \1 行没有显示）"),
    (r"^\((\d+) more lines not shown; (.+) shows everything\)$", r"（还有 \1 行没有显示；\2 可以看到全部）"),
    (r"^Expected:$", "期望："),
    (r"^Got:$", "实际得到："),
    (r"^Input:$", "输入："),
    (r"^Hint: ", "提示："),
    (r"^Your code printed:$", "你的代码输出："),
]
_COMPILED = [(re.compile(p), r) for p, r in TEMPLATES]


def ui(lang: str) -> dict:
    return UI.get(lang, UI["en"])


MAX_LINE = 4000  # longer lines (a flood from student code) are left as they are


def _message_templates() -> list:
    """zh_messages.MESSAGES as (literal parts, compiled pattern, translation), longest literal first.

    Every line of a key becomes a pattern: its ``{}`` match any text (lazily, the last one to the
    end of the line); short lines of a multi-line key ("expected", "Your kernel:") must be whole
    lines, others may be part of a line (fragments the code joins into one message)."""
    from grader.feedback.zh_messages import MESSAGES

    out = []
    for english, chinese in MESSAGES.items():
        for en, cn in zip(english.split("\n"), chinese.split("\n")):
            if len(re.findall(r"[A-Za-z]{2,}", en)) == 0:
                continue
            parts = en.split("{}")
            pattern = ""
            for k, part in enumerate(parts):
                pattern += re.escape(part)
                if k < len(parts) - 1:
                    pattern += "(.*)" if k == len(parts) - 2 and parts[-1] == "" else "(.*?)"
            if "\n" in english and len(re.findall(r"[A-Za-z]{2,}", en)) < 4:  # "expected", "Your kernel:"
                pattern = "^" + pattern + "$"
            out.append((sum(map(len, parts)), [p for p in parts if p], re.compile(pattern), cn))
    out.sort(key=lambda t: -t[0])
    return out


_MESSAGES: list = []


def _fill(template: str, values: tuple) -> str:
    order = iter(range(len(values)))

    def value(m):
        k = int(m.group(1)) if m.group(1) else next(order, None)
        return values[k] if k is not None and k < len(values) else ""
    return re.sub(r"\{(\d*)\}", value, template)


def _messages(line: str) -> str:
    if not _MESSAGES:
        _MESSAGES.extend(_message_templates())
    for _, literals, pattern, chinese in _MESSAGES:
        at = 0
        for literal in literals:  # cheap test first: the literal parts, in order
            at = line.find(literal, at)
            if at < 0:
                break
            at += len(literal)
        if at < 0:
            continue
        m = pattern.search(line)
        if m:
            line = line[:m.start()] + _fill(chinese, m.groups()) + line[m.end():]
    return line


def translate(text: str, lang: str) -> str:
    """A runtime message in the report's language. zh: the interface templates above, then every
    message and hint of the checks (zh_messages); values, code and what the student's code printed
    stay as they are."""
    if lang != "zh" or not text:
        return text
    out, printed = [], False
    for line in text.split("\n"):
        if printed:
            out.append(line)
            continue
        printed = line == "Your code printed:"
        out.append(_line(line))
    return "\n".join(out)


def _line(line: str) -> str:
    if line.startswith("[") or len(line) > MAX_LINE:  # a tensor row, or too long to be ours
        return line
    skipped = line.startswith("Skipped: ")
    if skipped:
        line = line[len("Skipped: "):]
    for pattern, repl in _COMPILED:
        line = pattern.sub(repl, line)
    line = _messages(line)
    line = _INPUTS.sub(lambda m: f"（输入 {m.group(1)}）", line)
    if line.startswith("Integrity: "):  # a note listing the integrity findings
        line = "完整性：" + line[len("Integrity: "):]
    return ("跳过：" if skipped else "") + line


# checking.fmt_inputs: " for X (3, 3), K (2, 2)" or " for n=5", inside a translated message
_INPUTS = re.compile(r" for ((?:[A-Za-z_]\w* \([0-9, ]*\)|[A-Za-z_]\w*=[^,;：:]{1,40})(?:, (?:[A-Za-z_]\w* \([0-9, ]*\)|"
                     r"[A-Za-z_]\w*=[^,;：:]{1,40}))*)(?=[：；。.:;]|$)")


def title(result, lang: str) -> str:
    if lang != "zh":
        return result.name
    if result.function == "grader_error":
        return f"{result.module}：评分程序错误"
    return zh.TITLES.get(f"{result.module}.{result.function}", result.name)


def exercise_name(module: str, lang: str) -> str:
    names = zh.EXERCISES if lang == "zh" else zh.EXERCISES_EN
    return names.get(module, "")


def sandbox_line(sandbox: str, lang: str) -> str:
    if lang == "zh":
        mode, _, detail = sandbox.partition("; ")
        line = UI["zh"]["sandbox"].get(mode, "沙箱：" + mode)
        return f"{line}; {detail}" if detail else line
    from grader.report import sandbox_note

    return sandbox_note(sandbox)


def error_banner(error: str, lang: str) -> tuple[str, str]:
    """Heading and text for ``Report.error``: an unreadable submission, or the grader's own failure."""
    if error.startswith("grader error: "):
        return ui(lang)["grader_failed"], error[len("grader error: "):]
    return ui(lang)["not_read"], translate(error, lang)
