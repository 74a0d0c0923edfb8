"""Hostile *inputs* on the trusted side (issue 7 items 5, 10-12; issue 9 item 1), through the command line.

Not hostile code, but hostile names, bytes, sizes and shapes: class entries whose names
are not UTF-8 or hold terminal escapes or spreadsheet formulas, symbolic links, pipes,
hidden entries, 1,100 nested folders, exception messages with lone surrogates, a zip
bomb, a 200 MB notebook, a notebook of two million magic lines, an R notebook; and the
shapes a real submission takes (modules two folders down, a notebook next to module
files, several notebooks). Each must give a clear row or note and the right verdicts,
never a crash, a hang, a lost grade or gigabytes in the grader's own process.

The memory of the trusted process is measured (its peak resident set, VmHWM) and
printed; it is asserted only against the issue's bound (1 GiB), never timed.
"""
from __future__ import annotations

import ast
import csv
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import zipfile

import pytest

from tests.helpers import load_json, verdicts

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOLUTIONS = os.path.join(REPO, "solutions")
ONLY = ["cross_correlation", "blur_kernel"]
GIB = 1 << 30
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="FIFOs, /proc")

# runs the command line in this process and prints the peak resident set of this (trusted) process
PEAK = ("import sys\n"
        "from grader.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "sys.stderr.write(f'\\nPEAK_RSS_KB {hwm}\\n')\n"
        "sys.stderr.flush()\n"
        "import os; os._exit(code)\n")


def grader(*args, cwd, timeout=400, peak=False) -> subprocess.CompletedProcess:
    """``python -m grader ARGS`` (or the same through ``main`` with its peak RSS measured), run in ``cwd``."""
    env = {k: v for k, v in os.environ.items() if k != "GRADER_SEED"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (REPO, env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-c", PEAK] if peak else [sys.executable, "-m", "grader"]
    return subprocess.run(cmd + [os.fsdecode(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          timeout=timeout)


def peak_mb(proc) -> float:
    line = [l for l in proc.stderr.decode(errors="replace").splitlines() if l.startswith("PEAK_RSS_KB")][-1]
    return int(line.split()[1]) / 1024


def solution(module: str) -> str:
    with open(os.path.join(SOLUTIONS, f"{module}.py"), encoding="utf-8") as f:
        return f.read()


def put_solutions(folder, modules=ONLY) -> None:
    os.makedirs(folder, exist_ok=True)
    for m in modules:
        shutil.copy(os.path.join(SOLUTIONS, f"{m}.py"), os.path.join(folder, f"{m}.py"))


def notebook(cells, language="python") -> dict:
    kernel = {"python": ("python3", "Python 3"), "R": ("ir", "R")}[language]
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": kernel[0], "display_name": kernel[1], "language": language},
                         "language_info": {"name": language}},
            "cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                       "source": c} for c in cells]}


def write_notebook(path, cells, language="python") -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(notebook(cells, language), f)


def assert_clean(data: bytes, where: str) -> None:
    """No terminal control in the grader's output: ESC, BEL, CSI (C1) or a raw CR."""
    text = data.decode("utf-8")  # and it is UTF-8
    for bad in ("\x1b", "\x07", "\x9b", "\r"):
        assert bad not in text, (where, bad, text[:2000])


def grade_json(sub, tmp_path, *only, peak=False, extra=()):
    out = tmp_path / "results.json"
    proc = grader("grade", sub, "--json", out, "--only", *(only or ONLY), "--call-timeout", "5",
                  *extra, cwd=tmp_path, peak=peak)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]
    raw = out.read_bytes()
    assert_clean(raw, "results.json")
    assert_clean(proc.stdout, "terminal")
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".results-")]
    return json.loads(raw), proc


# ----------------------------------------------------------------------------- one class, graded once

CSV_NAMES = ['=HYPERLINK("http:evil","click")', "+SUM(1,2)", "@SUM(A1)", "-2+3"]
ESCAPE_NAME = "\x1b[2J\x1b]0;pwned\x07mallet"
LONG_NAME = "s" * 255
NON_UTF8 = b"caf\xe9"


def nested(top: str, depth: int) -> None:
    path = top
    os.mkdir(path)
    for _ in range(depth):
        path = os.path.join(path, "d")
        os.mkdir(path)


