"""Feedback text in every route: nothing cut without a marker, no tensor cut mid-way, long lines wrapped,
and one bug repeated over several checks read as one cause (terminal, HTML, Markdown, nbgrader, Gradescope).

Built from hand-made results (no grading), so these run in a moment; tests/test_feedback.py and
tests/test_first_use.py grade real submissions.
"""
from __future__ import annotations

import re

import torch

from grader import report as rep
from grader.checking import show
from grader.runner import Report, Result

HINT = ("Only the first output row is right and the others are 0: is a `return` indented inside the outer loop, "
        "so the function stops after row 0, or does the row loop end too early? There are n_h - k_h + 1 output rows.")


def failure(module, function, n_rows=2, hint=HINT, inputs=True) -> Result:
    expected = torch.arange(n_rows * 3, dtype=torch.float64).reshape(n_rows, 3)
    got = expected.clone()
    got[1:] = 0
    text = (f"`corr2d(X, K)` has wrong values for X ({n_rows + 1}, 4), K (2, 2): at [1, 0] expected 3, got 0."
            f"\nExpected:\n{show(expected)}\nGot:\n{show(got)}")
    if inputs:
        text += f"\nInput:\nX =\n{show(torch.ones(n_rows + 1, 4))}\nK =\n{show(torch.tensor([[0.0, 1], [2, 3]]))}"
    r = Result(module, function, f"{function} title", 0.0, 1.0, "failed", text + f"\nHint: {hint}")
    r.hint = hint
    r.data = {"call": "corr2d(X, K)", "expected": expected, "got": got,
              "inputs": {"X": torch.ones(n_rows + 1, 4), "K": torch.tensor([[0.0, 1], [2, 3]])}}
    return r


def chen_like() -> Report:
    report = Report(submission="chen")
    report.results = [failure("cross_correlation", f"test_{k}") for k in range(6)]
    report.results.append(Result("blur_kernel", "test_shape", "shape", 1.0, 1.0, "passed", ""))
    return report


def tensor_blocks(text: str) -> list[list[str]]:
    blocks, current = [], []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    return blocks + ([current] if current else [])


def test_small_tensors_are_printed_whole_in_the_terminal():
    report = Report(submission="s", results=[failure("cross_correlation", "test_a")])
    text = rep.terminal(report)
    assert "[2  3]" in text.replace("[2.  3.]", "[2  3]") or "[2  3]" in text  # the 2x2 K, both rows
    k = text[text.index("K =") + 4:].splitlines()
    assert len([line for line in k[:2] if line.strip().startswith("[")]) == 2
    assert "Hint:" in text


def test_a_tall_tensor_is_elided_explicitly_never_cut_mid_way():
    r = failure("cross_correlation", "test_a", n_rows=20)
    clipped = rep.clip(r.output)
    assert "... 14 more rows" in clipped
    for block in tensor_blocks(clipped):
        assert all(line.endswith("]") for line in block)
    assert "Hint: " in clipped  # the hint survives any cut
    full = len(r.output.splitlines())
    shown = len(clipped.splitlines())
    m = re.search(r"\((\d+) more lines not shown", clipped)
    assert shown < full and (m or "more rows" in clipped)


def test_blocks_that_do_not_fit_are_counted():
    text = "message\n" + "\n".join(f"Block{k}:\n" + show(torch.ones(6, 3)) for k in range(6)) + "\nHint: h"
    clipped = rep.clip(text, max_lines=15)
    m = re.search(r"\((\d+) more lines not shown\)", clipped)
    assert m, clipped
    kept = len([line for line in clipped.splitlines() if line.startswith("[")])
    assert kept % 6 == 0  # whole tensors only
    assert kept + int(m.group(1)) == 36 + 6 - (kept // 6)  # every row and label is shown or counted
    assert clipped.splitlines()[-1] == "Hint: h"


def test_long_printed_output_says_how_much_is_left_out():
    text = "message\nYour code printed:\n" + "\n".join(f"line {k}" for k in range(40))
    clipped = rep.clip(text)
    assert "(34 more lines not shown)" in clipped


def test_long_lines_are_wrapped_tensor_rows_are_not():
    row = "[" + "  ".join(["1.2345"] * 40) + "]"
    text = rep.wrap(f"Hint: {HINT} {HINT}\n{row}", 80)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines if not line.startswith("["))
    assert row in lines


