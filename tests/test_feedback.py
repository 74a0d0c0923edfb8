"""The student-facing reports (HTML, Markdown, terminal; en and zh), built from Report objects.

Results are produced by the runner's own ``run_check`` from fake checks, so the tests follow
the real packing of message, hint and printed output. One end-to-end run drives the command line.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from grader import fallback
from grader.checking import Mismatch, Partial, Raised, StudentRaised, StudentStopped, Unavailable, expect_tensor
from grader.contract import MODULES
from grader.feedback import html, i18n, markdown, render, save, usage_check, zh
from grader.feedback.view import check_view, exercises
from grader.report import terminal
from grader.runner import Check, Report, apply_requirements, load_checks, run_check

REPO = Path(__file__).resolve().parents[1]
HOSTILE = '<script>alert("pwned")</script> & <img src=x onerror=alert(1)>'
needs_matplotlib = pytest.mark.skipif(not __import__("grader.feedback.figures", fromlist=["x"]).available(),
                                      reason="matplotlib is not installed")


class FakeSub:
    """Just what run_check needs from the ``sub`` fixture."""

    def __init__(self, printed: str = ""):
        self.printed = printed
        self.captured: list[str] = []

    def begin_check(self, seed: int) -> None:
        self.captured = [self.printed] if self.printed else []


def run(module: str, function: str, title: str, points: float, body, printed: str = "", requires=()):
    def fn():
        body()
    check = Check(module, function, title, points, tuple(requires), False, fn)
    return check, run_check(check, FakeSub(printed), 2024)


def last_row_zero():
    X = torch.arange(20.0).reshape(4, 5)
    K = torch.tensor([[1.0, -1.0], [0.5, 2.0]])
    expected = torch.tensor([[float((X[i:i + 2, j:j + 2] * K).sum()) for j in range(4)] for i in range(3)])
    got = expected.clone()
    got[-1] = 0
    expect_tensor(got, expected, call="corr2d(X, K)", inputs={"X": X, "K": K},
                  hint="Loop over all n_h - k_h + 1 output rows.")


def hostile_raise():
    raise StudentRaised("corr2d(<3x3 float32>, <2x2 float32>)", Raised("builtins.ValueError", HOSTILE))


def not_implemented():
    raise StudentRaised("corr2d(<3x3 float32>, <2x2 float32>)", Raised("builtins.NotImplementedError", ""))


def not_submitted():
    raise Unavailable("blur_kernel.py was not submitted.")


def timed_out():
    raise StudentStopped("`corr2d(<6x8 float32>, <1x2 float32>)` did not finish within 10 s and was stopped "
                         "(an endless loop, or far too slow?).")


def grader_bug():
    raise RuntimeError("a bug in a check")


def half():
    raise Partial(0.5, "Two of four kernels are right.")


def uses_corr2d():
    raise Mismatch("`edge_response(X)` has shape (6, 8); expected (6, 7) for X (6, 8).", "Use corr2d.")


def passing():
    return None


@pytest.fixture(scope="module")
def report() -> Report:
    rep = Report(submission="student <b>42</b>", sandbox="bwrap", seed=2024, seconds=3.25)
    rep.notes = [fallback.NOTE, f"Cell 3 raised NameError: {HOSTILE} (the other cells still ran)."]
    cases = [
        ("cross_correlation", "test_book_examples", passing, 1, "", ()),
        ("cross_correlation", "test_random_non_square", last_row_zero, 3, "debug <b>shape</b>\n", ()),
        ("cross_correlation", "test_uses_its_kernel_argument", hostile_raise, 1, "", ()),
        ("cross_correlation", "test_float64_kept", not_implemented, 1, "", ()),
        ("cross_correlation", "test_gradients", timed_out, 2, "", ()),
        ("cross_correlation", "test_property_any_shape", grader_bug, 2, "", ()),
    ]
    for module, function, body, points, printed, requires in cases:
        rep.results.append(run(module, function, f"title of {function}", points, body, printed, requires)[1])
    check, result = run("diagonal_edges", "test_response_on_known_images", "edge_response title", 2, uses_corr2d,
                        requires=("cross_correlation",))
    apply_requirements(rep, [check], [result])
    rep.results.append(result)
    rep.results.append(run("derivative_kernels", "test_first_derivative", "partial title", 2, half)[1])
    rep.results.append(run("blur_kernel", "test_shape", "blur title", 1, not_submitted)[1])
    rep.results.append(run("blur_kernel", "test_symmetric", "blur symmetric title", 2, not_submitted)[1])
    return rep


def by_function(report: Report, function: str):
    return next(r for r in report.results if r.function == function)


# ----------------------------------------------------------------------------- the results themselves

def test_fixture_covers_every_status(report):
    assert {r.status for r in report.results} == {"passed", "failed", "skipped", "error"}
    assert by_function(report, "test_random_non_square").data["expected"].shape == (3, 4)
    assert by_function(report, "test_response_on_known_images").status == "skipped"


def test_view_splits_message_hint_and_printed(report):
    view = check_view(by_function(report, "test_random_non_square"), "en")
    assert view.status == "failed" and view.hint == "Loop over all n_h - k_h + 1 output rows."
    assert view.printed.startswith("debug <b>shape</b>")
    assert view.message.startswith("`corr2d(X, K)` has wrong values")
    assert "Hint:" not in view.message and "Expected:" not in view.message  # drawn from data instead
    assert view.data["mask"][-1].all() and not view.data["mask"][:-1].any()
    skipped = check_view(by_function(report, "test_response_on_known_images"), "en")
    assert "fix corr2d first" in skipped.message and skipped.detail.startswith("`edge_response(X)` has shape")
    assert skipped.hint == "Use corr2d."
    assert check_view(by_function(report, "test_first_derivative"), "en").status == "partial"


def test_one_reason_for_a_whole_exercise_is_shown_once(report):
    blur = next(ex for ex in exercises(report, "en") if ex.module == "blur_kernel")
    assert blur.skipped == "blur_kernel.py was not submitted." and not any(c.has_body for c in blur.checks)
    assert html.render(report, "en").count("blur_kernel.py was not submitted.") == 1
    assert markdown.render(report, "zh").count("没有提交 blur_kernel.py。") == 1


# ----------------------------------------------------------------------------- HTML

@needs_matplotlib
def test_html_english(report):
    page = html.render(report, "en")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    for r in report.results:
        assert html.esc(r.name) in page
    assert "Total: 2 / 17" in page
    assert "0 / 3" in page and "1 / 2" in page and "1 / 10" in page
    assert page.count("data:image/png;base64,") == 1  # the one failure with 2-D data
    assert "Loop over all n_h - k_h + 1 output rows." in page
    assert "not implemented yet" in page and "was not submitted" in page and "fix corr2d first" in page
    assert "did not finish within 10 s" in page and "Grader error" in page
    assert "debug &lt;b&gt;shape&lt;/b&gt;" in page
    assert 'class="bad"' in page  # the wrong cells of the table are marked


def test_html_escapes_student_text(report):
    page = html.render(report, "en")
    assert "<script" not in page.lower()
    assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")  # only ever as escaped text
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in page
    assert "student &lt;b&gt;42&lt;/b&gt;" in page and "<b>42</b>" not in page


def test_html_is_self_contained(report):
    page = html.render(report, "en")
    assert not re.search(r"<(script|link|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page, re.I)
    assert "@import" not in page and "url(" not in page
    srcs = re.findall(r'<img[^>]*src="([^"]*)"', page)
    assert all(s.startswith("data:image/png;base64,") for s in srcs)


@needs_matplotlib
def test_html_chinese(report):
    page = html.render(report, "zh")
    assert '<html lang="zh-CN">' in page
    for r in report.results:
        assert html.esc(i18n.title(r, "zh")) in page
    assert zh.TITLES["cross_correlation.test_book_examples"] in page
    for words in ("评分反馈报告", "总分", "提示", "尚未实现", "跳过", "没有提交 blur_kernel.py", "请先修正 corr2d",
                  "没有在 10 秒内完成", "评分程序错误", "沙箱：bubblewrap", "保持原样", "备注",
                  "评分程序提供的正确 corr2d", "部分得分", "未通过"):
        assert words in page, words
    assert "data:image/png;base64," in page
    assert "<script" not in page.lower()


# ----------------------------------------------------------------------------- Markdown

def fenced_spans(text: str) -> list[tuple[int, int]]:
    spans, start, fence = [], None, None
    for m in re.finditer(r"^ *(`{3,})(text)?$", text, re.M):
        if start is None:
            start, fence = m.end(), m.group(1)
        elif m.group(1) == fence:
            spans.append((start, m.start()))
            start = None
    return spans


@needs_matplotlib
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_with_pictures(report, tmp_path, lang):
    path = tmp_path / f"report-{lang}.md"
    save(report, str(path), lang)
    text = path.read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", text)
    assert pictures == [f"report-{lang}-cross_correlation-test_random_non_square.png"]
    assert (tmp_path / pictures[0]).read_bytes().startswith(b"\x89PNG")
    for r in report.results:
        assert markdown.md(i18n.title(r, lang)) in text
    assert "[0]" in text  # the wrong values are bracketed in the text grid
    if lang == "zh":
        assert "## `cross_correlation.py` · 二维互相关 corr2d：1 / 10" in text and "尚未实现" in text
    else:
        assert "Total: 2 / 17" in text


def test_markdown_keeps_student_text_in_code_blocks(report, tmp_path):
    text = markdown.render(report, "en", path=None)
    spans = fenced_spans(text)
    for m in re.finditer(r"<script>|<b>", text):
        assert any(a <= m.start() < b for a, b in spans), text[max(0, m.start() - 80):m.start() + 40]
    assert "student \\<b\\>42\\<\\/b\\>" in text or "student \\<b\\>42\\</b\\>" in text


def test_markdown_fence_outgrows_backticks():
    assert markdown.fence("a ``` b").startswith("````text")


# ----------------------------------------------------------------------------- terminal

def test_terminal_english_unchanged_words(report):
    out = terminal(report, verbose=True)
    assert "Submission student <b>42</b>" in out and "Total: 2 / 17" in out
    assert "[ok] title of test_book_examples" in out and "[skipped] blur title" in out
    assert "Note: cross_correlation.py was not submitted" in out


def test_terminal_chinese(report):
    out = terminal(report, verbose=True, lang="zh")
    assert "总分：2 / 17" in out and "[通过] " + zh.TITLES["cross_correlation.test_book_examples"] in out
    assert "[跳过] " + zh.TITLES["blur_kernel.test_shape"] in out
    assert "尚未实现" in out
    assert "提示：Loop over all" in out  # kept even where the message is cut
    assert "没有提交 cross_correlation.py" in out and "保持原样" in out


# ----------------------------------------------------------------------------- translation

@pytest.mark.parametrize("english, chinese", [
    ("Skipped: blur_kernel.py was not submitted.", "跳过：没有提交 blur_kernel.py。"),
    ("Skipped: `APPLY_K` is not defined in the notebook.", "跳过：notebook 中没有定义 `APPLY_K`。"),
    ("Skipped: blur_kernel.py raised ImportError while being imported: No module named 'cv2'",
     "跳过：blur_kernel.py 在导入时抛出 ImportError，无法导入：No module named 'cv2'"),
    ("Skipped: blur_kernel.py did not finish loading within 30 s (an endless loop or a long computation at "
     "import time?).", "跳过：blur_kernel.py 没有在 30 秒内加载完成（导入时有死循环或耗时很长的计算？）。"),
    ("Skipped: blur_kernel.py has a syntax error: invalid syntax", "跳过：blur_kernel.py 有语法错误：invalid syntax"),
    ("`f()` did not finish within 10 s and was stopped (an endless loop, or far too slow?).",
     "`f()` 没有在 10 秒内完成，已被终止（死循环，或者太慢？）。"),
    ('`WHY_BLUR` is still "": set it to one of \'sharpen\', \'denoise\'.',
     '`WHY_BLUR` 仍然是 ""：请把它设为 \'sharpen\', \'denoise\' 之一。'),
])
def test_common_templates_are_translated(english, chinese):
    assert i18n.translate(english, "zh") == chinese
    assert i18n.translate(english, "en") == english


def test_runtime_templates_from_the_code_are_translated():
    text = StudentRaised("corr2d(X, K)", Raised("NotImplementedError", "")).message
    assert "尚未实现" in i18n.translate(text, "zh")
    assert "评分程序提供的正确 corr2d" in i18n.translate(fallback.NOTE, "zh")


def test_every_check_has_a_chinese_title():
    """A check added to grader/checks/ needs its title in grader/feedback/zh.py."""
    folder = REPO / "grader" / "checks"
    keys = set()
    for path in sorted(folder.glob("*.py")):
        if path.name != "__init__.py":
            keys |= {f"{path.stem}.{c.function}" for c in load_checks(path.stem)}
    assert keys, "no checks found"
    missing = sorted(keys - zh.TITLES.keys())
    assert not missing, f"add Chinese titles to grader/feedback/zh.py for: {missing}"
    stale = sorted(k for k in zh.TITLES.keys() - keys if (folder / f"{k.split('.')[0]}.py").exists())
    assert not stale, f"grader/feedback/zh.py has titles for checks that no longer exist: {stale}"
    assert all(re.search(r"[\u4e00-\u9fff]", t) for t in zh.TITLES.values())


def message_templates() -> set[str]:
    """Every message and hint the checks can show, as the code writes it: the strings and f-strings
    (``{}`` for each inserted value) of grader/checks/*.py, checking.py, grading.py, runner.py and integrity.py
    that read as words, docstrings left out, fragments of a longer one left out."""
    import ast

    def text_of(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            a, b = text_of(node.left), text_of(node.right)
            return a + b if a is not None and b is not None else None
        return None

    grader = REPO / "grader"
    paths = sorted((grader / "checks").glob("*.py")) + [grader / n for n in ("checking.py", "grading.py", "runner.py",
                                                                             "integrity.py")]
    found = set()
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and n.body and isinstance(n.body[0], ast.Expr)}
        for node in ast.walk(tree):
            text = None if id(node) in docs else text_of(node)
            if text and " " in text and len(re.findall(r"[A-Za-z]{2,}", text)) >= 2:
                found.add(text)
    return {t for t in found if not any(t != other and t in other for other in found)}


def test_every_message_and_hint_has_a_chinese_translation():
    """A message or hint added to (or changed in) the checks needs its Chinese in zh_messages.py."""
    from grader.feedback import zh_messages

    templates = message_templates()
    assert len(templates) > 150
    missing = sorted(t for t in templates if t not in zh_messages.MESSAGES and t not in zh_messages.NOT_PROSE)
    assert not missing, "add to grader/feedback/zh_messages.py MESSAGES:\n" + "\n".join(map(repr, missing))
    stale = sorted(k for k in zh_messages.MESSAGES if not any(k in t for t in templates))
    assert not stale, "remove from grader/feedback/zh_messages.py (no check says it any more):\n" + \
        "\n".join(map(repr, stale))


def _messages():
    from grader.feedback import zh_messages

    return sorted(zh_messages.MESSAGES.items())


@pytest.mark.parametrize("english, chinese", _messages(), ids=[e[:40] for e, _ in _messages()])
def test_each_translation_applies_with_its_values(english, chinese):
    values = [f"V{k}V" for k in range(english.count("{}"))]
    parts = english.split("{}")
    sample = parts[0] + "".join(v + p for v, p in zip(values, parts[1:]))
    out = i18n.translate(sample, "zh")
    assert out != sample
    for line, cn in zip(out.split("\n"), chinese.split("\n")):
        if re.search(r"[\u4e00-\u9fff]", cn):
            assert re.search(r"[\u4e00-\u9fff]", line), (sample, out)
    for word in re.findall(r"[A-Za-z]{4,}(?: [A-Za-z]{4,}){2,}", sample):  # no English phrase survives
        if word not in chinese:
            assert word not in out, (word, out)
    counter = iter(values)  # every value the translation uses is kept
    for en, cn, line in zip(english.split("\n"), chinese.split("\n"), sample.split("\n")):
        line_values = [next(counter) for _ in range(en.count("{}"))]
        if any(pattern.search(line.removeprefix("Skipped: ")) for pattern, _ in i18n._COMPILED):
            continue  # an interface template of i18n translates it (with its own idea of the values)
        wanted = re.findall(r"\{(\d*)\}", cn)
        used = [line_values[int(k)] if k else line_values[i] for i, k in enumerate(wanted)]
        for v in used:
            assert v in out, (v, out)


def test_a_zh_report_reads_in_chinese_apart_from_values(report):
    text = terminal(report, verbose=True, lang="zh")
    english = [line for line in text.splitlines() if not line.strip().startswith("[")
               and re.search(r"[A-Za-z]{4,} [A-Za-z]{4,} [A-Za-z]{4,} [A-Za-z]{4,}", line)]
    assert not [line for line in english if "Loop over all" not in line and "沙箱" not in line], english


def test_every_exercise_has_names():
    assert set(MODULES) <= zh.EXERCISES.keys() and set(MODULES) <= zh.EXERCISES_EN.keys()


def test_interface_words_exist_in_both_languages():
    assert i18n.UI["en"].keys() == i18n.UI["zh"].keys() - {"sandbox"}  # English sandbox lines: grader.report


# ----------------------------------------------------------------------------- command line

def test_report_extension_is_checked_before_grading():
    with pytest.raises(SystemExit, match=r"\.html or \.md"):
        usage_check("out.txt")
    with pytest.raises(ValueError):
        render(Report(submission="x"), "out.pdf")


def test_empty_report_renders():
    rep = Report(submission="bad.zip", error="bad.zip is not a zip file.")
    assert "bad.zip is not a zip file." in html.render(rep, "en")
    assert "无法读取这份提交" in markdown.render(rep, "zh")


BUGGY = '''import torch


def corr2d(X, K):
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0] - 1):  # off by one: the last output row stays 0
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y
'''


@needs_matplotlib
def test_end_to_end_html_report(tmp_path):
    sub = tmp_path / "submission"
    sub.mkdir()
    (sub / "cross_correlation.py").write_text(BUGGY)
    out = tmp_path / "out.html"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(sub), "--only", "cross_correlation",
                           "--report", str(out)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert f"Feedback report written to {out}" in proc.stdout
    page = out.read_text(encoding="utf-8")
    assert "corr2d reproduces the chapter&#x27;s examples" in page
    assert page.count("data:image/png;base64,") >= 2
    assert 'class="bad"' in page and "cross_correlation.py" in page
    assert "<script" not in page.lower()


@needs_matplotlib
@pytest.mark.parametrize("data", [
    {"call": "f(x)", "inputs": {"x": torch.arange(5.0)}, "expected": torch.arange(3.0), "got": torch.zeros(3)},
    {"call": "f(X)", "inputs": {"X": torch.ones(2, 3, 4)}, "expected": torch.ones(2, 3), "got": torch.ones(3, 2)},
    {"call": "f(X)", "inputs": {}, "expected": torch.ones(2, 2), "got": torch.tensor([[1.0, float("nan")],
                                                                                    [float("inf"), 1.0]])},
    {"call": "f(X)", "inputs": {"X": torch.randn(64, 70)}, "expected": torch.zeros(60, 66), "got": torch.ones(60, 66)},
    {"call": "f(X)", "inputs": {"X": "not a tensor"}, "expected": torch.ones(2, 2, 2), "got": None},
    {"call": "f(X)", "inputs": None, "expected": torch.ones(1, 1), "got": torch.zeros(1, 1, dtype=torch.int64)},
    {"junk": object()},
])
def test_odd_data_never_breaks_a_report(data, tmp_path):
    def body():
        raise Mismatch("`f(X)` is wrong.", "Fix it.", data)
    rep = Report(submission="odd")
    rep.results.append(run("cross_correlation", "test_book_examples", "odd", 1, body)[1])
    for lang in ("en", "zh"):
        assert "Fix it." in html.render(rep, lang)
        save(rep, str(tmp_path / f"odd-{lang}.md"), lang)