def unnest(top: str, depth: int) -> None:
    for k in range(depth, -1, -1):
        os.rmdir(os.path.join(top, *["d"] * k))


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """A class of odd entries, graded once by ``grader batch -j 1``, exported with feedback."""
    root = tmp_path_factory.mktemp("hostile_class")
    cls = root / "class"
    cls.mkdir()
    surrogate = "def corr2d(X, K):\n    raise ValueError('caf\\udce9 \\x1b[2J\\x1b]0;x\\x07')\n"
    for i in range(5):  # five students in a row whose exceptions cannot be encoded
        (cls / f"a{i}").mkdir()
        (cls / f"a{i}" / "cross_correlation.py").write_text(surrogate)
    for name in ("zoe", "zack"):  # graded after them
        put_solutions(cls / name)
    # a name that is not UTF-8, holding a Latin-1 named file, a Latin-1 encoded helper, a stray binary .txt
    odd = os.path.join(os.fsencode(cls), NON_UTF8)
    os.mkdir(odd)
    put_solutions(os.fsdecode(odd))
    with open(os.path.join(odd, b"r\xe9sum\xe9.txt"), "wb") as f:
        f.write(b"\xff\xfe\x00 not text \xe9")
    with open(os.path.join(odd, b"helper.py"), "wb") as f:
        f.write("# caf\xe9 in Latin-1\nX = 1\n".encode("latin-1"))
    with open(os.path.join(odd, b"caf\xe9.py"), "wb") as f:
        f.write(b"Y = 2\n")
    put_solutions(os.fsdecode(os.path.join(os.fsencode(cls), b"caf\xe8")))  # the same name once cleaned
    # 1,100 nested folders
    deep = str(cls / "deep")
    nested(deep, 1100)
    # a symbolic link to the reference solutions, a FIFO named like a notebook, hidden entries
    os.symlink(SOLUTIONS, cls / "mallory")
    os.mkfifo(cls / "fifo.ipynb")
    put_solutions(cls / ".hidden")
    (cls / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    # names a spreadsheet would run, a name with terminal escapes, a 255-byte name
    for name in CSV_NAMES + [ESCAPE_NAME]:
        (cls / name).mkdir()
        (cls / name / "cross_correlation.py").write_text(solution("cross_correlation"))
    put_solutions(cls / LONG_NAME)
    # an R notebook and a 200 MB notebook
    write_notebook(cls / "rstudent.ipynb", ["corr2d <- function(X, K) { X }\n"], language="R")
    with open(cls / "big.ipynb", "w", encoding="utf-8") as f:
        f.write('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "markdown", '
                '"metadata": {}, "source": "')
        chunk = "x" * (1 << 20)
        for _ in range(200):
            f.write(chunk)
        f.write('"}]}')

    db = root / "grades.db"
    batch = grader("batch", cls, "--gradebook", db, "-j", "1", "--only", *ONLY, "--timeout", "120",
                   cwd=root, timeout=900, peak=True)
    csv_path = root / "grades.csv"
    feedback = root / "feedback"
    export = grader("export", db, "--csv", csv_path, "--feedback", feedback, cwd=root)
    conn = sqlite3.connect(db)
    rows = {r[0]: r for r in conn.execute("SELECT student, status, total, error, entry FROM grades")}
    conn.close()
    unnest(deep, 1100)  # os.makedirs and shutil.rmtree themselves recurse that deep
    return {"root": root, "cls": cls, "db": db, "batch": batch, "export": export, "rows": rows,
            "csv": csv_path, "feedback": feedback}


def row(klass, student):
    assert student in klass["rows"], (student, sorted(klass["rows"]))
    return klass["rows"][student]


def test_batch_finishes_and_stays_small(klass):
    batch = klass["batch"]
    assert batch.returncode == 0, batch.stderr.decode(errors="replace")[-3000:]
    assert b"batch stopped" not in batch.stderr
    assert_clean(batch.stdout, "batch stdout")
    print(f"\ntrusted batch parent peak RSS: {peak_mb(batch):.0f} MB")
    assert peak_mb(batch) < 1024


def test_five_unencodable_exceptions_do_not_stop_the_batch(klass):
    """Issue 7.5: after five students whose messages hold lone surrogates, the next ones are graded."""
    for i in range(5):
        assert row(klass, f"a{i}")[1:3] == ("graded", 0.0)
    assert row(klass, "zoe")[1:3] == ("graded", 20.0)
    assert row(klass, "zack")[1:3] == ("graded", 20.0)


def test_non_utf8_names_and_files(klass):
    """Issue 7.5: a class entry whose name is not UTF-8, with Latin-1 named and encoded files inside."""
    cafe = [s for s in klass["rows"] if s.startswith("caf\ufffd-")]  # cleaned, and told apart by a hash
    assert len(cafe) == 2, sorted(klass["rows"])
    for student in cafe:
        assert row(klass, student)[1:3] == ("graded", 20.0)


def test_nested_folders_do_not_crash_the_scan(klass):
    """Issue 7.5: 1,100 nested folders are a zero row, not a RecursionError."""
    status, total, error = row(klass, "deep")[1:4]
    assert status == "unreadable" and total == 0 and "No exercise module found" in error


def test_symbolic_link_is_not_followed(klass):
    """Issue 7.12: a link to solutions/ in the class folder is a zero row, never graded."""
    status, total, error = row(klass, "mallory")[1:4]
    assert (status, total) == ("unreadable", 0.0) and "symbolic link" in error


def test_fifo_is_never_opened(klass):
    """Issue 7.12: a FIFO named x.ipynb does not hang the batch; it is a zero row."""
    status, total, error = row(klass, "fifo")[1:4]
    assert (status, total) == ("unreadable", 0.0) and "not a file or a folder" in error


def test_hidden_entries_get_a_row_and_os_litter_does_not(klass):
    """Issue 7.12: a dot-prefixed entry is a row with its reason; .DS_Store is the OS's and skipped."""
    status, total, error = row(klass, ".hidden")[1:4]
    assert (status, total) == ("unreadable", 0.0) and "starts with a dot" in error
    assert ".DS_Store" not in klass["rows"]


def test_r_notebook_is_not_python(klass):
    """Issue 7.12: an R-kernel notebook is "not a Python notebook", not a SyntaxError."""
    status, total, error = row(klass, "rstudent")[1:4]
    assert status == "unreadable" and "not a Python notebook" in error


def test_200_mb_notebook_is_too_large(klass):
    """Issue 7.12: a 200 MB notebook is "too large", not "not a valid notebook"."""
    status, total, error = row(klass, "big")[1:4]
    assert status == "unreadable" and "too large" in error and "not a valid" not in error


def test_csv_cells_are_never_formulas(klass):
    """Issue 7.11: student names that a spreadsheet would run get a leading apostrophe."""
    assert klass["export"].returncode == 0, klass["export"].stderr[-2000:]
    with open(klass["csv"], newline="", encoding="utf-8") as f:
        cells = [r["student"] for r in csv.DictReader(f)]
    for name in CSV_NAMES:
        assert "'" + name in cells, (name, cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    for name in CSV_NAMES:
        assert row(klass, name)[1:3] == ("graded", 10.0)  # graded as usual: only the cell is neutralised


def test_terminal_escapes_never_reach_outputs(klass):
    """Issue 7.11: ESC/BEL/OSC in a folder name or a message reach no terminal, CSV or feedback file raw."""
    assert_clean(klass["export"].stdout, "export stdout")
    assert_clean(klass["export"].stderr, "export stderr")
    assert_clean(klass["batch"].stderr.replace(b"\r", b""), "batch stderr")  # rich's bar redraws with CR
    assert_clean(klass["csv"].read_bytes(), "grades.csv")
    escaped = [s for s in klass["rows"] if "mallet" in s]
    assert escaped and all("\x1b" not in s and "\x07" not in s for s in escaped)
    for name in os.listdir(klass["feedback"]):
        assert "\x1b" not in name
        assert_clean((klass["feedback"] / name).read_bytes(), name)
    with open(klass["feedback"] / "a0.json", encoding="utf-8") as f:
        data = json.load(f)
    assert any("caf\ufffd" in t["output"] for t in data["tests"]), data


def test_long_student_name_feedback(klass):
    """Issue 7.12: a 255-byte student name does not crash --feedback; no .tmp-* is left."""
    assert klass["export"].returncode == 0, klass["export"].stderr[-2000:]
    assert row(klass, LONG_NAME)[1:3] == ("graded", 20.0)
    names = os.listdir(klass["feedback"])
    assert not [n for n in names if n.startswith(".tmp-")]
    long_ones = [n for n in names if n.startswith("sss")]
    assert len(long_ones) == 2 and all(len(n.encode()) < 200 for n in long_ones), long_ones
    assert len(names) == 2 * len(klass["rows"])


# ----------------------------------------------------------------------------- single submissions

def test_unencodable_text_in_one_grade(tmp_path):
    """Issue 7.5/7.11: a lone surrogate and escapes in a message and in printed output: exit 0, clean JSON."""
    sub = tmp_path / "sub"
    put_solutions(sub, ["blur_kernel"])
    (sub / "cross_correlation.py").write_text(
        "print('\\x1b[2J\\x1b[HTotal: 102 / 102\\x1b]0;title\\x07')\n"
        "def corr2d(X, K):\n    raise ValueError('caf\\udce9 \\x1b]8;;http://x\\x07link\\x1b]8;;\\x07')\n")
    results, _ = grade_json(sub, tmp_path)
    assert verdicts(results) == {"cross_correlation": "zero", "blur_kernel": "full"}
    assert any("caf\ufffd" in t["output"] for t in results["tests"])


def test_zip_bomb_stays_out_of_the_trusted_process(tmp_path):
    """Issue 7.10: 490 members of 8 MiB in a 4 MB zip: not decompressed, the modules beside them graded."""
    path = tmp_path / "bomb.zip"
    pad = b"\0" * (8 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for m in ONLY:
            z.writestr(f"hw/{m}.py", solution(m))
        for i in range(490):
            z.writestr(f"hw/pad{i:03d}.py", pad)
    assert os.path.getsize(path) < 12 << 20
    results, proc = grade_json(path, tmp_path, peak=True)
    print(f"\nzip bomb ({os.path.getsize(path) / 2**20:.1f} MB, 490 x 8 MiB): "
          f"trusted peak RSS {peak_mb(proc):.0f} MB")
    assert peak_mb(proc) < 1024
    assert verdicts(results) == {"cross_correlation": "full", "blur_kernel": "full"}
    assert "more notes not shown" in results["output"]
    assert len(json.dumps(results)) < 200_000


def test_zip_declaring_too_many_members(tmp_path):
    """Issue 7.10: the member count is checked before anything is read."""
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("cross_correlation.py", solution("cross_correlation"))
        for i in range(6000):
            z.writestr(f"x{i}.txt", "")
    results, _ = grade_json(path, tmp_path, "cross_correlation")
    assert verdicts(results) == {"cross_correlation": "zero"}
    assert "at most 5000" in results["output"]


def test_magic_flood_notebook_is_summarised(tmp_path):
    """Issue 7.10: 1.95 million %magic lines give a few notes and a count, not an 86 MB results.json."""
    path = tmp_path / "flood.ipynb"
    write_notebook(path, [solution("cross_correlation"), "%pwd\n" * 1_950_000])
    results, proc = grade_json(path, tmp_path, "cross_correlation", peak=True)
    size = (tmp_path / "results.json").stat().st_size
    print(f"\nmagic flood notebook ({path.stat().st_size / 2**20:.1f} MB): results.json {size} bytes, "
          f"terminal {len(proc.stdout)} bytes, trusted peak RSS {peak_mb(proc):.0f} MB")
    assert verdicts(results) == {"cross_correlation": "full"}
    assert size < 100_000 and len(proc.stdout) < 100_000
    assert "more IPython lines were skipped" in results["output"]
    assert peak_mb(proc) < 1024


def test_200_mb_notebook_in_one_grade(tmp_path):
    """Issue 7.10/7.12: `grader grade` of a 200 MB notebook: "too large", read no further than its size."""
    path = tmp_path / "huge.ipynb"
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": "')
        for _ in range(200):
            f.write("1" * (1 << 20))
        f.write('"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    results, proc = grade_json(path, tmp_path, "cross_correlation", peak=True)
    print(f"\n200 MB notebook: trusted peak RSS {peak_mb(proc):.0f} MB")
    assert verdicts(results) == {"cross_correlation": "zero"}
    assert "too large" in results["output"] and "not a valid" not in results["output"]
    assert peak_mb(proc) < 1024


SIGNAL_CELLS = {
    "blocks_and_loops": "import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\nwhile True:\n    pass\n",
    "ignores_then_loops": "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n",
    "blocks_and_sleeps": "import signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\ntime.sleep(60)\n",
}


@pytest.mark.parametrize("attack", sorted(SIGNAL_CELLS))
def test_a_cell_that_blocks_sigalrm_costs_only_itself(tmp_path, attack):
    """Issue 7.12: a cell that blocks or ignores SIGALRM is stopped; the other cells' definitions count."""
    path = tmp_path / "sig.ipynb"
    cells = [solution("cross_correlation"), SIGNAL_CELLS[attack]]
    if attack == "ignores_then_loops":
        cells.append("while True:\n    pass\n")
    cells.append(solution("blur_kernel"))
    write_notebook(path, cells)
    results, _ = grade_json(path, tmp_path, extra=("--call-timeout", "3"))
    got = verdicts(results)
    # the cells before and after it count (before the fix: 0 on both); `import signal` itself is for the
    # integrity audit to judge, which may withhold the points that rest on worker-side measurements
    assert got["blur_kernel"] == "full" and got["cross_correlation"] in ("full", "partial"), results["output"]
    assert "CellTimeout" in results["output"]


def test_fifo_given_to_grade_does_not_hang(tmp_path):
    """Issue 7.12: `grader grade x.ipynb` on a FIFO is a clear zero."""
    fifo = tmp_path / "x.ipynb"
    os.mkfifo(fifo)
    results, _ = grade_json(fifo, tmp_path, "cross_correlation")
    assert verdicts(results) == {"cross_correlation": "zero"}
    assert "not a regular file" in results["output"]


# ----------------------------------------------------------------------------- issue 9.1: where the modules sit

def tree_zip(folder, dest) -> None:
    with zipfile.ZipFile(dest, "w") as z:
        for base, _, files in os.walk(folder):
            for name in files:
                full = os.path.join(base, name)
                z.write(full, os.path.relpath(full, os.path.dirname(folder)))


@pytest.mark.parametrize("depth", [1, 2])
def test_modules_down_a_chain_of_folders(tmp_path, depth):
    """Issue 9.1: modules one or two folders down are graded, and a folder grades as its zip does."""
    sub = tmp_path / "alice"
    inner = sub / "repo" / "exercises" if depth == 2 else sub / "exercises"
    put_solutions(inner)
    (sub / "README.md").write_text("my homework\n")
    (sub / "__MACOSX").mkdir()
    folder_results, _ = grade_json(sub, tmp_path)
    assert verdicts(folder_results) == {"cross_correlation": "full", "blur_kernel": "full"}
    zipped = tmp_path / "alice.zip"
    tree_zip(str(sub), zipped)
    zip_results, _ = grade_json(zipped, tmp_path)
    assert [t["score"] for t in zip_results["tests"]] == [t["score"] for t in folder_results["tests"]]


def test_zipped_project_with_a_data_folder(tmp_path):
    """Issue 9.1: a zipped project: modules in exercises/, 800 other files beside them, nothing else read."""
    path = tmp_path / "proj.zip"
    with zipfile.ZipFile(path, "w") as z:
        for m in ONLY:
            z.writestr(f"proj/exercises/{m}.py", solution(m))
        for i in range(800):
            z.writestr(f"proj/data/img{i}.png", b"\x89PNG")
        z.writestr("proj/README.md", "my project")
    results, _ = grade_json(path, tmp_path)
    assert verdicts(results) == {"cross_correlation": "full", "blur_kernel": "full"}


def test_two_folders_with_modules_is_a_clear_error(tmp_path):
    sub = tmp_path / "bob"
    put_solutions(sub / "exercises")
    put_solutions(sub / "solutions")
    results, _ = grade_json(sub, tmp_path, "cross_correlation")
    assert verdicts(results) == {"cross_correlation": "zero"}
    assert "2 different folders" in results["output"]


def test_notebook_beside_a_module_file(tmp_path):
    """Issue 9.1: a notebook with most of the work next to one .py file: the notebook is graded, and said so."""
    sub = tmp_path / "carol"
    sub.mkdir()
    write_notebook(sub / "work.ipynb", ["import torch\n", solution("cross_correlation"), solution("blur_kernel")])
    put_solutions(sub, ["second_derivative"])
    results, _ = grade_json(sub, tmp_path, "cross_correlation", "blur_kernel", "second_derivative")
    assert verdicts(results) == {"cross_correlation": "full", "blur_kernel": "full", "second_derivative": "zero"}
    assert "Graded the notebook work.ipynb" in results["output"]
    assert "second_derivative.py" in results["output"]


def test_module_files_beside_a_smaller_notebook(tmp_path):
    sub = tmp_path / "dave"
    put_solutions(sub)
    write_notebook(sub / "scratch.ipynb", ["print('trying things')\n"])
    results, _ = grade_json(sub, tmp_path)
    assert verdicts(results) == {"cross_correlation": "full", "blur_kernel": "full"}
    assert "Graded the module files" in results["output"] and "scratch.ipynb" in results["output"]


def test_several_notebooks_the_fullest_is_graded(tmp_path):
    """Issue 9.1: of several notebooks, the one defining the most exercises is graded; the report says why."""
    sub = tmp_path / "erin"
    sub.mkdir()
    write_notebook(sub / "a_draft.ipynb", [solution("cross_correlation")])
    write_notebook(sub / "b_final.ipynb", [solution("cross_correlation"), solution("blur_kernel")])
    results, _ = grade_json(sub, tmp_path)
    assert verdicts(results) == {"cross_correlation": "full", "blur_kernel": "full"}
    assert "Graded the notebook b_final.ipynb" in results["output"] and "a_draft.ipynb" in results["output"]


# ----------------------------------------------------------------------------- cheap unit checks

def test_contract_names_follow_the_stubs():
    """submission.NAMES (used to compare notebooks) lists exactly what each stub defines (but EDGE_KERNEL)."""
    from grader.contract import MODULES
    from grader.submission import NAMES

    for module in MODULES:
        with open(os.path.join(REPO, "exercises", f"{module}.py"), encoding="utf-8") as f:
            tree = ast.parse(f.read())
        names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        names |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                  if isinstance(t, ast.Name)}
        assert set(NAMES[module]) == names - {"EDGE_KERNEL"}, module


def test_text_helpers():
    from grader import text

    assert text.clean("caf\udce9").encode("utf-8")
    assert text.clean("a\x1b[2Jb\x07\r\n") == "a\\x1b[2Jb\\x07\n"
    assert text.name(b"caf\xe9") == "caf\ufffd"
    assert text.name(os.fsdecode(b"caf\xe9")) == "caf\ufffd"
    assert text.csv_cell("=1+1") == "'=1+1" and text.csv_cell("-2") == "-2" and text.csv_cell("ok") == "ok"
    assert len(text.file_stem("s" * 255).encode()) <= 100 and text.file_stem("ada") == "ada"
    assert text.file_stem("s" * 255) != text.file_stem("s" * 254)
    assert json.dumps(text.deep_clean({"k\udce9": ["v\udce9"]}), ensure_ascii=False).encode("utf-8")


# ----------------------------------------------------------------------------- messages a student can act on

def all_output(results: dict) -> str:
    return results.get("output", "") + "\n".join(t["output"] for t in results["tests"])


def test_an_encrypted_zip_member_is_named_and_called_encrypted(tmp_path):
    """Not zipfile's ``<ZipInfo ...> is encrypted`` repr: the member's name and what to do."""
    path = tmp_path / "locked.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("cross_correlation.py", solution("cross_correlation"))
        z.writestr("blur_kernel.py", solution("blur_kernel"))
    data = bytearray(path.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # mark the first member encrypted
        at = data.index(signature) + flag_at
        data[at] |= 0x1
    path.write_bytes(bytes(data))
    results, _ = grade_json(path, tmp_path)
    output = all_output(results)
    assert "cross_correlation.py in the zip is encrypted" in output, output
    assert "ZipInfo" not in output
    assert verdicts(results)["blur_kernel"] == "full"


def test_a_nul_byte_in_a_source_is_named(tmp_path):
    sub = tmp_path / "sub"
    put_solutions(sub)
    (sub / "cross_correlation.py").write_text(solution("cross_correlation") + "\n# \x00\n")
    results, _ = grade_json(sub, tmp_path)
    output = all_output(results)
    assert "cross_correlation.py holds a NUL byte" in output, output
    assert "line None" not in output
    assert verdicts(results) == {"cross_correlation": "zero", "blur_kernel": "full"}


def test_a_name_missing_from_a_notebook_is_shown_plainly(tmp_path):
    path = tmp_path / "nb.ipynb"
    write_notebook(path, [solution("cross_correlation")])
    results, _ = grade_json(path, tmp_path, "cross_correlation", "conv2d_autograd")
    output = all_output(results)
    assert "`Conv2D` is not defined in the notebook" in output, output
    assert "'t': 'str'" not in output


def test_a_huge_code_cell_is_ignored_like_a_huge_file(tmp_path):
    """One cell of 600 KiB of code (a list literal) would cost the trusted grader gigabytes of syntax
    tree in each analysis: it is ignored with a note, as a .py file over 512 KiB is."""
    from grader.submission import load

    path = tmp_path / "big.ipynb"
    write_notebook(path, [solution("cross_correlation"), "_x = [" + "1," * 300_000 + "]\n"])
    sub = load(str(path))
    assert [i for i, _ in sub.cells] == [1]
    assert any("Cell 2 holds more than 512 KiB of code and was ignored" in n for n in sub.notes), sub.notes