def test_one_cause_is_reported_once_in_the_terminal():
    text = rep.terminal(chen_like(), verbose=True)
    assert text.count("Hint: Only the first output row") == 1
    assert text.count("Same cause as “test_0 title”") == 5


def test_the_first_failure_view_counts_the_others_and_points_to_v():
    text = rep.terminal(chen_like())
    assert "(+5 more failing checks in this exercise, 5 with the same cause)" in text
    assert "run with -v to see every check" in text


def test_one_cause_is_reported_once_in_gradescope_results():
    tests = rep.to_gradescope(chen_like())["tests"]
    assert "Hint: Only the first output row" in tests[0]["output"]
    for t in tests[1:6]:
        assert t["output"].startswith("Same cause as “test_0 title”")
        assert "Hint:" not in t["output"] and "Expected:" not in t["output"]
        assert t["score"] == 0  # the marker changes the text, never the points


def test_a_repeated_failure_keeps_what_its_code_printed():
    report = chen_like()
    report.results[3].output += "\nYour code printed:\nFOUND it"
    tests = rep.to_gradescope(report)["tests"]
    assert tests[3]["output"].startswith("Same cause as") and "FOUND it" in tests[3]["output"]
    assert "FOUND it" in rep.terminal(report, verbose=True)
    from grader.feedback import html

    assert "FOUND it" in html.render(report, "en")


def test_one_mistake_code_is_one_cause_even_with_different_hint_values():
    a, b = failure("correlation_as_matmul", "test_a", hint="n_w = 7"), failure("correlation_as_matmul", "test_b",
                                                                                hint="n_w = 5")
    a.code = b.code = "matmul/kernel-matrix-stride"
    c = failure("correlation_as_matmul", "test_c", hint="n_w = 5")
    c.code = "general/not-implemented"
    d = failure("correlation_as_matmul", "test_d", hint="n_w = 9")
    d.code = "general/not-implemented"
    assert rep.same_cause([a, b, c, d]) == {1: 0}


def test_different_causes_are_not_grouped():
    report = Report(submission="s", results=[failure("cross_correlation", "test_a"),
                                             failure("cross_correlation", "test_b", hint="another mistake"),
                                             failure("diagonal_edges", "test_c")])
    assert rep.same_cause(report.results) == {}


def test_one_cause_is_reported_once_in_html_and_markdown(tmp_path):
    from grader.feedback import html, markdown

    page = html.render(chen_like(), "en")
    assert page.count("Only the first output row") == 1
    assert page.count('<span class="same">same cause</span>') == 5
    md = markdown.render(chen_like(), "en", path=str(tmp_path / "r.md"))
    assert md.count("Only the first output row") == 1
    assert md.count("*same cause*") == 5
    zh = html.render(chen_like(), "zh")
    assert zh.count("同一原因") == 5


def test_one_cause_is_reported_once_in_nbgrader_feedback():
    from grader.integrations.nbfeedback import exercise_feedback

    text = exercise_feedback(chen_like(), "cross_correlation")
    assert text.count("Hint: Only the first output row") == 1
    assert text.count("Same cause as") == 5
    assert all(len(line) <= 100 for line in text.splitlines() if not line.strip().startswith("["))
    assert "[2  3]" in text or "[2.  3.]" in text


def test_a_generic_upload_folder_name_is_not_a_header():
    report = Report(submission="submission")
    assert "Submission submission" not in rep.terminal(report)
    assert not rep.to_gradescope(report)["output"].startswith("submission")
    assert rep.to_gradescope(Report(submission="ada"))["output"].startswith("ada: ")
